import { Migration } from '@mikro-orm/migrations';

/** G-1: resolutions and decisions of the congress, tracked through their tasks (opinion items, source RESOLUTION). */
export class Migration20261130150000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "supervision"."resolutions" ("id" uuid not null, "region_code" varchar(9) not null,
      "kind" varchar(10) not null, "title" text not null, "adopted_on" date not null,
      constraint "resolutions_pkey" primary key ("id"),
      constraint "resolutions_kind_check" check ("kind" in ('RESOLUTION', 'DECISION')));`);
    this.addSql(`create index "resolutions_region_code_prefix" on "supervision"."resolutions"
      ("region_code" varchar_pattern_ops, "adopted_on");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table "supervision"."resolutions";`);
  }
}
