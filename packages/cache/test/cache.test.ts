import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryCache, createRedisCache, type Cache } from '../src/cache.ts';

const caches: [string, () => Cache][] = [['memory', () => createMemoryCache()]];
if (process.env.REDIS_URL)
  caches.push(['redis', () => createRedisCache(process.env.REDIS_URL!, `renda-test-${process.pid}-${Date.now()}:`)]);

describe.each(caches)('%s cache', (_, make) => {
  const cache = make();
  afterAll(() => cache.close());

  it('counts with a window that starts at the first increment', async () => {
    expect(await cache.incr('n', 60)).toBe(1);
    expect(await cache.incr('n', 60)).toBe(2);
    expect(await cache.incr('n', 60)).toBe(3);
  });

  it('expires a counter after its time to live', async () => {
    expect(await cache.incr('short', 1)).toBe(1);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await cache.incr('short', 1)).toBe(1);
  });
});
