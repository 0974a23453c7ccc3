import { Migration } from '@mikro-orm/migrations';

/**
 * F-1 at province scale (issue 10): `votingFigures` reads each subtree's closed ballots and evaluation rounds as
 * one range of an index keyed by region prefix, then closing day in Asia/Shanghai (the day-first indexes of
 * Migration20261130144300 made a city's read scan the whole province's days); the ballots' index carries the
 * turnout counts, so that read touches no table page (an index-only scan), and the rounds' carries their id for
 * the tallies, whose own index on the round carries the ratings (the join reads no table page either). The
 * new indexes are on an expression (the closing day) and whole (not partial: the planner learns an expression's
 * distribution from whole indexes only), and `analyze` gathers it: without it the planner takes a province's
 * ten thousand ballots for a hundred and sorts them instead of hashing them.
 * `serial_plan()` marks a statement to run on one process: a function is parallel unsafe unless
 * declared otherwise, and PostgreSQL then plans no workers, whose start costs more than these reads.
 */
const day = `((closed_at at time zone 'Asia/Shanghai')::date)`;

export class Migration20261130200100 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`drop index "voting"."ballots_closed_day";`);
    this.addSql(`drop index "voting"."evaluation_rounds_closed_day";`);
    this.addSql(
      `create index "ballots_closed_in_subtree" on "voting"."ballots" ("region_code" varchar_pattern_ops, ${day}) include ("status", "ballots_cast", "roll_size");`,
    );
    this.addSql(
      `create index "evaluation_rounds_closed_in_subtree" on "voting"."evaluation_rounds" ("region_code" varchar_pattern_ops, ${day}) include ("status", "id");`,
    );
    this.addSql(
      `create index "evaluation_tallies_round_ratings" on "voting"."evaluation_tallies" ("round_id") include ("satisfied", "basically_satisfied", "dissatisfied");`,
    );
    this.addSql(`analyze "voting"."ballots";`);
    this.addSql(`analyze "voting"."evaluation_rounds";`);
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
