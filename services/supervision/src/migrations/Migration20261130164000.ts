import { Migration } from '@mikro-orm/migrations';

const schema = 'supervision';

/** [table, PostgreSQL's default name of its key to supervision_activities]: the G-7 join tables. */
const keys: [string, string][] = [
  ['activity_deputies', 'activity_deputies_activity_id_fkey'],
  ['activity_units', 'activity_units_activity_id_fkey'],
];

/**
 * The activities' join tables (Migration20261130150000) referenced `supervision_activities` under PostgreSQL's
 * default key names, checked per statement; they take the naming strategy's names
 * (`<table>_activity_fk`) and are checked at commit like every other key of this schema
 * (Migration20261130151003), as the entities now declare them.
 */
export class Migration20261130164000 extends Migration {
  override async up(): Promise<void> {
    for (const [table, oldName] of keys) {
      this.addSql(`alter table "${schema}"."${table}" drop constraint "${oldName}";`);
      this.addSql(
        `alter table "${schema}"."${table}" add constraint "${table}_activity_fk" foreign key ("activity_id") ` +
          `references "${schema}"."supervision_activities" ("id") deferrable initially deferred;`,
      );
    }
  }

  override async down(): Promise<void> {
    for (const [table, oldName] of keys) {
      this.addSql(`alter table "${schema}"."${table}" drop constraint "${table}_activity_fk";`);
      this.addSql(
        `alter table "${schema}"."${table}" add constraint "${oldName}" foreign key ("activity_id") ` +
          `references "${schema}"."supervision_activities" ("id");`,
      );
    }
  }
}
