import type { Server } from 'node:http';
import type { EntityManager, EntitySchema, MigrationObject, MikroORM } from '@mikro-orm/postgresql';
import type { DocumentNode } from 'graphql';
import { openDatabase } from '@renda/db/orm';
import { maintainYearPartitions, type YearPartitioned } from '@renda/db/partitions';
import { cachedTokenVerifier } from '@renda/auth/token-cache';
import { createTokenVerifier, type TokenConfig } from '@renda/auth/tokens';
import { createCache, databaseKeyPrefix, redisTargetOf, type Cache, type RedisTarget } from '@renda/cache/cache';
import type { EventService } from '@renda/outbox/envelope';
import type { ReminderJob } from '@renda/outbox/reminders';
import type { Names } from '@renda/db/tables';
import { startOutbox, type EventSettings, type RunningOutbox } from '@renda/outbox/runtime';
import { systemClock } from './clock.ts';
import { currentYear } from './dates.ts';
import { devSubgraphSecret, tokenConfigOf, type CommonEnv } from './env.ts';
import { createLogger } from './logger.ts';
import type { Clock } from './clock.ts';
import { close, listen, type RouteHandler } from './http.ts';
import type { Logger } from './logger.ts';
import { stopOnSignals } from './signals.ts';
import { createSubgraph, type Subgraph } from './subgraph.ts';
import { phaseTimer } from './timing.ts';
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
  /**
   * Tables partitioned by year, referenced tables first (@renda/db/partitions): each copy creates the
   * current and the next year's partitions at start and every 12 hours, and moves rows waiting in the
   * DEFAULT partitions into partitions of their own.
   */
  partitions?: YearPartitioned[];
  /** Parses the service's local rules from an environment at start (never at import); see `ServiceContext.settings`. */
  settings?: (env: NodeJS.ProcessEnv) => Readonly<Record<string, unknown>>;
  /**
   * Work the service runs beside its graph, started once its database is migrated: extra HTTP routes
   * (each checks the subgraph secret itself) and background loops, stopped before the database closes.
   */
  attach?: (host: ServiceHost) => Promise<ServiceAttachment>;
  /** The service's outbox: its relay's settings (from its env module) and the deadlines it reminds of. */
  events?: {
    service: EventService;
    settings: (env: NodeJS.ProcessEnv) => EventSettings;
    /** The jobs, given the service's settings and where their tables' names come from (the ORM's metadata). */
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    reminders?: (settings: any, names: Names) => ReminderJob[];
  };
}

/** What `openDatabase` needs to open `def`'s schema on `url`, its committed migrations applied. */
export function databaseOf(def: ServiceDefinition, url: string) {
  return {
    url,
    schema: def.dbSchema,
    entities: def.entities,
    migrationsPath: def.migrationsPath,
    migrations: def.migrations,
  };
}

/**
 * How a process runs the outbox (README: Events and reminders). Unset: events are recorded but
 * neither relayed nor reminded of (tests that do not look at them).
 */
export interface EventsRuntime {
  /** REDIS_URL or REDIS_CLUSTER_NODES: events go to the stream `<streamPrefix>events`. */
  redis?: RedisTarget | undefined;
  streamPrefix?: string;
  /** Default: the definition's `events.settings` applied to `process.env`. */
  settings?: EventSettings;
  relay?: boolean;
  reminders?: boolean;
}

/** What a service's `attach` gets: the service's own database, clock, log and settings, and where Redis is. */
export interface ServiceHost {
  orm: MikroORM;
  clock: Clock;
  log: Logger;
  /** The shared secret the gateway (and internal callers) send in `x-subgraph-secret`. */
  secret: string;
  settings: Readonly<Record<string, unknown>>;
  /** Redis, when `REDIS_URL` or `REDIS_CLUSTER_NODES` is set. */
  redis?: RedisTarget;
  /** Prefix of every Redis key of this database (`databaseKeyPrefix`): test databases do not share keys. */
  keyPrefix: string;
  /** This service's outbox: in-process subscribers get its own events when there is no Redis. */
  events?: RunningOutbox;
}

/** Routes and loops a service attached; `stop` ends the loops (in-flight work finishes first). */
export interface ServiceAttachment {
  routes?: RouteHandler;
  stop(): Promise<void>;
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
  /** Redis for the service's attached work (streams); unset: none. */
  redis?: RedisTarget;
  events?: EventsRuntime;
  /** PUBLIC_CACHE_SECONDS: answers to the public served from the cache (see `createSubgraph`); unset: off. */
  publicCacheSeconds?: number;
  /** ANSWER_CACHE_MB: bearers' answers kept while the database is unchanged (see `createSubgraph`); unset: off. */
  answerCacheMegabytes?: number;
  /** Marks the end of each start-up phase (default: `phaseTimer` on `log`, debug level). */
  phase?: (phase: string) => void;
}

export interface RunningService {
  subgraph: Subgraph;
  orm: MikroORM;
  server: Server;
  url: string;
  port: number;
  /** What the definition's `attach` started, if anything. */
  attached: ServiceAttachment | null;
  /** The outbox's relay, reminders and in-process subscribers (`events.bus.subscribe`). */
  events: RunningOutbox;
  stop(): Promise<void>;
}

const defaultEventSettings: EventSettings = {
  pollMs: 1000,
  batchSize: 100,
  streamMaxLength: 1_000_000,
  remindersEveryMs: 60_000,
};

/** Opens the service's database (migrating it), builds the subgraph and listens. */
export async function startService(
  def: ServiceDefinition,
  runtime: ServiceRuntime,
  port: number,
  host = '127.0.0.1',
): Promise<RunningService> {
  const phase = runtime.phase ?? phaseTimer(runtime.log);
  const orm = await openDatabase({
    ...databaseOf(def, runtime.databaseUrl),
    ...(runtime.poolMax ? { poolMax: runtime.poolMax } : {}),
    phase,
  });
  let partitionTimer: NodeJS.Timeout | undefined;
  if (def.partitions?.length) {
    const family = def.partitions;
    const maintain = () => {
      const year = currentYear(runtime.clock);
      return maintainYearPartitions(orm, family, [year, year + 1]);
    };
    try {
      await maintain();
    } catch (e) {
      await orm.close();
      throw e;
    }
    partitionTimer = setInterval(() => {
      maintain().then(
        (created) => created.length && runtime.log.info({ created }, 'year partitions created'),
        (e: unknown) => runtime.log.error({ err: e }, 'year partition maintenance failed; retried in 12 hours'),
      );
    }, 12 * 3600_000).unref();
    phase('year partitions');
  }
  runtime.onMigrated?.();
  const settings = runtime.settings ?? def.settings?.(process.env) ?? {};
  const events = await startOutbox({
    service: (def.events?.service ?? def.name) as EventService,
    schema: def.dbSchema,
    orm,
    clock: runtime.clock,
    log: runtime.log,
    secret: runtime.secret,
    settings: runtime.events?.settings ?? def.events?.settings(process.env) ?? defaultEventSettings,
    jobs: def.events?.reminders?.(settings, orm) ?? [],
    redis: runtime.events?.redis,
    streamPrefix: runtime.events?.streamPrefix ?? databaseKeyPrefix(runtime.databaseUrl),
    relay: !!def.events && (runtime.events?.relay ?? !!runtime.events),
    reminders: !!def.events && (runtime.events?.reminders ?? !!runtime.events),
  });
  phase('outbox');
  const attached = def.attach
    ? await def
        .attach({
          orm,
          clock: runtime.clock,
          log: runtime.log,
          secret: runtime.secret,
          settings,
          ...(runtime.redis ? { redis: runtime.redis } : {}),
          keyPrefix: databaseKeyPrefix(runtime.databaseUrl),
          events,
        })
        .catch(async (e: unknown) => {
          await events.stop();
          await orm.close();
          throw e;
        })
    : null;
  if (def.attach) phase('attached work');
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
    settings,
    ...(attached?.routes ? { routes: attached.routes } : {}),
    ...(runtime.publicCacheSeconds ? { publicCacheSeconds: runtime.publicCacheSeconds } : {}),
    ...(runtime.answerCacheMegabytes ? { answerCacheMegabytes: runtime.answerCacheMegabytes } : {}),
  });
  phase('schema and Apollo');
  const server = subgraph.httpServer();
  const address = await listen(server, port, host);
  phase('listening');
  return {
    subgraph,
    orm,
    server,
    url: address.url,
    port: address.port,
    attached,
    events,
    async stop() {
      clearInterval(partitionTimer);
      await close(server, runtime.shutdownGraceMs);
      await attached?.stop();
      await subgraph.apollo.stop();
      // Requests are done: the relay publishes what they wrote on its next round in whichever copy leads.
      await events.stop();
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
    console.error(
      'Configuration error:\n  DATABASE_URL must be set to run this subgraph alone; `pnpm start` runs the whole platform on an embedded database.',
    );
    process.exit(1);
  }
  const log = createLogger(def.name, env.LOG_LEVEL);
  const cache = createCache(env.REDIS_URL);
  const redis = redisTargetOf(env.REDIS_URL);
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
      ...(redis ? { redis } : {}),
      events: { redis },
      publicCacheSeconds: env.PUBLIC_CACHE_SECONDS,
      answerCacheMegabytes: env.ANSWER_CACHE_MB,
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
