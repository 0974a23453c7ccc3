import { Migration } from '@mikro-orm/migrations';

export class Migration20261130123515 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "suggestions"."committee_votes" ("id" uuid not null, "suggestion_id" uuid not null, "round" int not null, "voted_on" date not null, "members_present" int not null, "satisfied" int not null, "basically_satisfied" int not null, "dissatisfied" int not null, "at" timestamptz not null, "by_name" varchar(200) not null, "by_role" varchar(20) not null, "by_unit_id" uuid null, constraint "committee_votes_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "committee_votes_voted_on_index" on "suggestions"."committee_votes" ("voted_on");`);
    this.addSql(
      `alter table "suggestions"."committee_votes" add constraint "committee_votes_suggestion_round_unique" unique ("suggestion_id", "round");`,
    );

    this.addSql(
      `create table "suggestions"."co_handler_contributions" ("id" uuid not null, "suggestion_id" uuid not null, "round" int not null, "unit_id" uuid not null, "lead_unit_id" uuid not null, "content" text not null, "sent_on" date not null, "at" timestamptz not null, "by_name" varchar(200) not null, "by_role" varchar(20) not null, "by_unit_id" uuid null, constraint "co_handler_contributions_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "co_handler_contributions_suggestion_id_index" on "suggestions"."co_handler_contributions" ("suggestion_id");`,
    );

    this.addSql(
      `create table "suggestions"."deputy_contacts" ("id" uuid not null, "suggestion_id" uuid not null, "round" int not null, "unit_id" uuid null, "phase" varchar(8) not null, "method" varchar(8) not null, "summary" text not null, "contacted_on" date not null, "at" timestamptz not null, "deputy_reply" text null, "deputy_replied_at" timestamptz null, "by_name" varchar(200) not null, "by_role" varchar(20) not null, "by_unit_id" uuid null, constraint "deputy_contacts_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "deputy_contacts_suggestion_id_index" on "suggestions"."deputy_contacts" ("suggestion_id");`,
    );

    this.addSql(
      `create table "suggestions"."key_hearings" ("id" uuid not null, "suggestion_id" uuid not null, "held_on" date not null, "summary" text not null, "decisions" text null, "at" timestamptz not null, "by_name" varchar(200) not null, "by_role" varchar(20) not null, "by_unit_id" uuid null, constraint "key_hearings_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "key_hearings_suggestion_id_index" on "suggestions"."key_hearings" ("suggestion_id");`);
    this.addSql(`create index "key_hearings_held_on_index" on "suggestions"."key_hearings" ("held_on");`);

    this.addSql(
      `create table "suggestions"."progress_reports" ("id" uuid not null, "suggestion_id" uuid not null, "round" int not null, "unit_id" uuid not null, "percent" int not null, "content" text not null, "difficulties" text null, "reported_on" date not null, "at" timestamptz not null, "by_name" varchar(200) not null, "by_role" varchar(20) not null, "by_unit_id" uuid null, constraint "progress_reports_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "progress_reports_suggestion_id_index" on "suggestions"."progress_reports" ("suggestion_id");`,
    );
    this.addSql(
      `create index "progress_reports_reported_on_index" on "suggestions"."progress_reports" ("reported_on");`,
    );

    this.addSql(
      `alter table "suggestions"."evaluations" add column "rater_name" varchar(100) null, add column "entered_by" varchar(200) null;`,
    );
    this.addSql(`alter table "suggestions"."evaluations" alter column "deputy_id" drop not null;`);
    this.addSql(
      `alter table "suggestions"."evaluations" add constraint "evaluations_rater_check" check (("deputy_id" is null) <> ("rater_name" is null));`,
    );

    this.addSql(
      `alter table "suggestions"."process_steps" add column "by_name" varchar(200) null, add column "by_role" varchar(20) null, add column "by_unit_id" uuid null;`,
    );

    this.addSql(
      `alter table "suggestions"."replies" add column "by_name" varchar(200) null, add column "by_role" varchar(20) null, add column "by_unit_id" uuid null;`,
    );

    this.addSql(
      `alter table "suggestions"."supervision_sheets" add column "by_name" varchar(200) null, add column "by_role" varchar(20) null, add column "by_unit_id" uuid null, add column "answered_by_name" varchar(200) null, add column "answered_by_role" varchar(20) null, add column "answered_by_unit_id" uuid null;`,
    );

    this.addSql(`alter table "suggestions"."suggestions" add column "lead_official_id" uuid null;`);

    // Relations inside the service are foreign keys (checked at commit: the entities declare no relations,
    // so one flush may insert a child before its item); the rules that fit a row are checks.
    for (const t of [
      'committee_votes',
      'co_handler_contributions',
      'deputy_contacts',
      'key_hearings',
      'progress_reports',
    ]) {
      this.addSql(
        `alter table "suggestions"."${t}" add constraint "${t}_suggestion_fk" foreign key ("suggestion_id") references "suggestions"."suggestions" ("id") deferrable initially deferred;`,
      );
    }
    this.addSql(
      `alter table "suggestions"."progress_reports" add constraint "progress_reports_percent_check" check ("percent" between 0 and 100);`,
    );
    this.addSql(
      `alter table "suggestions"."committee_votes" add constraint "committee_votes_tally_check" check ("members_present" > 0 and "satisfied" >= 0 and "basically_satisfied" >= 0 and "dissatisfied" >= 0 and "satisfied" + "basically_satisfied" + "dissatisfied" <= "members_present");`,
    );
    this.addSql(
      `create index "supervision_sheets_open_due" on "suggestions"."supervision_sheets" ("due_on") where "answered_on" is null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "suggestions"."supervision_sheets_open_due";`);
    this.addSql(`drop table if exists "suggestions"."committee_votes" cascade;`);

    this.addSql(`drop table if exists "suggestions"."co_handler_contributions" cascade;`);

    this.addSql(`drop table if exists "suggestions"."deputy_contacts" cascade;`);

    this.addSql(`drop table if exists "suggestions"."key_hearings" cascade;`);

    this.addSql(`drop table if exists "suggestions"."progress_reports" cascade;`);

    this.addSql(`alter table "suggestions"."evaluations" drop column "rater_name", drop column "entered_by";`);

    this.addSql(`alter table "suggestions"."evaluations" drop constraint "evaluations_rater_check";`);
    this.addSql(`alter table "suggestions"."evaluations" alter column "deputy_id" set not null;`);

    this.addSql(
      `alter table "suggestions"."process_steps" drop column "by_name", drop column "by_role", drop column "by_unit_id";`,
    );

    this.addSql(
      `alter table "suggestions"."replies" drop column "by_name", drop column "by_role", drop column "by_unit_id";`,
    );

    this.addSql(`alter table "suggestions"."suggestions" drop column "lead_official_id";`);

    this.addSql(
      `alter table "suggestions"."supervision_sheets" drop column "by_name", drop column "by_role", drop column "by_unit_id", drop column "answered_by_name", drop column "answered_by_role", drop column "answered_by_unit_id";`,
    );
  }
}
