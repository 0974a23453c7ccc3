import { Migration } from '@mikro-orm/migrations';
import { dropFeedSupportSql, feedSupportSql, type FeedRegister } from '@renda/db/feeds';

/**
 * 增量变更流: `updated_at` (kept by trigger, existing rows stamped with this migration's time) and an
 * (updated_at, id) index on programs and projects (candidates and results); deletions (replaced candidates)
 * as tombstones.
 */
const registers: FeedRegister[] = [
  { register: 'programs', table: 'programs', regionColumn: 'region_code' },
  { register: 'projects', table: 'projects', regionColumn: 'region_code', ownerColumn: 'program_id' },
];

export class Migration20261130143004 extends Migration {
  override async up(): Promise<void> {
    for (const sql of feedSupportSql('voting', registers)) this.addSql(sql);
  }

  override async down(): Promise<void> {
    for (const sql of dropFeedSupportSql('voting', registers)) this.addSql(sql);
  }
}
