import {
  knex,
  MikroORM,
  type EntitySchema,
  type Knex,
  type MigrationObject,
  type Options,
} from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { generatorSkipsTables, RendaNamingStrategy } from './naming.ts';
import { replicasOf, TrackingEntityManager, WriteTracker } from './replicas.ts';
import { sqlSchema } from './tables.ts';

export interface OpenDatabaseOptions {
  url: string;
  /** The Postgres schema this service owns (one per service). */
  schema: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  entities: EntitySchema<any>[];
  /** Folder of the committed migrations (TypeScript files run through tsx/vitest). */
  migrationsPath: string;
  /**
   * The committed migrations, imported by the service (so they run under tsx, vitest or compiled
   * alike, without MikroORM importing files by path).
   */
  migrations: MigrationObject[];
  poolMax?: number;
  debug?: boolean;
  /**
   * Read replicas of `url` (default: `DATABASE_REPLICA_URLS`, comma-separated). Reads use them only
   * through `readKnex` (see replicas.ts); every other statement runs on the primary.
   */
  replicaUrls?: string;
  /** Marks the end of each start-up phase (see `phaseTimer` in @renda/server-kit/timing). */
  phase?: (phase: string) => void;
}

/**
 * `snapshot` is for making migrations only: the migrator rewrites the snapshot file after every
 * `up()`, and a running service must not write into its source tree.
 */
export function ormConfig(options: OpenDatabaseOptions, snapshot = false): Options {
  const replicas = snapshot ? [] : replicasOf(options.replicaUrls ?? process.env.DATABASE_REPLICA_URLS);
  return {
    clientUrl: options.url,
    ...(replicas.length > 0 ? { replicas } : {}),
    // Reads go to a replica only when asked (readKnex): a write is always read back from the primary.
    preferReadReplicas: false,
    entityManager: TrackingEntityManager,
    subscribers: [new WriteTracker()],
    schema: options.schema,
    entities: options.entities,
    extensions: [Migrator],
    discovery: { warnWhenNoEntities: false },
    namingStrategy: RendaNamingStrategy,
    schemaGenerator: { skipTables: generatorSkipsTables },
    // Two at least: migrations run on one connection while another holds the migration lock.
    pool: { min: 0, max: Math.max(2, options.poolMax ?? 10) },
    debug: options.debug ?? false,
    allowGlobalContext: false,
    forceUtcTimezone: true,
    migrations: {
      path: options.migrationsPath,
      pathTs: options.migrationsPath,
      glob: '!(*.d).{js,ts}',
      tableName: `${options.schema}.mikro_orm_migrations`,
      transactional: true,
      silent: true,
      allOrNothing: true,
      // The diff is made against the migrated database itself (read with the generator's skipTables), not a
      // snapshot file: the shared packages' tables and the partitions are made outside the entities.
      snapshot: false,
      snapshotName: `.snapshot-${options.schema}`,
      emit: 'ts',
      migrationsList: options.migrations,
    },
  };
}

/**
 * Opens the service's database and brings its schema up to date with the committed migrations.
 * Several copies of a service may start at once: a PostgreSQL advisory lock keyed on the schema lets
 * one migrate while the others wait, then find nothing left to do. A database that has every committed
 * migration already (a warm start) costs two small queries: no lock, no migrator.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<MikroORM> {
  const phase = options.phase ?? (() => {});
  const orm = await MikroORM.init(ormConfig(options));
  phase('orm init (metadata discovery, first connection)');
  try {
    if (await migrationsPending(orm, options)) {
      await withMigrationLock(orm, options.schema, async () => {
        await createOwnSchema(orm);
        await orm.getMigrator().up();
      });
    }
    phase('migrations');
  } catch (e) {
    await orm.close();
    throw e;
  }
  return orm;
}

/** Creates the ORM's own schema if missing (before its first migration runs), named from its config. */
export async function createOwnSchema(orm: MikroORM): Promise<void> {
  await orm.em.getConnection().execute(`create schema if not exists ${sqlSchema(orm)}`);
}

/**
 * Whether any committed migration is missing from the schema's migrations table (or the table is).
 * Migrations are only ever added: when all of ours are recorded there is nothing to run, whatever
 * else the table holds (a newer copy of the service may have run more).
 */
export async function migrationsPending(
  orm: MikroORM,
  options: Pick<OpenDatabaseOptions, 'schema' | 'migrations'>,
): Promise<boolean> {
  const connection = orm.em.getConnection();
  const table = `"${options.schema.replaceAll('"', '""')}"."mikro_orm_migrations"`;
  const [found] = await connection.execute<{ exists: boolean }[]>('select to_regclass(?) is not null as "exists"', [
    table,
  ]);
  if (!found?.exists) return true;
  const rows = await connection.execute<{ name: string }[]>(`select name from ${table}`);
  // The migrator records names without an extension (MigrationStorage.getMigrationName).
  const applied = new Set(rows.map((r) => r.name.replace(/\.(js|ts)$/, '')));
  return options.migrations.some((m) => !applied.has(m.name.replace(/\.(js|ts)$/, '')));
}

interface RawClient {
  query(sql: string, values?: unknown[]): Promise<unknown>;
}

/**
 * Runs `work` holding a session-level advisory lock on one connection of the pool, so the lock and
 * its release happen on the same session while the migrator uses other connections.
 */
export async function withMigrationLock<T>(orm: MikroORM, schema: string, work: () => Promise<T>): Promise<T> {
  const knexClient = orm.em.getConnection().getKnex().client as {
    acquireConnection(): Promise<RawClient>;
    releaseConnection(connection: RawClient): Promise<void>;
  };
  const connection = await knexClient.acquireConnection();
  // A literal, not a parameter: the simple protocol is what the embedded PostgreSQL's socket serves best.
  const key = `'renda:migrate:${schema.replaceAll("'", "''")}'`;
  try {
    await connection.query(`select pg_advisory_lock(hashtext(${key}))`);
    try {
      return await work();
    } finally {
      await connection.query(`select pg_advisory_unlock(hashtext(${key}))`);
    }
  } finally {
    await knexClient.releaseConnection(connection);
  }
}

/**
 * Counts the SQL statements an ORM sends, for tests that prove a query loads in batches (no N+1).
 * Returns a reader and a stop function.
 */
export function countStatements(orm: MikroORM): { count(): number; reset(): void; stop(): void; statements: string[] } {
  const statements: string[] = [];
  const knex = orm.em.getConnection().getKnex();
  const listener = (q: { sql: string }) => statements.push(q.sql);
  knex.on('query', listener);
  return {
    statements,
    count: () => statements.length,
    reset: () => {
      statements.length = 0;
    },
    stop: () => {
      knex.removeListener('query', listener);
    },
  };
}

/**
 * A small pool of its own on the primary, for a service's background loops (senders, stream readers):
 * they never wait behind requests nor requests behind them, and `countStatements` on the service's ORM
 * counts requests only. Raw SQL through it names its schema. Destroy it when the loops stop.
 */
export function backgroundKnex(orm: MikroORM, max = 2): Knex {
  return knex({ client: 'pg', connection: orm.config.get('clientUrl'), pool: { min: 0, max } });
}
