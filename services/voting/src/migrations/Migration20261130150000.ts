import { Migration } from '@mikro-orm/migrations';

/**
 * V-7 raters of a satisfaction round: the round's session and rater groups, the group of each deputy
 * on the roll, a roll and participation of committee members (the two ids only), and per-group totals
 * inserted once at close. Existing rounds are DEPUTIES-only and have no session.
 */
export class Migration20261130150000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "voting"."evaluation_rounds" add column "session_id" uuid null,
      add column "raters" varchar(64) not null default 'DEPUTIES';`);
    this.addSql(`alter table "voting"."evaluation_roll"
      add column "rater_group" varchar(17) not null default 'DEPUTIES',
      add constraint "evaluation_roll_rater_group_check" check ("rater_group" in ('DEPUTIES', 'SUPERVISION_GROUP'));`);
    this.addSql(`create table "voting"."evaluation_member_roll" ("round_id" uuid not null, "member_id" uuid not null,
      constraint "evaluation_member_roll_pkey" primary key ("round_id", "member_id"));`);
    this.addSql(`create table "voting"."evaluation_member_participation" (
      "round_id" uuid not null, "member_id" uuid not null,
      constraint "evaluation_member_participation_pkey" primary key ("round_id", "member_id"));`);
    this.addSql(`create table "voting"."evaluation_group_tallies" ("round_id" uuid not null, "project_id" uuid not null,
      "rater_group" varchar(17) not null, "satisfied" int not null, "basically_satisfied" int not null,
      "dissatisfied" int not null,
      constraint "evaluation_group_tallies_pkey" primary key ("round_id", "project_id", "rater_group"),
      constraint "evaluation_group_tallies_rater_group_check"
        check ("rater_group" in ('DEPUTIES', 'COMMITTEE_MEMBERS', 'SUPERVISION_GROUP')));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table "voting"."evaluation_group_tallies";`);
    this.addSql(`drop table "voting"."evaluation_member_participation";`);
    this.addSql(`drop table "voting"."evaluation_member_roll";`);
    this.addSql(`alter table "voting"."evaluation_roll" drop constraint "evaluation_roll_rater_group_check",
      drop column "rater_group";`);
    this.addSql(`alter table "voting"."evaluation_rounds" drop column "raters", drop column "session_id";`);
  }
}
