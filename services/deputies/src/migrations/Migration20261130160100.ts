import { Migration } from '@mikro-orm/migrations';

/**
 * F-1: `serial_plan()`, a marker that keeps a statement on one process. A function is parallel unsafe unless
 * declared otherwise, and PostgreSQL plans no parallel workers for a statement that calls one, whatever its
 * costs: the figures' rollup reads (`modules/stats/figures.store.ts`) read a few hundred rows, and starting
 * workers cost more than that (tens of ms on a busy machine). `set local` would need a transaction, which the
 * embedded server refuses beside other queries.
 */
export class Migration20261130160100 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create function "deputies"."serial_plan"() returns boolean language sql stable parallel unsafe as 'select true';`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop function "deputies"."serial_plan"();`);
  }
}
