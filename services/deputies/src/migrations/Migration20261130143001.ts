import { Migration } from '@mikro-orm/migrations';
import { dropFeedSupportSql, feedSupportSql, type FeedRegister } from '@renda/db/feeds';

/**
 * 增量变更流: `updated_at` (kept by trigger, existing rows stamped with this migration's time) and an
 * (updated_at, id) index on the deputies and contact records registers; their deletions as tombstones.
 */
const registers: FeedRegister[] = [
  { register: 'deputies', table: 'deputies', regionColumn: 'region_code' },
  { register: 'contacts', table: 'contact_records', regionColumn: 'region_code', ownerColumn: 'deputy_id' },
];

export class Migration20261130143001 extends Migration {
  override async up(): Promise<void> {
    for (const sql of feedSupportSql('deputies', registers)) this.addSql(sql);
  }

  override async down(): Promise<void> {
    for (const sql of dropFeedSupportSql('deputies', registers)) this.addSql(sql);
  }
}
