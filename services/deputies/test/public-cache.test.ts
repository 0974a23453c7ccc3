import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devSubgraphSecret } from '@renda/server-kit/env';
import { startTestServices, type TestStack } from '@renda/testing/services';
import { tokens } from '@renda/testing/tokens';
import { deputiesService } from '../src/server.ts';
import { createRegions, subgraphOf } from './fixtures.ts';

// Answers to the public (no Authorization) are cached per query and variables; any mutation of the
// service ends them; a bearer's read never reads or fills that cache. The name is changed behind the
// service's back (SQL) so that only a cached answer can still show the old one.
let stack: TestStack;
let admin: string;

const regionName = `query($code: ID!) { region(code: $code) { code name } }`;

async function post(query: string, variables: Record<string, unknown>, token?: string) {
  const res = await fetch(stack.services.deputies!.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-subgraph-secret': devSubgraphSecret,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: { region?: { name: string } }; errors?: unknown[] };
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return { name: body.data?.region?.name, age: res.headers.get('age') };
}

const rename = (code: string, name: string) =>
  stack.services
    .deputies!.orm.em.getConnection()
    .execute(`update deputies.regions set name = ? where code = ?`, [name, code]);

beforeAll(async () => {
  stack = await startTestServices([deputiesService], { publicCacheSeconds: 60 });
  admin = await tokens.admin();
  await createRegions(subgraphOf(stack), admin);
});
afterAll(() => stack?.stop());

describe('public response cache', () => {
  it('serves a public read from the cache until a write; a bearer never reads or fills it', async () => {
    const staff = await tokens.staff('43');
    expect(await post(regionName, { code: '430181' })).toEqual({ name: '浏阳市', age: null });

    await rename('430181', '浏阳市（一）');
    // The public: the stored answer, marked by its age.
    const cached = await post(regionName, { code: '430181' });
    expect(cached.name).toBe('浏阳市');
    expect(cached.age).not.toBeNull();
    // Other variables are another answer.
    expect((await post(regionName, { code: '430181104' })).name).toBe('永安镇');
    // A bearer reads the database, and leaves the public's answer as it was.
    expect((await post(regionName, { code: '430181' }, staff)).name).toBe('浏阳市（一）');
    await rename('430181', '浏阳市（二）');
    expect((await post(regionName, { code: '430181' }, staff)).name).toBe('浏阳市（二）');
    expect((await post(regionName, { code: '430181' })).name).toBe('浏阳市');

    // Any mutation of the service (here a region elsewhere) ends every stored answer.
    const created = await fetch(stack.services.deputies!.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-subgraph-secret': devSubgraphSecret,
        authorization: `Bearer ${admin}`,
      },
      body: JSON.stringify({
        query: `mutation($i: CreateRegionInput!) { createRegion(input: $i) { code } }`,
        variables: { i: { code: '430102', name: '芙蓉区', level: 'COUNTY' } },
      }),
    });
    expect(((await created.json()) as { data?: unknown }).data).toEqual({ createRegion: { code: '430102' } });
    expect(await post(regionName, { code: '430181' })).toEqual({ name: '浏阳市（二）', age: null });
  });

  it('a refused write ends the stored answers too, and an answer with errors is never stored', async () => {
    expect((await post(regionName, { code: '4306' })).name).toBe('岳阳市');
    await rename('4306', '岳阳市（一）');
    expect((await post(regionName, { code: '4306' })).name).toBe('岳阳市');
    // The public may not create regions: UNAUTHENTICATED, and still a mutation of the service.
    const refused = await fetch(stack.services.deputies!.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-subgraph-secret': devSubgraphSecret },
      body: JSON.stringify({
        query: `mutation($i: CreateRegionInput!) { createRegion(input: $i) { code } }`,
        variables: { i: { code: '430103', name: '天心区', level: 'COUNTY' } },
      }),
    });
    const body = (await refused.json()) as { errors?: { extensions?: { code?: string } }[] };
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await post(regionName, { code: '4306' })).name).toBe('岳阳市（一）');
  });
});
