import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '@renda/db/embedded';
import { devSubgraphSecret } from '@renda/server-kit/env';
import { startTestServices, type TestStack } from '@renda/testing/services';
import { tokens } from '@renda/testing/tokens';
import { deputiesService } from '../src/server.ts';
import { createRegions, subgraphOf } from './fixtures.ts';

// Bearers' answers are kept while PostgreSQL's snapshot is unchanged. Every change here is made
// behind the service's back (SQL on a connection of its own), so that only a stale answer could
// still show what was there before; the cache's counters show that repeated reads were served by it.
// PostgreSQL's snapshot is the whole cluster's: on the shared test cluster other test files' writes
// would end the stored answers at any moment, so this file has an embedded cluster of its own.
let embedded: EmbeddedPostgres;
let stack: TestStack;
let admin: string;

const regionStats = `query($code: ID!) { region(code: $code) { code name deputyStats(year: 2026) { regionCode } } }`;

interface Answer {
  data?: { region?: { name: string; deputyStats: { regionCode: string } | null } | null };
  errors?: { extensions?: { code?: string } }[];
}

async function post(query: string, variables: Record<string, unknown>, token: string, on = stack): Promise<Answer> {
  const res = await fetch(on.services.deputies!.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-subgraph-secret': devSubgraphSecret,
      authorization: `Bearer ${token}`,
    },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as Answer;
}

const answers = () => stack.services.deputies!.subgraph.answers!.stats;
// The service's pool, outside any request: its commits are what another writer's would be.
const sql = (text: string, params: string[] = []) => stack.services.deputies!.orm.em.getKnex().raw(text, params);
const rename = (code: string, name: string) => sql(`update deputies.regions set name = ? where code = ?`, [name, code]);

beforeAll(async () => {
  embedded = await startEmbeddedPostgres();
  stack = await startTestServices([deputiesService], { database: { url: embedded.url, drop: async () => {} } });
  admin = await tokens.admin();
  await createRegions(subgraphOf(stack), admin);
});
afterAll(async () => {
  await stack?.stop();
  await embedded?.stop();
});

describe('answer cache (bearers, while the database is unchanged)', () => {
  it('serves a repeated read from the cache and reads again after any commit', async () => {
    const staff = await tokens.staff('43');
    const first = await post(regionStats, { code: '430181' }, staff);
    expect(first.data?.region?.name).toBe('浏阳市');
    const before = { ...answers() };
    expect(await post(regionStats, { code: '430181' }, staff)).toEqual(first);
    expect(answers().hits).toBe(before.hits + 1);

    await rename('430181', '浏阳市（一）');
    expect((await post(regionStats, { code: '430181' }, staff)).data?.region?.name).toBe('浏阳市（一）');
    // A commit to a table this query never reads ends the stored answers too.
    await post(regionStats, { code: '430181' }, staff);
    const hits = answers().hits;
    await sql(`create table if not exists public.unrelated (n int)`);
    await sql(`insert into public.unrelated values (1)`);
    expect((await post(regionStats, { code: '430181' }, staff)).data?.region?.name).toBe('浏阳市（一）');
    expect(answers().hits).toBe(hits);
  });

  it('never gives one bearer the answer stored for another', async () => {
    const province = await tokens.staff('43');
    const elsewhere = await tokens.staff('4306');
    const allowed = await post(regionStats, { code: '430181' }, province);
    expect(allowed.data?.region?.deputyStats?.regionCode).toBe('430181');
    // The same body with another bearer: its own answer (refused for a region outside its own).
    const refused = await post(regionStats, { code: '430181' }, elsewhere);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // An answer with errors is not stored: asked again, it is not served from the cache.
    const hits = answers().hits;
    expect((await post(regionStats, { code: '430181' }, elsewhere)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(answers().hits).toBe(hits);
    // The province's answer is still its own.
    expect(await post(regionStats, { code: '430181' }, province)).toEqual(allowed);
  });

  it('a mutation is never served from the cache, and the clock moving on is another key', async () => {
    const create = `mutation($i: CreateRegionInput!) { createRegion(input: $i) { code } }`;
    const input = { i: { code: '430104', name: '岳麓区', level: 'COUNTY' } };
    expect((await post(create, input, admin)).data).toEqual({ createRegion: { code: '430104' } });
    // The same body again runs again: the region exists now.
    expect((await post(create, input, admin)).errors?.[0]?.extensions?.code).toBe('CONFLICT');

    const staff = await tokens.staff('43');
    await post(regionStats, { code: '4301' }, staff);
    const hits = answers().hits;
    stack.clock.set('2026-06-16T02:00:00Z');
    await post(regionStats, { code: '4301' }, staff);
    expect(answers().hits).toBe(hits);
    await post(regionStats, { code: '4301' }, staff);
    expect(answers().hits).toBe(hits + 1);
  });

  it('a write in progress when an answer is stored: its commit changes the key (shared cluster)', async () => {
    const staff = await tokens.staff('43');
    // The embedded cluster serves one connection at a time: an open transaction there would hold it.
    const shared = await startTestServices([deputiesService]);
    await createRegions(subgraphOf(shared), admin);
    const writer = await shared.services.deputies!.orm.em.getKnex().transaction();
    try {
      await writer.raw(`update deputies.regions set name = '岳阳市（新）' where code = '4306'`);
      // Read twice while the write is open (the second may come from the cache): the old name.
      expect((await post(regionStats, { code: '4306' }, staff, shared)).data?.region?.name).toBe('岳阳市');
      expect((await post(regionStats, { code: '4306' }, staff, shared)).data?.region?.name).toBe('岳阳市');
      await writer.commit();
      expect((await post(regionStats, { code: '4306' }, staff, shared)).data?.region?.name).toBe('岳阳市（新）');
    } finally {
      if (!writer.isCompleted()) await writer.rollback();
      await shared.stop();
    }
  });
});
