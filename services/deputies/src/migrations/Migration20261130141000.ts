import { Migration } from '@mikro-orm/migrations';
import { dropOutboxTablesSql, outboxTablesSql } from '@renda/outbox/table';

/** The transactional outbox (partitioned by year of occurred_at) and the reminders' once-only keys. */
export class Migration20261130141000 extends Migration {
  override async up(): Promise<void> {
    for (const sql of outboxTablesSql('deputies')) this.addSql(sql);
  }

  override async down(): Promise<void> {
    for (const sql of dropOutboxTablesSql('deputies')) this.addSql(sql);
  }
}
