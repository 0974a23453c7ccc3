import { createServer, type AddressInfo } from 'node:net';
import { Cluster } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createCache, createRedisCache, parseClusterNodes, sameSlot, type Cache } from '../src/cache.ts';

const list = process.env.REDIS_CLUSTER_NODES;
const run = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
if (!list) console.log('cluster.test.ts skipped: REDIS_CLUSTER_NODES is unset (.ci/run starts a cluster and sets it)');

describe.skipIf(!list)('Redis Cluster (REDIS_CLUSTER_NODES)', () => {
  const nodes = list ? parseClusterNodes(list) : [];
  const opened: (Cache | Cluster)[] = [];
  const cache = (prefix = `renda-test-${run}:`) => {
    const c = createRedisCache({ clusterNodes: nodes }, prefix);
    opened.push(c);
    return c;
  };
  afterAll(async () => {
    for (const c of opened) await (c instanceof Cluster ? c.quit() : c.close());
  });

  it('createCache picks the cluster when REDIS_CLUSTER_NODES is set, and keys spread over its masters', async () => {
    const c = createCache(undefined, list);
    opened.push(c);
    const keys = Array.from({ length: 30 }, (_, i) => `spread-${run}-${i}`);
    for (const k of keys) expect(await c.incr(k, 60)).toBe(1);
    // Ask the cluster itself which master holds each key.
    const admin = new Cluster(nodes);
    opened.push(admin);
    await new Promise<void>((resolve) => admin.once('ready', () => resolve()));
    const owners = new Set<string>();
    for (const k of keys) {
      const slot = await admin.call('cluster', 'keyslot', `renda:${k}`);
      for (const master of admin.nodes('master')) {
        const held = (await master.call('cluster', 'getkeysinslot', String(slot), '1000')) as string[];
        if (held.includes(`renda:${k}`)) owners.add(`${master.options.port}`);
      }
    }
    const masters = admin.nodes('master').length;
    console.log(`cluster: ${keys.length} keys on masters ${[...owners].sort().join(', ')} of ${masters}`);
    expect(owners.size).toBeGreaterThan(1);
  });

  it('counters (a MULTI of INCR and EXPIRE) work on the cluster; hash-tagged keys share one slot', async () => {
    const c = cache();
    const key = `count-${run}`;
    expect(await c.incr(key, 60)).toBe(1);
    expect(await c.incr(key, 60)).toBe(2);
    const admin = new Cluster(nodes);
    opened.push(admin);
    const slotOf = async (k: string) => Number(await admin.call('cluster', 'keyslot', k));
    const [a, b] = await Promise.all([slotOf(sameSlot('renda', 'x')), slotOf(sameSlot('renda', 'another:key'))]);
    expect(a).toBe(b);
    // A MULTI over two keys of one tag is accepted by the cluster (without the tag it would be CROSSSLOT).
    const tagged = [sameSlot(`t-${run}`, 'a'), sameSlot(`t-${run}`, 'b')];
    const done = await admin.multi().set(tagged[0]!, '1', 'EX', 60).set(tagged[1]!, '2', 'EX', 60).exec();
    expect(done?.map(([e]) => e)).toEqual([null, null]);
    console.log(`cluster: counter counted to 2; tagged keys share slot ${a}`);
  });

  it('a rate limit is shared by two copies through the cluster', async () => {
    const [a, b] = [cache(`renda-test-${run}-rl:`), cache(`renda-test-${run}-rl:`)];
    const options = { name: 'cluster', points: 3, durationSeconds: 60 };
    const verdicts = [];
    for (const copy of [a, b, a, b]) verdicts.push((await copy.rateLimiter(options).consume('10.1.2.3')).allowed);
    console.log(`cluster: rate limit verdicts over two copies: ${verdicts.join(', ')}`);
    expect(verdicts).toEqual([true, true, true, false]);
    // Another client is counted apart.
    expect(await b.rateLimiter(options).consume('10.1.2.4')).toEqual({ allowed: true });
  });
});

describe('rate limits while the Redis Cluster is unreachable', () => {
  it('still limit, counting in memory, and answer without waiting for the cluster', async () => {
    // A port that was free a moment ago: no cluster node listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const cache = createRedisCache({ clusterNodes: [{ host: '127.0.0.1', port }] }, `renda-test-${run}-down:`);
    try {
      const limiter = cache.rateLimiter({ name: 'down', points: 2, durationSeconds: 60 });
      const verdicts = await Promise.race([
        (async () => [await limiter.consume('c'), await limiter.consume('c'), await limiter.consume('c')])(),
        new Promise<'waiting'>((resolve) => setTimeout(() => resolve('waiting'), 5000)),
      ]);
      console.log(`cluster down: verdicts ${JSON.stringify(verdicts)}`);
      expect(verdicts).not.toBe('waiting');
      expect((verdicts as { allowed: boolean }[]).map((v) => v.allowed)).toEqual([true, true, false]);
    } finally {
      await cache.close();
    }
  });
});
