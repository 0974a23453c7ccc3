import type { Server } from 'node:http';
import type { EntityManager, EntitySchema, MigrationObject, MikroORM } from '@mikro-orm/postgresql';
import type { DocumentNode } from 'graphql';
import { openDatabase } from '@renda/db/orm';
import { cachedTokenVerifier } from '@renda/auth/token-cache';
import { createTokenVerifier, type TokenConfig } from '@renda/auth/tokens';
import { createCache, type Cache } from '@renda/cache/cache';
import { systemClock } from './clock.ts';
import { devSubgraphSecret, tokenConfigOf, type CommonEnv } from './env.ts';
import { createLogger } from './logger.ts';
import type { Clock } from './clock.ts';
import { close, listen } from './http.ts';
import type { Logger } from './logger.ts';
import { stopOnSignals } from './signals.ts';
import { createSubgraph, type Subgraph } from './subgraph.ts';
import type { SiblingUrls } from './siblings.ts';

/** What a service is: its schema, its tables and its demo data. Each service's `server.ts` exports one. */
export interface ServiceDefinition {
  name: string;
  /** Postgres schema this service owns. */
  dbSchema: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  entities: EntitySchema<any>[];
  migrationsPath: string;
  migrations: MigrationObject[];
  typeDefs: DocumentNode;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  resolvers: any;
  /** Writes demo data when the service's tables are empty; returns nothing when it already has data. */
  seed?: (em: EntityManager, clock: Clock) => Promise<void>;
  /** Parses the service's local rules from an environment at start (never at import); see `ServiceContext.settings`. */
  settings?: (env: NodeJS.ProcessEnv) => Readonly<Record<string, unknown>>;
}

export interface ServiceRuntime {
  databaseUrl: string;
  tokens: TokenConfig;
  clock: Clock;
  cache: Cache;
  log: Logger;
  secret: string;
  maskErrors?: boolean;
  poolMax?: number;
  /** Sibling subgraph URLs (the same object may be filled as siblings start). */
  siblings?: SiblingUrls;
  /** How long `stop()` lets requests in flight finish. */
  shutdownGraceMs?: number;
  /** Told when the database is migrated (the launcher prints a line per phase). */
  onMigrated?: () => void;
  /** Local rules; default: the definition's `settings` applied to `process.env`. */
  settings?: Readonly<Record<string, unknown>>;
  /** PUBLIC_CACHE_SECONDS: answers to the public served from the cache (see `createSubgraph`); unset: off. */
  publicCacheSeconds?: number;
}

export interface RunningService {
  subgraph: Subgraph;
  orm: MikroORM;
  server: Server;
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Opens the service's database (migrating it), builds the subgraph and listens. */
export async function startService(def: ServiceDefinition, runtime: ServiceRuntime, port: number, host = '127.0.0.1'): Promise<RunningService> {
  const orm = await openDatabase({
    url: runtime.databaseUrl,
    schema: def.dbSchema,
    entities: def.entities,
    migrationsPath: def.migrationsPath,
    migrations: def.migrations,
    ...(runtime.poolMax ? { poolMax: runtime.poolMax } : {}),
  });
  runtime.onMigrated?.();
  const subgraph = await createSubgraph({
    name: def.name,
    typeDefs: def.typeDefs,
    resolvers: def.resolvers,
    orm,
    // The gateway verified this bearer too; each process keeps its verified tokens until they expire.
    verifier: cachedTokenVerifier(createTokenVerifier(runtime.tokens)),
    clock: runtime.clock,
    cache: runtime.cache,
    log: runtime.log,
    secret: runtime.secret,
    siblings: runtime.siblings ?? {},
    settings: runtime.settings ?? def.settings?.(process.env) ?? {},
    ...(runtime.publicCacheSeconds ? { publicCacheSeconds: runtime.publicCacheSeconds } : {}),
  });
  const server = subgraph.httpServer();
  const address = await listen(server, port, host);
  return {
    subgraph,
    orm,
    server,
    url: address.url,
    port: address.port,
    async stop() {
      await close(server, runtime.shutdownGraceMs);
      await subgraph.apollo.stop();
      await orm.close();
    },
  };
}


/**
 * Runs one subgraph as its own process (production): the service's parsed env, the system clock,
 * Redis or an in-process cache, and a clean stop on SIGINT/SIGTERM.
 */
export async function runStandalone(
  def: ServiceDefinition,
  env: CommonEnv & { PORT: number },
  siblings: SiblingUrls = {},
): Promise<RunningService> {
  if (!env.DATABASE_URL) {
    console.error('Configuration error:\n  DATABASE_URL must be set to run this subgraph alone; `pnpm start` runs the whole platform on an embedded database.');
    process.exit(1);
  }
  const log = createLogger(def.name, env.LOG_LEVEL);
  const cache = createCache(env.REDIS_URL);
  const running = await startService(
    def,
    {
      databaseUrl: env.DATABASE_URL,
      tokens: tokenConfigOf(env),
      clock: systemClock,
      cache,
      log,
      secret: env.SUBGRAPH_SECRET ?? devSubgraphSecret,
      maskErrors: env.NODE_ENV === 'production',
      siblings,
      shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
      publicCacheSeconds: env.PUBLIC_CACHE_SECONDS,
    },
    env.PORT,
    env.HOST,
  );
  log.info({ url: running.url }, `${def.name} subgraph listening`);
  stopOnSignals(async () => {
    await running.stop();
    await cache.close();
  }, log);
  return running;
}
