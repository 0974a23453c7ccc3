import type { Cluster, Redis, RedisOptions } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

export interface RateLimitOptions {
  /** Names the counter (several limits may share a client key). */
  name: string;
  /** Requests allowed per window. */
  points: number;
  durationSeconds: number;
}

export type RateVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateLimiter {
  /** Counts one request of `key` (a client address); says whether it may go on, and if not, for how long to wait. */
  consume(key: string): Promise<RateVerdict>;
}

/** A Redis command the limiter waits for at most this long before counting in memory instead. */
export const rateLimitCommandTimeoutMs = 300;

/**
 * With `fallback`, a verdict that takes longer than `waitMs` comes from `fallback` instead: a Redis
 * Cluster without a ready node queues commands beyond the nodes' command timeout.
 */
function wrap(limiter: RateLimiterAbstract, fallback?: { limiter: RateLimiterAbstract; waitMs: number }): RateLimiter {
  return {
    async consume(key) {
      try {
        if (fallback) {
          const attempt = limiter.consume(key);
          let timer: NodeJS.Timeout | undefined;
          const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), fallback.waitMs)));
          try {
            if ((await Promise.race([attempt, late])) === 'late') {
              attempt.catch(() => {});
              await fallback.limiter.consume(key);
            }
          } finally {
            clearTimeout(timer);
          }
          return { allowed: true };
        }
        await limiter.consume(key);
        return { allowed: true };
      } catch (e) {
        if (e instanceof RateLimiterRes) {
          return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(e.msBeforeNext / 1000)) };
        }
        throw e;
      }
    },
  };
}

/** One process's counters: without Redis, and as Redis's stand-in while Redis is unreachable. */
export function createMemoryRateLimiter(options: RateLimitOptions): RateLimiter {
  return wrap(memoryLimiter(options));
}

function memoryLimiter(options: RateLimitOptions): RateLimiterMemory {
  return new RateLimiterMemory({ keyPrefix: options.name, points: options.points, duration: options.durationSeconds });
}

/**
 * Counters shared by every copy of a service through Redis. When Redis is down or slow (no
 * connection, or no answer within `rateLimitCommandTimeoutMs`), this process counts in memory
 * instead: the limit still holds per copy, and the request neither waits nor fails.
 */
export function createRedisRateLimiter(
  client: Redis | Cluster,
  options: RateLimitOptions,
  prefix = 'renda:rl:',
): RateLimiter {
  const memory = memoryLimiter(options);
  return wrap(
    new RateLimiterRedis({
      storeClient: client,
      keyPrefix: `${prefix}${options.name}`,
      points: options.points,
      duration: options.durationSeconds,
      insuranceLimiter: memory,
    }),
    { limiter: memory, waitMs: 2 * rateLimitCommandTimeoutMs },
  );
}

/**
 * The Redis connection rate limits use: a short command timeout, and no retries of a command
 * when a connection attempt fails, so an outage sends counting to memory at once (or after the
 * timeout) instead of holding the request. Commands sent while connecting wait for the connection.
 */
export const rateLimitClientOptions: RedisOptions = {
  commandTimeout: rateLimitCommandTimeoutMs,
  maxRetriesPerRequest: 0,
  connectTimeout: 2000,
};
