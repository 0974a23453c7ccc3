import { Migration } from '@mikro-orm/migrations';

export class Migration20261122043434 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create schema if not exists "voting";`);
    this.addSql(
      `create table "voting"."ballots" ("id" uuid not null, "program_id" uuid not null, "region_code" varchar(9) not null, "year" int not null, "status" varchar(6) not null, "seats" int not null, "run_off" boolean not null default false, "roll_size" int not null, "ballots_cast" int not null default 0, "opened_at" timestamptz not null, "closed_at" timestamptz null, constraint "ballots_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "ballots_program_id_index" on "voting"."ballots" ("program_id");`);
    this.addSql(
      `create index "ballots_region_code_prefix" on "voting"."ballots" ("region_code" varchar_pattern_ops, "year");`,
    );
    this.addSql(
      `create unique index "ballots_one_open_per_program" on "voting"."ballots" ("program_id") where "status" = 'OPEN';`,
    );

    this.addSql(
      `create table "voting"."ballot_participation" ("ballot_id" uuid not null, "deputy_id" uuid not null, constraint "ballot_participation_pkey" primary key ("ballot_id", "deputy_id"));`,
    );
    this.addSql(
      `create index "ballot_participation_deputy_id_index" on "voting"."ballot_participation" ("deputy_id");`,
    );

    this.addSql(
      `create table "voting"."ballot_roll" ("ballot_id" uuid not null, "deputy_id" uuid not null, constraint "ballot_roll_pkey" primary key ("ballot_id", "deputy_id"));`,
    );

    this.addSql(
      `create table "voting"."ballot_tallies" ("ballot_id" uuid not null, "candidate_id" uuid not null, "position" int not null, "votes_for" int not null default 0, "votes_against" int not null default 0, "abstentions" int not null default 0, "final" boolean not null default false, "passed" boolean not null default false, "elected" boolean not null default false, "tied" boolean not null default false, constraint "ballot_tallies_pkey" primary key ("ballot_id", "candidate_id"));`,
    );
    this.addSql(`create index "ballot_tallies_candidate_id_index" on "voting"."ballot_tallies" ("candidate_id");`);

    this.addSql(
      `create table "voting"."evaluation_participation" ("round_id" uuid not null, "deputy_id" uuid not null, constraint "evaluation_participation_pkey" primary key ("round_id", "deputy_id"));`,
    );
    this.addSql(
      `create index "evaluation_participation_deputy_id_index" on "voting"."evaluation_participation" ("deputy_id");`,
    );

    this.addSql(
      `create table "voting"."evaluation_roll" ("round_id" uuid not null, "deputy_id" uuid not null, constraint "evaluation_roll_pkey" primary key ("round_id", "deputy_id"));`,
    );

    this.addSql(
      `create table "voting"."evaluation_rounds" ("id" uuid not null, "program_id" uuid not null, "region_code" varchar(9) not null, "year" int not null, "status" varchar(6) not null, "roll_size" int not null, "responses" int not null default 0, "opened_at" timestamptz not null, "closed_at" timestamptz null, constraint "evaluation_rounds_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "evaluation_rounds_program_id_index" on "voting"."evaluation_rounds" ("program_id");`);
    this.addSql(
      `create index "evaluation_rounds_region_code_prefix" on "voting"."evaluation_rounds" ("region_code" varchar_pattern_ops, "year");`,
    );
    this.addSql(
      `create unique index "evaluation_rounds_one_open_per_program" on "voting"."evaluation_rounds" ("program_id") where "status" = 'OPEN';`,
    );

    this.addSql(
      `create table "voting"."evaluation_tallies" ("round_id" uuid not null, "project_id" uuid not null, "satisfied" int not null default 0, "basically_satisfied" int not null default 0, "dissatisfied" int not null default 0, "final" boolean not null default false, constraint "evaluation_tallies_pkey" primary key ("round_id", "project_id"));`,
    );
    this.addSql(`create index "evaluation_tallies_project_id_index" on "voting"."evaluation_tallies" ("project_id");`);

    this.addSql(
      `create table "voting"."programs" ("id" uuid not null, "region_code" varchar(9) not null, "level" varchar(10) not null, "year" int not null, "session_id" uuid not null, "congress_id" uuid not null, "title" varchar(200) not null, "seats" int not null, "stage" varchar(12) not null, "created_at" timestamptz not null, constraint "programs_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "programs_session_id_index" on "voting"."programs" ("session_id");`);
    this.addSql(
      `create index "programs_region_code_prefix" on "voting"."programs" ("region_code" varchar_pattern_ops, "year");`,
    );

    this.addSql(
      `create table "voting"."progress_reports" ("id" uuid not null, "project_id" uuid not null, "region_code" varchar(9) not null, "reported_on" date not null, "percent_complete" int not null, "spent" numeric(14,2) not null, "note" text not null, "recorded_at" timestamptz not null, constraint "progress_reports_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "progress_reports_project_id_reported_on_index" on "voting"."progress_reports" ("project_id", "reported_on");`,
    );

    this.addSql(
      `create table "voting"."projects" ("id" uuid not null, "program_id" uuid not null, "region_code" varchar(9) not null, "year" int not null, "position" int not null, "title" varchar(200) not null, "description" text not null, "budget" numeric(14,2) not null, "lead_unit_id" uuid not null, "status" varchar(12) not null, "rank" int null, "proposal_id" uuid null, "percent_complete" int not null default 0, constraint "projects_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "projects_program_id_index" on "voting"."projects" ("program_id");`);
    this.addSql(
      `create index "projects_region_code_prefix" on "voting"."projects" ("region_code" varchar_pattern_ops, "year");`,
    );
    this.addSql(`create index "projects_lead_unit_id_year_index" on "voting"."projects" ("lead_unit_id", "year");`);
    this.addSql(`alter table "voting"."projects" add constraint "projects_proposal_id_unique" unique ("proposal_id");`);

    this.addSql(
      `create table "voting"."project_supervisors" ("project_id" uuid not null, "deputy_id" uuid not null, "region_code" varchar(9) not null, constraint "project_supervisors_pkey" primary key ("project_id", "deputy_id"));`,
    );
    this.addSql(`create index "project_supervisors_deputy_id_index" on "voting"."project_supervisors" ("deputy_id");`);

    this.addSql(
      `create table "voting"."proposals" ("id" uuid not null, "program_id" uuid not null, "region_code" varchar(9) not null, "title" varchar(200) not null, "description" text not null, "proposer" varchar(200) not null, "proposed_at" timestamptz not null, constraint "proposals_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "proposals_program_id_index" on "voting"."proposals" ("program_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "voting"."ballots" cascade;`);

    this.addSql(`drop table if exists "voting"."ballot_participation" cascade;`);

    this.addSql(`drop table if exists "voting"."ballot_roll" cascade;`);

    this.addSql(`drop table if exists "voting"."ballot_tallies" cascade;`);

    this.addSql(`drop table if exists "voting"."evaluation_participation" cascade;`);

    this.addSql(`drop table if exists "voting"."evaluation_roll" cascade;`);

    this.addSql(`drop table if exists "voting"."evaluation_rounds" cascade;`);

    this.addSql(`drop table if exists "voting"."evaluation_tallies" cascade;`);

    this.addSql(`drop table if exists "voting"."programs" cascade;`);

    this.addSql(`drop table if exists "voting"."progress_reports" cascade;`);

    this.addSql(`drop table if exists "voting"."projects" cascade;`);

    this.addSql(`drop table if exists "voting"."project_supervisors" cascade;`);

    this.addSql(`drop table if exists "voting"."proposals" cascade;`);

    this.addSql(`drop schema if exists "voting";`);
  }
}
