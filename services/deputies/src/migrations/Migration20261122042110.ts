import { Migration } from '@mikro-orm/migrations';

export class Migration20261122042110 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create schema if not exists "deputies";`);
    this.addSql(
      `create table "deputies"."committee_assignments" ("member_id" uuid not null, "deputy_id" uuid not null, constraint "committee_assignments_pkey" primary key ("member_id", "deputy_id"));`,
    );
    this.addSql(
      `create index "committee_assignments_deputy_id_index" on "deputies"."committee_assignments" ("deputy_id");`,
    );

    this.addSql(
      `create table "deputies"."committee_members" ("id" uuid not null, "congress_id" uuid not null, "region_code" varchar(9) not null, "name" varchar(100) not null, "role" varchar(20) not null, "full_time" boolean not null, constraint "committee_members_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "committee_members_congress_id_index" on "deputies"."committee_members" ("congress_id");`,
    );
    this.addSql(
      `create index "committee_members_region_code_index" on "deputies"."committee_members" ("region_code");`,
    );

    this.addSql(
      `create table "deputies"."congresses" ("id" uuid not null, "region_code" varchar(9) not null, "level" varchar(10) not null, "term_number" int not null, "name" varchar(200) not null, "starts_on" date not null, "ends_on" date null, constraint "congresses_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "congresses_region_code_index" on "deputies"."congresses" ("region_code");`);
    this.addSql(
      `alter table "deputies"."congresses" add constraint "congresses_region_code_term_number_unique" unique ("region_code", "term_number");`,
    );

    this.addSql(
      `create table "deputies"."congress_sessions" ("id" uuid not null, "congress_id" uuid not null, "region_code" varchar(9) not null, "number" int not null, "opens_on" date not null, "closes_on" date not null, constraint "congress_sessions_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "congress_sessions_congress_id_index" on "deputies"."congress_sessions" ("congress_id");`,
    );
    this.addSql(
      `alter table "deputies"."congress_sessions" add constraint "congress_sessions_congress_id_number_unique" unique ("congress_id", "number");`,
    );

    this.addSql(
      `create table "deputies"."contact_records" ("id" uuid not null, "kind" varchar(20) not null, "method" varchar(10) not null, "occurred_on" date not null, "deputy_id" uuid not null, "region_code" varchar(9) not null, "committee_member_id" uuid null, "government_leader_id" uuid null, "station_id" uuid null, "participants" int null, "summary" text not null, "opinions" text[] not null default '{}', "recorded_at" timestamptz not null, "recorded_by" varchar(200) not null, constraint "contact_records_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "contact_records_deputy_id_occurred_on_index" on "deputies"."contact_records" ("deputy_id", "occurred_on");`,
    );
    this.addSql(
      `create index "contact_records_committee_member_id_occurred_on_index" on "deputies"."contact_records" ("committee_member_id", "occurred_on");`,
    );
    this.addSql(
      `create index "contact_records_government_leader_id_occurred_on_index" on "deputies"."contact_records" ("government_leader_id", "occurred_on");`,
    );
    this.addSql(
      `create index "contact_records_region_code_prefix" on "deputies"."contact_records" ("region_code" varchar_pattern_ops, "occurred_on");`,
    );

    this.addSql(
      `create table "deputies"."deputies" ("id" uuid not null, "congress_id" uuid not null, "region_code" varchar(9) not null, "name" varchar(100) not null, "gender" varchar(6) not null, "ethnicity" varchar(20) null, "work_unit" varchar(200) not null, "position" varchar(200) not null, "phone" varchar(40) null, "constituency" varchar(200) not null, "group_id" uuid null, "station_id" uuid null, "status" varchar(12) not null default 'ACTIVE', "status_reason" text null, constraint "deputies_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "deputies_congress_id_index" on "deputies"."deputies" ("congress_id");`);
    this.addSql(`create index "deputies_group_id_index" on "deputies"."deputies" ("group_id");`);
    this.addSql(`create index "deputies_station_id_index" on "deputies"."deputies" ("station_id");`);
    this.addSql(
      `create index "deputies_region_code_prefix" on "deputies"."deputies" ("region_code" varchar_pattern_ops);`,
    );

    this.addSql(
      `create table "deputies"."deputy_groups" ("id" uuid not null, "region_code" varchar(9) not null, "name" varchar(200) not null, constraint "deputy_groups_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "deputy_groups_region_code_index" on "deputies"."deputy_groups" ("region_code");`);

    this.addSql(
      `create table "deputies"."government_leaders" ("id" uuid not null, "region_code" varchar(9) not null, "name" varchar(100) not null, "role" varchar(12) not null, constraint "government_leaders_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "government_leaders_region_code_index" on "deputies"."government_leaders" ("region_code");`,
    );

    this.addSql(
      `create table "deputies"."leader_links" ("leader_id" uuid not null, "deputy_id" uuid not null, constraint "leader_links_pkey" primary key ("leader_id", "deputy_id"));`,
    );
    this.addSql(`create index "leader_links_deputy_id_index" on "deputies"."leader_links" ("deputy_id");`);

    this.addSql(
      `create table "deputies"."liaison_stations" ("id" uuid not null, "region_code" varchar(9) not null, "name" varchar(200) not null, "address" varchar(300) not null, "premises" boolean not null default false, "rules" boolean not null default false, "plan" boolean not null default false, "activities" boolean not null default false, "records" boolean not null default false, "results" boolean not null default false, constraint "liaison_stations_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "liaison_stations_region_code_index" on "deputies"."liaison_stations" ("region_code");`);

    this.addSql(
      `create table "deputies"."regions" ("code" varchar(9) not null, "name" varchar(100) not null, "level" varchar(10) not null, "parent_code" varchar(9) null, constraint "regions_pkey" primary key ("code"));`,
    );
    this.addSql(`create index "regions_parent_code_index" on "deputies"."regions" ("parent_code");`);

    this.addSql(
      `create table "deputies"."session_attendance" ("session_id" uuid not null, "deputy_id" uuid not null, "congress_id" uuid not null, "region_code" varchar(9) not null, "status" varchar(8) not null, constraint "session_attendance_pkey" primary key ("session_id", "deputy_id"));`,
    );
    this.addSql(`create index "session_attendance_deputy_id_index" on "deputies"."session_attendance" ("deputy_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "deputies"."committee_assignments" cascade;`);

    this.addSql(`drop table if exists "deputies"."committee_members" cascade;`);

    this.addSql(`drop table if exists "deputies"."congresses" cascade;`);

    this.addSql(`drop table if exists "deputies"."congress_sessions" cascade;`);

    this.addSql(`drop table if exists "deputies"."contact_records" cascade;`);

    this.addSql(`drop table if exists "deputies"."deputies" cascade;`);

    this.addSql(`drop table if exists "deputies"."deputy_groups" cascade;`);

    this.addSql(`drop table if exists "deputies"."government_leaders" cascade;`);

    this.addSql(`drop table if exists "deputies"."leader_links" cascade;`);

    this.addSql(`drop table if exists "deputies"."liaison_stations" cascade;`);

    this.addSql(`drop table if exists "deputies"."regions" cascade;`);

    this.addSql(`drop table if exists "deputies"."session_attendance" cascade;`);

    this.addSql(`drop schema if exists "deputies";`);
  }
}
