import { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';

/** One interface over Redis (when REDIS_URL is set) and an in-process LRU (otherwise). */
export interface Cache {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  del(key: string): Promise<void>;
  /** Increments a counter that expires `ttlSeconds` after its first increment; returns the new value. */
  incr(key: string, ttlSeconds: number): Promise<number>;
  readonly kind: 'redis' | 'memory';
  close(): Promise<void>;
}

export function createMemoryCache(max = 10_000): Cache {
  const lru = new LRUCache<string, string>({ max, ttlAutopurge: false });
  return {
    kind: 'memory',
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
  return {
    kind: 'redis',
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
      await redis.quit();
    },
  };
}

export function createCache(redisUrl: string | undefined): Cache {
  return redisUrl ? createRedisCache(redisUrl) : createMemoryCache();
}
