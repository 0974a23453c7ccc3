import { Migration } from '@mikro-orm/migrations';
import { partitionByYearSql } from '@renda/db/partitions';

/**
 * Contacts partitioned by the year they took place (docs/scale.md). `contact_records` keeps its rows,
 * checks, indexes and foreign keys; its primary key becomes (id, occurred_on), and the key registry
 * `contact_record_keys` keeps one contact per id across years (suggestions refer to contacts by id, D-10).
 */
export class Migration20261130145010 extends Migration {
  override async up(): Promise<void> {
    const sql = partitionByYearSql({
      table: 'deputies.contact_records',
      column: 'occurred_on',
      kind: 'date',
      registry: { table: 'deputies.contact_record_keys', columns: {}, uniques: {} },
    });
    for (const s of sql) this.addSql(s);
  }

  override async down(): Promise<void> {
    this.addSql(
      `do $$ begin
        raise exception 'Migration20261130145010 (year partitions) is not reversed: restore a backup';
      end $$;`,
    );
  }
}
