import { Migration } from '@mikro-orm/migrations';

/**
 * V-3 secrecy: counters move out of the shared tally tables. A ballot (or rating round) counts in a
 * table of its own, created when it opens and dropped when it closes, so no superseded counter row
 * stays in any page of the schema; the totals are inserted once, at close, into `ballot_tallies` /
 * `evaluation_tallies`. The candidate list of a ballot and the projects of a round get their own
 * tables (written at opening, never updated). Ballots and rounds open at migration time keep their
 * counts: they are moved into their own tables.
 */
export class Migration20261130120000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "voting"."ballot_candidates" ("ballot_id" uuid not null, "candidate_id" uuid not null, "position" int not null, constraint "ballot_candidates_pkey" primary key ("ballot_id", "candidate_id"));`);
    this.addSql(`create index "ballot_candidates_candidate_id_index" on "voting"."ballot_candidates" ("candidate_id");`);
    this.addSql(`insert into "voting"."ballot_candidates" ("ballot_id", "candidate_id", "position") select "ballot_id", "candidate_id", "position" from "voting"."ballot_tallies";`);

    this.addSql(`create table "voting"."evaluation_items" ("round_id" uuid not null, "project_id" uuid not null, constraint "evaluation_items_pkey" primary key ("round_id", "project_id"));`);
    this.addSql(`insert into "voting"."evaluation_items" ("round_id", "project_id") select "round_id", "project_id" from "voting"."evaluation_tallies";`);

    this.addSql(`do $$
declare
  r record;
begin
  for r in select "id" from "voting"."ballots" where "status" = 'OPEN' loop
    execute format('create table "voting".%I ("candidate_id" uuid not null primary key, "votes_for" int not null default 0, "votes_against" int not null default 0, "abstentions" int not null default 0)', 'ballot_counts_' || replace(r.id::text, '-', ''));
    execute format('insert into "voting".%I select "candidate_id", "votes_for", "votes_against", "abstentions" from "voting"."ballot_tallies" where "ballot_id" = $1', 'ballot_counts_' || replace(r.id::text, '-', '')) using r.id;
    delete from "voting"."ballot_tallies" where "ballot_id" = r.id;
  end loop;
  for r in select "id" from "voting"."evaluation_rounds" where "status" = 'OPEN' loop
    execute format('create table "voting".%I ("project_id" uuid not null primary key, "satisfied" int not null default 0, "basically_satisfied" int not null default 0, "dissatisfied" int not null default 0)', 'evaluation_counts_' || replace(r.id::text, '-', ''));
    execute format('insert into "voting".%I select "project_id", "satisfied", "basically_satisfied", "dissatisfied" from "voting"."evaluation_tallies" where "round_id" = $1', 'evaluation_counts_' || replace(r.id::text, '-', '')) using r.id;
    delete from "voting"."evaluation_tallies" where "round_id" = r.id;
  end loop;
end $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`do $$
declare
  r record;
begin
  for r in select "id" from "voting"."ballots" where "status" = 'OPEN' loop
    execute format('insert into "voting"."ballot_tallies" ("ballot_id", "candidate_id", "position", "votes_for", "votes_against", "abstentions") select $1, c."candidate_id", c."position", k."votes_for", k."votes_against", k."abstentions" from "voting".%I k join "voting"."ballot_candidates" c on c."ballot_id" = $1 and c."candidate_id" = k."candidate_id"', 'ballot_counts_' || replace(r.id::text, '-', '')) using r.id;
    execute format('drop table "voting".%I', 'ballot_counts_' || replace(r.id::text, '-', ''));
  end loop;
  for r in select "id" from "voting"."evaluation_rounds" where "status" = 'OPEN' loop
    execute format('insert into "voting"."evaluation_tallies" ("round_id", "project_id", "satisfied", "basically_satisfied", "dissatisfied") select $1, "project_id", "satisfied", "basically_satisfied", "dissatisfied" from "voting".%I', 'evaluation_counts_' || replace(r.id::text, '-', '')) using r.id;
    execute format('drop table "voting".%I', 'evaluation_counts_' || replace(r.id::text, '-', ''));
  end loop;
end $$;`);
    this.addSql(`drop table if exists "voting"."ballot_candidates" cascade;`);
    this.addSql(`drop table if exists "voting"."evaluation_items" cascade;`);
  }

}
