import { Migration } from '@mikro-orm/migrations';
import { dropFeedSupportSql, feedSupportSql, type FeedRegister } from '@renda/db/feeds';

/**
 * 增量变更流: `updated_at` (kept by trigger, existing rows stamped with this migration's time) and an
 * (updated_at, id) index on filed documents and opinion items; deletions as tombstones.
 */
const registers: FeedRegister[] = [
  { register: 'filings', table: 'filed_documents', regionColumn: 'region_code', ownerColumn: 'issuer_id' },
  { register: 'opinion-items', table: 'opinion_items', regionColumn: 'region_code', ownerColumn: 'unit_id' },
];

export class Migration20261130143003 extends Migration {
  override async up(): Promise<void> {
    for (const sql of feedSupportSql('supervision', registers)) this.addSql(sql);
  }

  override async down(): Promise<void> {
    for (const sql of dropFeedSupportSql('supervision', registers)) this.addSql(sql);
  }
}
