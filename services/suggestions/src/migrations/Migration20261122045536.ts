import { Migration } from '@mikro-orm/migrations';

export class Migration20261122045536 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create schema if not exists "suggestions";`);
    this.addSql(
      `create table "suggestions"."evaluations" ("id" uuid not null, "suggestion_id" uuid not null, "round" int not null, "deputy_id" uuid not null, "attitude" varchar(20) not null, "result" varchar(20) not null, "comment" text null, "evaluated_at" timestamptz not null, "coercion_risk" boolean not null, constraint "evaluations_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "suggestions"."evaluations" add constraint "evaluations_suggestion_round_unique" unique ("suggestion_id", "round");`,
    );

    this.addSql(
      `create table "suggestions"."handling_units" ("id" uuid not null, "suggestion_id" uuid not null, "unit_id" uuid not null, "role" varchar(10) not null, "position" int not null, "year" int not null, constraint "handling_units_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "handling_units_unit_year" on "suggestions"."handling_units" ("unit_id", "year");`);
    this.addSql(
      `alter table "suggestions"."handling_units" add constraint "handling_units_suggestion_unit_unique" unique ("suggestion_id", "unit_id");`,
    );

    this.addSql(
      `create table "suggestions"."process_steps" ("id" uuid not null, "suggestion_id" uuid not null, "stage" varchar(12) not null, "round" int not null, "ordinal" int not null, "at" timestamptz not null, "by" varchar(200) not null, "note" text null, constraint "process_steps_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "suggestions"."process_steps" add constraint "process_steps_suggestion_ordinal_unique" unique ("suggestion_id", "ordinal");`,
    );

    this.addSql(
      `create table "suggestions"."replies" ("id" uuid not null, "suggestion_id" uuid not null, "round" int not null, "category" varchar(10) not null, "content" text not null, "replied_on" date not null, "reviewed_by" varchar(100) not null, "on_time" boolean not null, "replied_by" varchar(200) not null, constraint "replies_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "suggestions"."replies" add constraint "replies_suggestion_round_unique" unique ("suggestion_id", "round");`,
    );

    this.addSql(
      `create table "suggestions"."serial_counters" ("register_key" varchar(60) not null, "kind" varchar(16) not null, "last" int not null, constraint "serial_counters_pkey" primary key ("register_key", "kind"));`,
    );

    this.addSql(
      `create table "suggestions"."supervision_sheets" ("id" uuid not null, "suggestion_id" uuid not null, "kind" varchar(12) not null, "unit_id" uuid not null, "issued_on" date not null, "due_on" date not null, "content" text not null, "issued_by" varchar(200) not null, "answered_on" date null, "answered_by" varchar(200) null, constraint "supervision_sheets_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "supervision_sheets_suggestion_id_index" on "suggestions"."supervision_sheets" ("suggestion_id");`,
    );
    this.addSql(`create index "supervision_sheets_unit_id_index" on "suggestions"."supervision_sheets" ("unit_id");`);

    this.addSql(
      `create table "suggestions"."suggestions" ("id" uuid not null, "kind" varchar(16) not null, "region_code" varchar(9) not null, "year" int not null, "session_id" uuid null, "register_key" varchar(60) not null, "serial_number" int not null, "title" varchar(200) not null, "content" text not null, "category" varchar(50) null, "lead_deputy_id" uuid null, "proposer_name" varchar(100) null, "stage" varchar(12) not null, "round" int not null default 1, "grade" varchar(8) null, "lead_official" varchar(100) null, "complex" boolean not null default false, "is_key" boolean not null default false, "key_supervisor" varchar(100) null, "lead_unit_id" uuid null, "assigned_on" date null, "reply_due_on" date null, "reply_category" varchar(10) null, "replied_on" date null, "reply_on_time" boolean null, "latest_result" varchar(20) null, "coercion_risk" boolean not null default false, "rehandling" boolean not null default false, "published" boolean not null default false, "registered_at" timestamptz not null, "registered_by" varchar(200) not null, "step_count" int not null default 0, "version" int not null default 1, constraint "suggestions_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "suggestions_year_region_prefix" on "suggestions"."suggestions" ("year", "region_code" varchar_pattern_ops) include ("is_key", "reply_category", "reply_on_time", "reply_due_on", "latest_result", "coercion_risk", "lead_unit_id");`,
    );
    this.addSql(
      `create index "suggestions_lead_unit_year" on "suggestions"."suggestions" ("lead_unit_id", "year") include ("is_key", "reply_category", "reply_on_time", "reply_due_on", "latest_result", "coercion_risk", "region_code");`,
    );
    this.addSql(
      `create index "suggestions_published_region_prefix" on "suggestions"."suggestions" ("region_code" varchar_pattern_ops, "year") where "published";`,
    );
    this.addSql(`create index "suggestions_session_id_index" on "suggestions"."suggestions" ("session_id");`);
    this.addSql(
      `create index "suggestions_lead_deputy_year" on "suggestions"."suggestions" ("lead_deputy_id", "year");`,
    );
    this.addSql(
      `alter table "suggestions"."suggestions" add constraint "suggestions_register_kind_serial_unique" unique ("register_key", "kind", "serial_number");`,
    );

    this.addSql(
      `create table "suggestions"."suggestion_signers" ("id" uuid not null, "suggestion_id" uuid not null, "deputy_id" uuid not null, "lead" boolean not null, "position" int not null, "year" int not null, constraint "suggestion_signers_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "suggestion_signers_deputy_year" on "suggestions"."suggestion_signers" ("deputy_id", "year");`,
    );
    this.addSql(
      `alter table "suggestions"."suggestion_signers" add constraint "suggestion_signers_suggestion_deputy_unique" unique ("suggestion_id", "deputy_id");`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "suggestions"."evaluations" cascade;`);

    this.addSql(`drop table if exists "suggestions"."handling_units" cascade;`);

    this.addSql(`drop table if exists "suggestions"."process_steps" cascade;`);

    this.addSql(`drop table if exists "suggestions"."replies" cascade;`);

    this.addSql(`drop table if exists "suggestions"."serial_counters" cascade;`);

    this.addSql(`drop table if exists "suggestions"."supervision_sheets" cascade;`);

    this.addSql(`drop table if exists "suggestions"."suggestions" cascade;`);

    this.addSql(`drop table if exists "suggestions"."suggestion_signers" cascade;`);

    this.addSql(`drop schema if exists "suggestions";`);
  }
}
