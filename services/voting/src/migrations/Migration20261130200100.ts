import { Migration } from '@mikro-orm/migrations';

/**
 * F-1 at province scale (issue 10): `votingFigures` reads each subtree's closed ballots and evaluation rounds as
 * one range of an index keyed by region prefix, then closing instant (the indexes of Migration20261130144300,
 * first by closing day in Asia/Shanghai, made a city's read scan the whole province's days, and converted every
 * row's instant to a day); the ballots' index carries the status and turnout counts, so that read touches no
 * table page (an index-only scan), the rounds' their status and id for the tallies, whose own index on the round
 * carries the ratings (the join reads no table page either). `serial_plan()` marks a statement to run on one
 * process: a function is parallel unsafe unless declared otherwise, and PostgreSQL then plans no workers, whose
 * start costs more than these reads.
 */
const day = `((closed_at at time zone 'Asia/Shanghai')::date)`;

export class Migration20261130200100 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`drop index "voting"."ballots_closed_day";`);
    this.addSql(`drop index "voting"."evaluation_rounds_closed_day";`);
    this.addSql(
      `create index "ballots_closed_in_subtree" on "voting"."ballots" ("region_code" varchar_pattern_ops, "closed_at") include ("status", "ballots_cast", "roll_size");`,
    );
    this.addSql(
      `create index "evaluation_rounds_closed_in_subtree" on "voting"."evaluation_rounds" ("region_code" varchar_pattern_ops, "closed_at") include ("status", "id");`,
    );
    this.addSql(
      `create index "evaluation_tallies_round_ratings" on "voting"."evaluation_tallies" ("round_id") include ("satisfied", "basically_satisfied", "dissatisfied");`,
    );
    this.addSql(
      `create function "voting"."serial_plan"() returns boolean language sql stable parallel unsafe as 'select true';`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop function "voting"."serial_plan"();`);
    this.addSql(`drop index "voting"."evaluation_tallies_round_ratings";`);
    this.addSql(`drop index "voting"."ballots_closed_in_subtree";`);
    this.addSql(`drop index "voting"."evaluation_rounds_closed_in_subtree";`);
    this.addSql(
      `create index "ballots_closed_day" on "voting"."ballots" (${day}, "region_code") where "status" = 'CLOSED';`,
    );
    this.addSql(
      `create index "evaluation_rounds_closed_day" on "voting"."evaluation_rounds" (${day}, "region_code") where "status" = 'CLOSED';`,
    );
  }
}
