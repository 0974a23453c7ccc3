import { createRequire } from 'node:module';
import type { Cluster, Redis, RedisOptions } from 'ioredis';
import { LRUCache } from 'lru-cache';
import {
  createMemoryRateLimiter,
  rateLimitClientOptions,
  createRedisRateLimiter,
  type RateLimiter,
  type RateLimitOptions,
} from './rate-limit.ts';

/** One interface over Redis (when REDIS_URL is set) and an in-process LRU (otherwise). */
export interface Cache {
  /** Increments a counter that expires `ttlSeconds` after its first increment; returns the new value. */
  incr(key: string, ttlSeconds: number): Promise<number>;
  /** A stored string, or null (the public response cache of the subgraphs). */
  get(key: string): Promise<string | null>;
  /** Stores a string for `ttlSeconds`. */
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** Removes a key (an idempotent consumer releases the event id it claimed when its handler fails). */
  del(key: string): Promise<void>;
  /** A limit on requests per client (the same one for the same options): in Redis, or in memory without it. */
  rateLimiter(options: RateLimitOptions): RateLimiter;
  readonly kind: 'redis' | 'memory';
  close(): Promise<void>;
}

/** Limiters are kept per options: a limit counts across requests, so it must outlive them. */
function limiterRegistry(make: (options: RateLimitOptions) => RateLimiter) {
  const limiters = new Map<string, RateLimiter>();
  return (options: RateLimitOptions): RateLimiter => {
    const id = `${options.name}:${options.points}:${options.durationSeconds}`;
    let limiter = limiters.get(id);
    if (!limiter) limiters.set(id, (limiter = make(options)));
    return limiter;
  };
}

export function createMemoryCache(max = 10_000): Cache {
  const lru = new LRUCache<string, string>({ max, ttlAutopurge: false });
  return {
    kind: 'memory',
    rateLimiter: limiterRegistry(createMemoryRateLimiter),
    async incr(key, ttlSeconds) {
      const current = Number(lru.get(key) ?? '0') + 1;
      const remaining = lru.getRemainingTTL(key);
      lru.set(key, String(current), {
        ttl: current === 1 || !Number.isFinite(remaining) || remaining <= 0 ? ttlSeconds * 1000 : remaining,
      });
      return current;
    },
    async get(key) {
      return lru.get(key) ?? null;
    },
    async set(key, value, ttlSeconds) {
      lru.set(key, value, { ttl: ttlSeconds * 1000 });
    },
    async del(key) {
      lru.delete(key);
    },
    async close() {
      lru.clear();
    },
  };
}

/**
 * Where Redis is: one server (`REDIS_URL`), or the seed nodes of a Redis Cluster
 * (`REDIS_CLUSTER_NODES`, `host:port,host:port`; ioredis finds the other nodes and follows the slots).
 */
export type RedisTarget = string | { clusterNodes: { host: string; port: number }[] };

/** Parses `REDIS_CLUSTER_NODES`: `host:port` items separated by commas. */
export function parseClusterNodes(list: string): { host: string; port: number }[] {
  return list
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => {
      const at = item.lastIndexOf(':');
      const port = Number(item.slice(at + 1));
      if (at <= 0 || !Number.isInteger(port) || port <= 0) {
        throw new Error(`REDIS_CLUSTER_NODES: "${item}" is not host:port`);
      }
      return { host: item.slice(0, at), port };
    });
}

// ioredis loads with the first client: a process without Redis (`pnpm start` by default) never loads it.
const requireHere = createRequire(import.meta.url);
let loaded: typeof import('ioredis') | undefined;
const ioredis = () => (loaded ??= requireHere('ioredis') as typeof import('ioredis'));

/**
 * A client for the target. On a cluster every command here names one key (the counter's MULTI is
 * INCR and EXPIRE of the same key; a rate limit is one key per client), so each lands in one slot.
 * Keys that must share a slot in a future multi-key command take a hash tag: `sameSlot(tag, key)`.
 */
export function connectRedis(target: RedisTarget, options: RedisOptions): Redis | Cluster {
  const client = ioredis();
  if (typeof target === 'string') return new client.Redis(target, options);
  const { keyPrefix, ...redisOptions } = options;
  return new client.Cluster(target.clusterNodes, {
    ...(keyPrefix === undefined ? {} : { keyPrefix }),
    redisOptions,
    maxRedirections: 8,
  });
}

/** A key whose slot is chosen by `tag` alone: keys with the same tag can be used together on a cluster. */
export function sameSlot(tag: string, key: string): string {
  return `{${tag}}:${key}`;
}

export function createRedisCache(target: RedisTarget, prefix = 'renda:'): Cache {
  const redis = connectRedis(target, { keyPrefix: prefix, lazyConnect: false, maxRetriesPerRequest: 2 });
  let limiterClient: Redis | Cluster | null = null;
  let down = false;
  const where = typeof target === 'string' ? 'REDIS_URL' : 'REDIS_CLUSTER_NODES';
  // One line per outage instead of ioredis's unhandled-error noise; commands wait or fail on their own.
  redis.on('error', (e: Error) => {
    if (!down) {
      console.warn(`Redis (${where}) is unreachable: ${e.message}. Caches wait for it; rate limits count in memory.`);
    }
    down = true;
  });
  redis.on('ready', () => {
    down = false;
  });
  return {
    kind: 'redis',
    rateLimiter: limiterRegistry((options) => {
      if (!limiterClient) {
        limiterClient = connectRedis(target, rateLimitClientOptions);
        // Connection errors are expected during an outage; the insurance limiter covers them.
        limiterClient.on('error', () => {});
      }
      return createRedisRateLimiter(limiterClient, options, `${prefix}rl:`);
    }),
    async incr(key, ttlSeconds) {
      const done = await redis.multi().incr(key).expire(key, ttlSeconds, 'NX').exec();
      const [[, value]] = done as [[Error | null, number]];
      return value;
    },
    get: (key) => redis.get(key),
    async set(key, value, ttlSeconds) {
      await redis.set(key, value, 'EX', ttlSeconds);
    },
    async del(key) {
      await redis.del(key);
    },
    async close() {
      if (limiterClient) limiterClient.disconnect();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** Where Redis is from the settings (`REDIS_CLUSTER_NODES` before `REDIS_URL`), or undefined for none. */
export function redisTargetOf(
  redisUrl: string | undefined,
  clusterNodes: string | undefined = process.env.REDIS_CLUSTER_NODES,
): RedisTarget | undefined {
  if (clusterNodes?.trim()) return { clusterNodes: parseClusterNodes(clusterNodes) };
  return redisUrl || undefined;
}

/**
 * The prefix of Redis keys that belong to one database's data (the event stream, its consumer group):
 * `renda:<database name>:`. The services of one deployment share a database and so the keys; each test
 * file's fresh database gets its own, so test files sharing one Redis never see each other's events.
 */
export function databaseKeyPrefix(databaseUrl: string | undefined): string {
  if (!databaseUrl) return 'renda:';
  let name = '';
  try {
    name = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
  } catch {
    name = '';
  }
  return name ? `renda:${name}:` : 'renda:';
}

/**
 * Redis Cluster when `clusterNodes` (default: `REDIS_CLUSTER_NODES`) lists nodes, else one Redis
 * server at `redisUrl`, else memory.
 */
export function createCache(
  redisUrl: string | undefined,
  clusterNodes: string | undefined = process.env.REDIS_CLUSTER_NODES,
): Cache {
  const target = redisTargetOf(redisUrl, clusterNodes);
  return target ? createRedisCache(target) : createMemoryCache();
}
