import { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import {
  createMemoryRateLimiter,
  createRateLimitRedisClient,
  createRedisRateLimiter,
  type RateLimiter,
  type RateLimitOptions,
} from './rate-limit.ts';

/** One interface over Redis (when REDIS_URL is set) and an in-process LRU (otherwise). */
export interface Cache {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  del(key: string): Promise<void>;
  /** Increments a counter that expires `ttlSeconds` after its first increment; returns the new value. */
  incr(key: string, ttlSeconds: number): Promise<number>;
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
    async get(key) {
      return lru.get(key) ?? null;
    },
    async set(key, value, ttlSeconds) {
      lru.set(key, value, { ttl: ttlSeconds * 1000 });
    },
    async del(key) {
      lru.delete(key);
    },
    async incr(key, ttlSeconds) {
      const current = Number(lru.get(key) ?? '0') + 1;
      const remaining = lru.getRemainingTTL(key);
      lru.set(key, String(current), { ttl: current === 1 || !Number.isFinite(remaining) || remaining <= 0 ? ttlSeconds * 1000 : remaining });
      return current;
    },
    async close() {
      lru.clear();
    },
  };
}

export function createRedisCache(url: string, prefix = 'renda:'): Cache {
  const redis = new Redis(url, { keyPrefix: prefix, lazyConnect: false, maxRetriesPerRequest: 2 });
  let limiterClient: Redis | null = null;
  let down = false;
  // One line per outage instead of ioredis's unhandled-error noise; commands wait or fail on their own.
  redis.on('error', (e: Error) => {
    if (!down) {
      console.warn(`Redis (REDIS_URL) is unreachable: ${e.message}. Caches wait for it; rate limits count in memory.`);
    }
    down = true;
  });
  redis.on('ready', () => {
    down = false;
  });
  return {
    kind: 'redis',
    rateLimiter: limiterRegistry((options) => {
      limiterClient ??= createRateLimitRedisClient(url);
      return createRedisRateLimiter(limiterClient, options, `${prefix}rl:`);
    }),
    get: (key) => redis.get(key),
    async set(key, value, ttlSeconds) {
      await redis.set(key, value, 'EX', ttlSeconds);
    },
    async del(key) {
      await redis.del(key);
    },
    async incr(key, ttlSeconds) {
      const [[, value]] = (await redis.multi().incr(key).expire(key, ttlSeconds, 'NX').exec()) as [[Error | null, number]];
      return value;
    },
    async close() {
      if (limiterClient) limiterClient.disconnect();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

export function createCache(redisUrl: string | undefined): Cache {
  return redisUrl ? createRedisCache(redisUrl) : createMemoryCache();
}
