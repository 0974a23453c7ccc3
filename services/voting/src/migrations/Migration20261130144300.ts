import { Migration } from '@mikro-orm/migrations';

/**
 * F-1 at province scale: `votingFigures` picks the ballots and evaluation rounds closed in each period by
 * their closing day in Asia/Shanghai; these indexes make that a range of days per period (then the subtree's
 * prefix), instead of every closed ballot of the province per period.
 */
export class Migration20261130144300 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create index "ballots_closed_day" on "voting"."ballots" (((closed_at at time zone 'Asia/Shanghai')::date), "region_code") where "status" = 'CLOSED';`,
    );
    this.addSql(
      `create index "evaluation_rounds_closed_day" on "voting"."evaluation_rounds" (((closed_at at time zone 'Asia/Shanghai')::date), "region_code") where "status" = 'CLOSED';`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "voting"."ballots_closed_day";`);
    this.addSql(`drop index "voting"."evaluation_rounds_closed_day";`);
  }
}
