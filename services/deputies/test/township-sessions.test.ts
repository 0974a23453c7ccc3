import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServices, type TestStack } from '@renda/testing/services';
import { tokens } from '@renda/testing/tokens';
import { fails, ok } from '@renda/testing/graphql';
import { deputiesService } from '../src/server.ts';
import { CongressSchema } from '../src/modules/regions/region.entity.ts';
import { countRows, createCongress, createRegions, createSession, subgraphOf } from './fixtures.ts';

let stack: TestStack;
let sg: ReturnType<typeof subgraphOf>;
let admin: string;
let yongan: string;
let guanqiao: string;

const shortQuery = `query($code: ID!, $year: Int!, $first: Int, $after: String) {
  region(code: $code) {
    townshipCongressesShortOfSessions(year: $year, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { id name sessionCount(year: $year) } }
    }
  }
}`;

async function shortOf(code: string, year: number): Promise<{ total: number; names: string[]; counts: number[] }> {
  const data = await ok(sg, shortQuery, { code, year, first: 50 });
  const list = data.region.townshipCongressesShortOfSessions;
  const nodes = list.edges.map((e: { node: { name: string; sessionCount: number } }) => e.node);
  return {
    total: list.totalCount,
    names: nodes.map((n: { name: string }) => n.name),
    counts: nodes.map((n: { sessionCount: number }) => n.sessionCount),
  };
}

beforeAll(async () => {
  stack = await startTestServices([deputiesService]);
  sg = subgraphOf(stack);
  admin = await tokens.admin();
  await createRegions(sg, admin);
  for (const [code, name] of [
    ['430181105', '官桥镇'],
    ['430181001', '淮川街道'],
  ]) {
    await ok(
      sg,
      `mutation($i: CreateRegionInput!) { createRegion(input: $i) { code } }`,
      { i: { code, name, level: 'TOWNSHIP' } },
      admin,
    );
  }
  yongan = await createCongress(sg, admin, {
    regionCode: '430181104',
    termNumber: 18,
    name: '永安镇第十八届人民代表大会',
    startsOn: '2024-01-05',
    endsOn: '2029-01-04',
  });
  guanqiao = await createCongress(sg, admin, {
    regionCode: '430181105',
    termNumber: 18,
    name: '官桥镇第十八届人民代表大会',
    startsOn: '2024-01-05',
    endsOn: '2029-01-04',
  });
  const county = await createCongress(sg, admin, {
    regionCode: '430181',
    termNumber: 18,
    name: '浏阳市第十八届人民代表大会',
    startsOn: '2024-01-10',
    endsOn: '2029-01-09',
  });
  // Yong'an: one session in 2025, two in 2026. Guanqiao: two in 2025, one in 2026. The county: one a year.
  await createSession(sg, admin, yongan, 1, '2025-01-06', '2025-01-07');
  await createSession(sg, admin, yongan, 2, '2026-01-06', '2026-01-07');
  await createSession(sg, admin, yongan, 3, '2026-06-01', '2026-06-01');
  await createSession(sg, admin, guanqiao, 1, '2025-01-08', '2025-01-09');
  await createSession(sg, admin, guanqiao, 2, '2025-07-08', '2025-07-08');
  await createSession(sg, admin, guanqiao, 3, '2026-01-08', '2026-01-09');
  await createSession(sg, admin, county, 1, '2025-01-10', '2025-01-12');
  await createSession(sg, admin, county, 2, '2026-01-10', '2026-01-12');
}, 120_000);

afterAll(() => stack?.stop());

describe('township congresses meet twice a year (D-2)', () => {
  it('D-2: a township congress that held fewer than two sessions in a year is listed and counted; a county congress never is', async () => {
    expect(await shortOf('4301', 2025)).toEqual({ total: 1, names: ['永安镇第十八届人民代表大会'], counts: [1] });
    expect(await shortOf('4301', 2026)).toEqual({ total: 1, names: ['官桥镇第十八届人民代表大会'], counts: [1] });
    // Before the term began nobody is short; a subtree without townships has nobody.
    expect((await shortOf('43', 2023)).total).toBe(0);
    expect((await shortOf('4306', 2025)).total).toBe(0);
    expect((await shortOf('430181104', 2026)).total).toBe(0);
  });

  it('D-2: a street office (街道, last three digits 001–099) cannot be given a congress, and nothing is written', async () => {
    const before = await countRows(stack, CongressSchema);
    await fails(
      sg,
      'BAD_USER_INPUT',
      `mutation($i: CreateCongressInput!) { createCongress(input: $i) { id } }`,
      { i: { regionCode: '430181001', termNumber: 18, name: '淮川街道人民代表大会', startsOn: '2024-01-05' } },
      admin,
      'input.regionCode',
    );
    expect(await countRows(stack, CongressSchema)).toBe(before);
  });

  it('D-2: bad input to the list is refused', async () => {
    await fails(sg, 'BAD_USER_INPUT', shortQuery, { code: '4301', year: 0, first: 10 }, undefined, 'year');
    await fails(sg, 'BAD_USER_INPUT', shortQuery, { code: '4301', year: 2026, first: 500 }, undefined, 'first');
  });
});
