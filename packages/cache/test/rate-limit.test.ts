import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryCache, createRedisCache, type Cache } from '../src/cache.ts';

const run = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
const caches: [string, () => Cache][] = [['memory', () => createMemoryCache()]];
if (process.env.REDIS_URL) caches.push(['redis', () => createRedisCache(process.env.REDIS_URL!, `renda-test-${run}:`)]);

describe.each(caches)('rate limits (%s)', (_, make) => {
  const cache = make();
  afterAll(() => cache.close());

  it('lets `points` requests of a client through in a window, refuses the next with the seconds to wait', async () => {
    const limiter = cache.rateLimiter({ name: 'test', points: 3, durationSeconds: 60 });
    for (let i = 0; i < 3; i++) expect(await limiter.consume('10.0.0.1')).toEqual({ allowed: true });
    const refused = await limiter.consume('10.0.0.1');
    expect(refused.allowed).toBe(false);
    expect(refused.allowed === false && refused.retryAfterSeconds).toBeGreaterThanOrEqual(59);
    expect(refused.allowed === false && refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    // Another client has its own count; the same options give the same limiter.
    expect(await limiter.consume('10.0.0.2')).toEqual({ allowed: true });
    const same = cache.rateLimiter({ name: 'test', points: 3, durationSeconds: 60 });
    expect(await same.consume('10.0.0.1')).toMatchObject({ allowed: false });
  });
});

describe.skipIf(!process.env.REDIS_URL)('rate limits shared through Redis', () => {
  it('two copies of a service count against the same limit', async () => {
    const copy = () => createRedisCache(process.env.REDIS_URL!, `renda-test-${run}-shared:`);
    const [a, b] = [copy(), copy()];
    try {
      const options = { name: 'shared', points: 2, durationSeconds: 60 };
      expect(await a.rateLimiter(options).consume('c')).toEqual({ allowed: true });
      expect(await b.rateLimiter(options).consume('c')).toEqual({ allowed: true });
      expect(await a.rateLimiter(options).consume('c')).toMatchObject({ allowed: false });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('rate limits while Redis is down', () => {
  it('still limits, counting in memory, and answers without an error', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const cache = createRedisCache(`redis://127.0.0.1:${port}`, `renda-test-${run}-down:`);
    try {
      const limiter = cache.rateLimiter({ name: 'down', points: 2, durationSeconds: 60 });
      expect(await limiter.consume('c')).toEqual({ allowed: true });
      expect(await limiter.consume('c')).toEqual({ allowed: true });
      expect(await limiter.consume('c')).toMatchObject({ allowed: false });
    } finally {
      await cache.close();
    }
  });
});
