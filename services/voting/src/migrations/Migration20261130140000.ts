import { Migration } from '@mikro-orm/migrations';

/**
 * V-6 in-room ballots: a ballot's method (ONLINE, PAPER, DEVICE) and the tellers' entries of its
 * totals, insert-only (entries, per-candidate counts, confirmations). Existing ballots are ONLINE.
 */
export class Migration20261130140000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "voting"."ballots" add column "method" varchar(6) not null default 'ONLINE';`);
    this.addSql(
      `alter table "voting"."ballots" add constraint "ballots_method_check"
        check ("method" in ('ONLINE', 'PAPER', 'DEVICE'));`,
    );
    this.addSql(`create table "voting"."ballot_room_entries" (
      "id" uuid not null primary key,
      "ballot_id" uuid not null references "voting"."ballots" ("id"),
      "entry" int not null,
      "ballots_issued" int not null,
      "ballots_returned" int not null,
      "ballots_void" int not null,
      "entered_by" varchar(255) not null,
      "entered_at" timestamptz not null,
      constraint "ballot_room_entries_ballot_entry_unique" unique ("ballot_id", "entry"),
      constraint "ballot_room_entries_totals_check"
        check ("ballots_void" >= 0 and "ballots_void" <= "ballots_returned"
           and "ballots_returned" <= "ballots_issued"));`);
    this.addSql(`create table "voting"."ballot_room_totals" (
      "entry_id" uuid not null references "voting"."ballot_room_entries" ("id"),
      "candidate_id" uuid not null,
      "position" int not null,
      "votes_for" int not null check ("votes_for" >= 0),
      "votes_against" int not null check ("votes_against" >= 0),
      "abstentions" int not null check ("abstentions" >= 0),
      constraint "ballot_room_totals_pkey" primary key ("entry_id", "candidate_id"));`);
    this.addSql(`create table "voting"."ballot_room_confirmations" (
      "entry_id" uuid not null primary key references "voting"."ballot_room_entries" ("id"),
      "confirmed_by" varchar(255) not null,
      "confirmed_at" timestamptz not null);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table "voting"."ballot_room_confirmations";`);
    this.addSql(`drop table "voting"."ballot_room_totals";`);
    this.addSql(`drop table "voting"."ballot_room_entries";`);
    this.addSql(`alter table "voting"."ballots" drop constraint "ballots_method_check";`);
    this.addSql(`alter table "voting"."ballots" drop column "method";`);
  }
}
