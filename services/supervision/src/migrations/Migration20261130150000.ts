import { Migration } from '@mikro-orm/migrations';

/**
 * G-1: resolutions and decisions of the congress, tracked through their tasks (opinion items, source
 * RESOLUTION). G-7: visits, research and special inquiries with deputies invited and units taking part.
 */
export class Migration20261130150000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "supervision"."resolutions" ("id" uuid not null, "region_code" varchar(9) not null,
      "kind" varchar(10) not null, "title" text not null, "adopted_on" date not null,
      constraint "resolutions_pkey" primary key ("id"),
      constraint "resolutions_kind_check" check ("kind" in ('RESOLUTION', 'DECISION')));`);
    this.addSql(`create index "resolutions_region_code_prefix" on "supervision"."resolutions"
      ("region_code" varchar_pattern_ops, "adopted_on");`);
    this.addSql(`create table "supervision"."supervision_activities" ("id" uuid not null,
      "region_code" varchar(9) not null,
      "kind" varchar(15) not null, "subject" text not null, "held_on" date not null, "findings" text null,
      constraint "supervision_activities_pkey" primary key ("id"),
      constraint "supervision_activities_kind_check" check ("kind" in ('VISIT', 'RESEARCH', 'SPECIAL_INQUIRY')));`);
    this.addSql(`create index "supervision_activities_region_code_prefix" on "supervision"."supervision_activities"
      ("region_code" varchar_pattern_ops, "held_on");`);
    this.addSql(`create table "supervision"."activity_deputies" ("activity_id" uuid not null
      references "supervision"."supervision_activities" ("id"), "deputy_id" uuid not null,
      constraint "activity_deputies_pkey" primary key ("activity_id", "deputy_id"));`);
    this.addSql(`create index "activity_deputies_deputy_id_index" on "supervision"."activity_deputies" ("deputy_id");`);
    this.addSql(`create table "supervision"."activity_units" ("activity_id" uuid not null
      references "supervision"."supervision_activities" ("id"), "unit_id" uuid not null,
      constraint "activity_units_pkey" primary key ("activity_id", "unit_id"));`);
    this.addSql(`create index "activity_units_unit_id_index" on "supervision"."activity_units" ("unit_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table "supervision"."activity_units";`);
    this.addSql(`drop table "supervision"."activity_deputies";`);
    this.addSql(`drop table "supervision"."supervision_activities";`);
    this.addSql(`drop table "supervision"."resolutions";`);
  }
}
