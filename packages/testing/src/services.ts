import { createCache, createRedisCache, type Cache } from '@renda/cache/cache';
import { FixedClock } from '@renda/server-kit/clock';
import { devJwtSecret, devSubgraphSecret } from '@renda/server-kit/env';
import { createLogger } from '@renda/server-kit/logger';
import {
  databaseOf,
  startService,
  type EventsRuntime,
  type RunningService,
  type ServiceDefinition,
} from '@renda/server-kit/service';
import { createHash, randomUUID } from 'node:crypto';
import { openDatabase } from '@renda/db/orm';
import { maintainYearPartitions } from '@renda/db/partitions';
import { installOutbox } from '@renda/outbox/record';
import { createTestDatabase, type DatabaseTemplate, type TestDatabase } from './database.ts';

export interface TestStack {
  db: TestDatabase;
  clock: FixedClock;
  cache: Cache;
  services: Record<string, RunningService>;
  stop(): Promise<void>;
}

/**
 * The schemas of `definitions` with their committed migrations applied (MikroORM's migrations table
 * included, so the services find nothing left to run). The key is a hash of the migrations' code:
 * a changed or added migration builds a new template.
 */
export function migratedTemplate(definitions: ServiceDefinition[]): DatabaseTemplate {
  const hash = createHash('sha256');
  for (const def of definitions) {
    hash.update(`${def.name}\0${def.dbSchema}\0`);
    for (const m of def.migrations) hash.update(`${m.name}\0${String(m.class)}\0`);
  }
  return {
    key: hash.digest('hex').slice(0, 16),
    async build(url) {
      for (const def of definitions) {
        const orm = await openDatabase({ ...databaseOf(def, url), poolMax: 1 });
        await orm.close();
      }
    },
  };
}

/**
 * The migrated schemas of `definitions` with each service's demo seed written on the day of `now`, through the
 * seeds' own write functions (as the platform's first start does), built once per test run and copied for every
 * test file that asks for the demo: a file gets the demo in the time of a database copy, not of thousands of
 * writes. Each year partition the demo's dates need is made first, as a started service makes its own.
 */
export function demoTemplate(definitions: ServiceDefinition[], now: string): DatabaseTemplate {
  const migrated = migratedTemplate(definitions);
  return {
    key: createHash('sha256').update(`${migrated.key}\0demo\0${now}`).digest('hex').slice(0, 16),
    async build(url) {
      await migrated.build(url);
      const year = Number(now.slice(0, 4));
      for (const def of definitions) {
        if (!def.seed) continue;
        const orm = await openDatabase({ ...databaseOf(def, url), poolMax: 2 });
        try {
          if (def.partitions?.length)
            await maintainYearPartitions(orm, def.partitions, [year - 2, year - 1, year, year + 1]);
          // The seeds' write functions record their events, as a started service's do.
          await installOutbox(orm, def.dbSchema, new Date(now));
          await def.seed(orm.em.fork(), new FixedClock(now));
        } finally {
          await orm.close();
        }
      }
    },
  };
}

/**
 * Starts the given subgraphs on one fresh database (a copy of their migrated schemas, built once
 * per test run), on ephemeral ports of 127.0.0.1, with a clock
 * the test controls (default 2026-06-15 10:00 Asia/Shanghai).
 */
export async function startTestServices(
  definitions: ServiceDefinition[],
  options: {
    now?: string;
    database?: TestDatabase;
    /** Start on a copy of the services' demo data (`demoTemplate`, seeded on the day of `now`). */
    demo?: boolean;
    settings?: Record<string, Readonly<Record<string, unknown>>>;
    /** Hand REDIS_URL to the services' attached work (event streams); the cache uses it either way. */
    redis?: boolean;
    /** Runs the outbox relays and reminder schedulers (off by default: events are only recorded). */
    events?: EventsRuntime;
    /** Answers to the public served from the cache (off unless given: tests change data behind it). */
    publicCacheSeconds?: number;
    /**
     * Megabytes of bearers' answers each service keeps while the database is unchanged (on by default,
     * as deployed: every test through HTTP also checks that no answer outlives a change; 0: off).
     */
    answerCacheMegabytes?: number;
  } = {},
): Promise<TestStack> {
  const now = options.now ?? '2026-06-15T02:00:00Z';
  // A database given by the caller outlives the stack (benchmarks restart services on loaded data).
  const db = options.database
    ? { url: options.database.url, drop: async () => {} }
    : await createTestDatabase({
        template: options.demo ? demoTemplate(definitions, now) : migratedTemplate(definitions),
      });
  const clock = new FixedClock(now);
  // A stack that caches public answers keys Redis on its own prefix: other test files, and other runs
  // on the same Redis, have other data under the same queries.
  const cache = process.env.REDIS_URL
    ? options.publicCacheSeconds
      ? createRedisCache(process.env.REDIS_URL, `renda-test-${randomUUID()}:`)
      : createCache(process.env.REDIS_URL)
    : createCache(undefined);
  const services: Record<string, RunningService> = {};
  const siblings: Record<string, string> = {};
  try {
    for (const def of definitions) {
      services[def.name] = await startService(
        def,
        {
          databaseUrl: db.url,
          tokens: { kind: 'hs256', secret: devJwtSecret },
          clock,
          cache,
          log: createLogger(def.name, process.env.TEST_LOG_LEVEL ?? 'silent'),
          secret: devSubgraphSecret,
          poolMax: 5,
          siblings,
          ...(options.settings?.[def.name] ? { settings: options.settings[def.name] } : {}),
          ...(options.redis && process.env.REDIS_URL ? { redis: process.env.REDIS_URL } : {}),
          // The stream `<databaseKeyPrefix>events` is per test database, as cache keys are.
          ...(options.events ? { events: options.events } : {}),
          ...(options.publicCacheSeconds ? { publicCacheSeconds: options.publicCacheSeconds } : {}),
          answerCacheMegabytes: options.answerCacheMegabytes ?? 8,
        },
        0,
      );
      siblings[def.name] = services[def.name]!.url;
    }
  } catch (e) {
    await Promise.all(Object.values(services).map((s) => s.stop()));
    await db.drop();
    throw e;
  }
  return {
    db,
    clock,
    cache,
    services,
    async stop() {
      await Promise.all(Object.values(services).map((s) => s.stop()));
      await cache.close();
      await db.drop();
    },
  };
}
