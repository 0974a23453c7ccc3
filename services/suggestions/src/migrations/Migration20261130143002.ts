import { Migration } from '@mikro-orm/migrations';
import { dropFeedSupportSql, feedSupportSql, type FeedChild, type FeedRegister } from '@renda/db/feeds';

/**
 * 增量变更流: `updated_at` (kept by trigger, existing rows stamped with this migration's time) and an
 * (updated_at, id) index on items and supervision sheets; a step written stamps its item; deletions as
 * tombstones.
 */
const registers: FeedRegister[] = [
  { register: 'suggestions', table: 'suggestions', regionColumn: 'region_code', ownerColumn: 'lead_deputy_id' },
  { register: 'sheets', table: 'supervision_sheets', regionColumn: null, ownerColumn: 'unit_id' },
];
const children: FeedChild[] = [{ table: 'process_steps', parentColumn: 'suggestion_id', parentTable: 'suggestions' }];

export class Migration20261130143002 extends Migration {
  override async up(): Promise<void> {
    for (const sql of feedSupportSql('suggestions', registers, children)) this.addSql(sql);
  }

  override async down(): Promise<void> {
    for (const sql of dropFeedSupportSql('suggestions', registers, children)) this.addSql(sql);
  }
}
