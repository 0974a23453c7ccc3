import { Migration } from '@mikro-orm/migrations';

const schema = 'voting';

/** [table, column, referenced table, PostgreSQL's default name of the key]: the in-room tables' foreign keys. */
const keys: [string, string, string, string][] = [
  ['ballot_room_entries', 'ballot_id', 'ballots', 'ballot_room_entries_ballot_id_fkey'],
  ['ballot_room_totals', 'entry_id', 'ballot_room_entries', 'ballot_room_totals_entry_id_fkey'],
  ['ballot_room_confirmations', 'entry_id', 'ballot_room_entries', 'ballot_room_confirmations_entry_id_fkey'],
];

const newName = (table: string, column: string) => `${table}_${column.replace(/_id$/, '')}_fk`;

/**
 * The in-room tables' foreign keys (Migration20261130140000) had PostgreSQL's default names and were checked
 * per statement; they take the naming strategy's names (`<table>_<column without _id>_fk`) and are checked at
 * commit like every other key of this schema (Migration20261130151004), as the entities now declare them.
 */
export class Migration20261130165000 extends Migration {
  override async up(): Promise<void> {
    for (const [table, column, target, oldName] of keys) {
      this.addSql(`alter table "${schema}"."${table}" drop constraint "${oldName}";`);
      this.addSql(
        `alter table "${schema}"."${table}" add constraint "${newName(table, column)}" foreign key ("${column}") ` +
          `references "${schema}"."${target}" ("id") deferrable initially deferred;`,
      );
    }
  }

  override async down(): Promise<void> {
    for (const [table, column, target, oldName] of keys) {
      this.addSql(`alter table "${schema}"."${table}" drop constraint "${newName(table, column)}";`);
      this.addSql(
        `alter table "${schema}"."${table}" add constraint "${oldName}" foreign key ("${column}") ` +
          `references "${schema}"."${target}" ("id");`,
      );
    }
  }
}
