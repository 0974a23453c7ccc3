import { Migration } from '@mikro-orm/migrations';

/**
 * The notifications hub's constraints named as the other tables' are (PostgreSQL named them when they were
 * declared inline in Migration20261130142000): foreign keys `<table>_<column without _id>_fk`, uniques
 * `<table>_<column>_unique`, so that the entities describe them and `migration:create` finds them in place.
 */
const renames: [string, string, string][] = [
  ['webhook_deliveries', 'webhook_deliveries_webhook_id_fkey', 'webhook_deliveries_webhook_fk'],
  ['webhook_attempts', 'webhook_attempts_delivery_id_fkey', 'webhook_attempts_delivery_fk'],
  ['webhook_deliveries', 'webhook_deliveries_seq_key', 'webhook_deliveries_seq_unique'],
  ['notifications', 'notifications_seq_key', 'notifications_seq_unique'],
];

export class Migration20261130162000 extends Migration {
  override async up(): Promise<void> {
    for (const [table, from, to] of renames) {
      this.addSql(`alter table "deputies"."${table}" rename constraint "${from}" to "${to}";`);
    }
  }

  override async down(): Promise<void> {
    for (const [table, from, to] of renames) {
      this.addSql(`alter table "deputies"."${table}" rename constraint "${to}" to "${from}";`);
    }
  }
}
