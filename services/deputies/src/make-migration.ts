import { fileURLToPath } from 'node:url';
import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { startEmbeddedPostgres } from '@renda/db/embedded';
import { createOwnSchema, ormConfig, type OpenDatabaseOptions } from '@renda/db/orm';
import { entities } from './entities.ts';
import { migrations } from './migrations/list.ts';

/**
 * What the entities cannot describe, each with its reason; the generator leaves these alone.
 * - `deputy_rollups`, `deputy_rollup_parts`: the figures' rollups (Migration20261130144200), kept by triggers and
 *   read by `modules/stats/figures.store.ts` in SQL; they have no primary key, so their entities are virtual
 *   (`modules/stats/rollup.entity.ts`: names, not tables the generator would make) and the tables are skipped.
 * - `contact_record_keys`: the key registry of the year-partitioned contacts (Migration20261130145010), kept by
 *   a trigger.
 */
const skippedTables = [/^deputy_rollups$/, /^deputy_rollup_parts$/, /^contact_record_keys$/];

/**
 * Statements the generator would write that the entities cannot prevent, each with its reason:
 * - `contact_records` is partitioned by year: its primary key is (id, occurred_on) and its foreign key
 *   `contact_records_key_fk` (id, occurred_on) points at the key registry, which keeps `id` unique across years.
 *   The entity keeps `id` as its primary key (the code finds a contact by id).
 */
const skippedStatements = [
  /^alter table "deputies"\."contact_records" (drop|add) constraint "contact_records_pkey"/,
  /^alter table "deputies"\."contact_records" (drop|add) constraint "contact_records_key_fk"/,
];

/**
 * Writes the next migration of this service: applies the committed ones to a throw-away embedded database,
 * diffs the entities against it (without the skips above) and writes the difference next to them.
 */
async function makeMigration(options: Omit<OpenDatabaseOptions, 'url'>): Promise<string | null> {
  const pg = await startEmbeddedPostgres();
  const config: Options = ormConfig({ ...options, url: pg.url }, true);
  const skipTables = config.schemaGenerator?.skipTables ?? [];
  config.schemaGenerator = { ...config.schemaGenerator, skipTables: [...skipTables, ...skippedTables] };
  const orm = await MikroORM.init(config);
  try {
    await createOwnSchema(orm);
    const migrator = orm.getMigrator();
    await migrator.up();
    // The migrator's own diff, less the skipped statements (a diff of nothing else writes no file).
    const internal = migrator as unknown as {
      getSchemaDiff(blank: boolean, initial: boolean): Promise<{ up: string[]; down: string[] }>;
    };
    const diff = internal.getSchemaDiff.bind(migrator);
    const keep = (sql: string[]) => {
      const kept = sql.filter((s) => !skippedStatements.some((re) => re.test(s)));
      return kept.some((s) => s.trim() !== '') ? kept : [];
    };
    internal.getSchemaDiff = async (blank, initial) => {
      const { up, down } = await diff(blank, initial);
      return { up: keep(up), down: keep(down) };
    };
    const result = await migrator.createMigration();
    return result.diff.up.length ? result.fileName : null;
  } finally {
    await orm.close();
    await pg.stop();
  }
}

const file = await makeMigration({
  schema: 'deputies',
  entities,
  migrations,
  migrationsPath: fileURLToPath(new URL('./migrations', import.meta.url)),
});
console.log(file ? `wrote ${file}` : 'no changes: the migrations already match the entities');
