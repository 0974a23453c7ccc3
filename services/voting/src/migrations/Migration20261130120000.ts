import { Migration } from '@mikro-orm/migrations';

/**
 * V-3 secrecy: counters move out of the shared tally tables. A ballot (or rating round) counts in a
 * table of its own, created when it opens and dropped when it closes, so no superseded counter row
 * stays in any page of the schema; the totals are inserted once, at close, into `ballot_tallies` /
 * `evaluation_tallies`. The candidate list of a ballot and the projects of a round get their own
 * tables (written at opening, never updated). Ballots and rounds open at migration time keep their
 * counts: they are moved into their own tables. The tally tables are then rebuilt with the closed
 * totals only and the old ones dropped, so no counter version of the former design stays in a page.
 */
export class Migration20261130120000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "voting"."ballot_candidates" ("ballot_id" uuid not null, "candidate_id" uuid not null, "position" int not null, constraint "ballot_candidates_pkey" primary key ("ballot_id", "candidate_id"));`,
    );
    this.addSql(
      `create index "ballot_candidates_candidate_id_index" on "voting"."ballot_candidates" ("candidate_id");`,
    );
    this.addSql(
      `insert into "voting"."ballot_candidates" ("ballot_id", "candidate_id", "position") select "ballot_id", "candidate_id", "position" from "voting"."ballot_tallies";`,
    );

    this.addSql(
      `create table "voting"."evaluation_items" ("round_id" uuid not null, "project_id" uuid not null, constraint "evaluation_items_pkey" primary key ("round_id", "project_id"));`,
    );
    this.addSql(
      `insert into "voting"."evaluation_items" ("round_id", "project_id") select "round_id", "project_id" from "voting"."evaluation_tallies";`,
    );

    this.addSql(`do $$
declare
  r record;
begin
  for r in select "id" from "voting"."ballots" where "status" = 'OPEN' loop
    execute format('create table "voting".%I ("candidate_id" uuid not null primary key, "votes_for" int not null default 0, "votes_against" int not null default 0, "abstentions" int not null default 0)', 'ballot_counts_' || replace(r.id::text, '-', ''));
    execute format('insert into "voting".%I select "candidate_id", "votes_for", "votes_against", "abstentions" from "voting"."ballot_tallies" where "ballot_id" = $1', 'ballot_counts_' || replace(r.id::text, '-', '')) using r.id;
  end loop;
  for r in select "id" from "voting"."evaluation_rounds" where "status" = 'OPEN' loop
    execute format('create table "voting".%I ("project_id" uuid not null primary key, "satisfied" int not null default 0, "basically_satisfied" int not null default 0, "dissatisfied" int not null default 0)', 'evaluation_counts_' || replace(r.id::text, '-', ''));
    execute format('insert into "voting".%I select "project_id", "satisfied", "basically_satisfied", "dissatisfied" from "voting"."evaluation_tallies" where "round_id" = $1', 'evaluation_counts_' || replace(r.id::text, '-', '')) using r.id;
  end loop;
end $$;`);

    // The tally tables are rebuilt in new files with the closed totals only, and the old ones dropped
    // (unlinked at commit) with every counter version the former design left in their pages.
    this.addSql(`alter table "voting"."ballot_tallies" rename to "ballot_tallies_old";`);
    this.addSql(`alter index "voting"."ballot_tallies_pkey" rename to "ballot_tallies_old_pkey";`);
    this.addSql(
      `alter index "voting"."ballot_tallies_candidate_id_index" rename to "ballot_tallies_old_candidate_id_index";`,
    );
    this.addSql(
      `create table "voting"."ballot_tallies" ("ballot_id" uuid not null, "candidate_id" uuid not null, "position" int not null, "votes_for" int not null default 0, "votes_against" int not null default 0, "abstentions" int not null default 0, "final" boolean not null default false, "passed" boolean not null default false, "elected" boolean not null default false, "tied" boolean not null default false, constraint "ballot_tallies_pkey" primary key ("ballot_id", "candidate_id"));`,
    );
    this.addSql(`create index "ballot_tallies_candidate_id_index" on "voting"."ballot_tallies" ("candidate_id");`);
    this.addSql(
      `insert into "voting"."ballot_tallies" select t.* from "voting"."ballot_tallies_old" t join "voting"."ballots" b on b."id" = t."ballot_id" and b."status" = 'CLOSED';`,
    );
    this.addSql(`drop table "voting"."ballot_tallies_old";`);

    this.addSql(`alter table "voting"."evaluation_tallies" rename to "evaluation_tallies_old";`);
    this.addSql(`alter index "voting"."evaluation_tallies_pkey" rename to "evaluation_tallies_old_pkey";`);
    this.addSql(
      `alter index "voting"."evaluation_tallies_project_id_index" rename to "evaluation_tallies_old_project_id_index";`,
    );
    this.addSql(
      `create table "voting"."evaluation_tallies" ("round_id" uuid not null, "project_id" uuid not null, "satisfied" int not null default 0, "basically_satisfied" int not null default 0, "dissatisfied" int not null default 0, "final" boolean not null default false, constraint "evaluation_tallies_pkey" primary key ("round_id", "project_id"));`,
    );
    this.addSql(`create index "evaluation_tallies_project_id_index" on "voting"."evaluation_tallies" ("project_id");`);
    this.addSql(
      `insert into "voting"."evaluation_tallies" select t.* from "voting"."evaluation_tallies_old" t join "voting"."evaluation_rounds" r on r."id" = t."round_id" and r."status" = 'CLOSED';`,
    );
    this.addSql(`drop table "voting"."evaluation_tallies_old";`);
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
