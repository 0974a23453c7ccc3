import { MikroORM } from '@mikro-orm/postgresql';
import { startEmbeddedPostgres } from './embedded.ts';
import { createOwnSchema, ormConfig, type OpenDatabaseOptions } from './orm.ts';

/**
 * Writes the next migration of a service: applies the committed ones to a throw-away embedded
 * database, diffs the entities against it and writes the difference next to them (with the snapshot).
 * `skipTables`: the service's tables no entity describes (e.g. rollups kept by triggers), left alone.
 */
export async function makeMigration(
  options: Omit<OpenDatabaseOptions, 'url'>,
  initial = false,
  skipTables: RegExp[] = [],
): Promise<string | null> {
  const pg = await startEmbeddedPostgres();
  const config = ormConfig({ ...options, url: pg.url }, true);
  config.schemaGenerator = {
    ...config.schemaGenerator,
    skipTables: [...(config.schemaGenerator?.skipTables ?? []), ...skipTables],
  };
  // Applies the committed migrations from disk (list given by the caller), then diffs against the snapshot.
  const orm = await MikroORM.init(config);
  try {
    await createOwnSchema(orm);
    const migrator = orm.getMigrator();
    await migrator.up();
    const result = await migrator.createMigration(undefined, false, initial);
    return result.diff.up.length ? result.fileName : null;
  } finally {
    await orm.close();
    await pg.stop();
  }
}
