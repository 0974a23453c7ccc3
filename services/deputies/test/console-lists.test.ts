import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServices, type TestStack } from '@renda/testing/services';
import { tokens } from '@renda/testing/tokens';
import { fails, ok } from '@renda/testing/graphql';
import { deputiesService } from '../src/server.ts';
import { createCongress, createGroup, createRegions, createStation, subgraphOf } from './fixtures.ts';

let stack: TestStack;
let sg: ReturnType<typeof subgraphOf>;
let admin: string;
let countyCongress: string;
let cityCongress: string;

const membersQuery = `query($c: ID!, $first: Int, $after: String) {
  committeeMembers(congressId: $c, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id name congress { id } } }
  }
}`;
const leadersQuery = `query($r: ID!, $first: Int, $after: String) {
  governmentLeaders(regionCode: $r, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id name region { code } } } }
}`;
const stationsQuery = `query($r: ID!, $first: Int, $after: String) {
  stations(regionCode: $r, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id name region { code } } } }
}`;
const groupsQuery = `query($r: ID!, $first: Int, $after: String) {
  deputyGroups(regionCode: $r, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id name region { code } } } }
}`;

/** Every node of a list, page by page, following `endCursor`. */
async function walk(
  query: string,
  key: string,
  variables: Record<string, unknown>,
  first: number,
): Promise<{ pages: number; ids: string[]; total: number }> {
  const ids: string[] = [];
  let after: string | null = null;
  let pages = 0;
  let total = -1;
  for (;;) {
    const data: Record<string, any> = await ok(sg, query, { ...variables, first, after });
    const page: {
      totalCount: number;
      edges: { node: { id: string } }[];
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    } = data[key];
    pages += 1;
    total = page.totalCount;
    ids.push(...page.edges.map((e) => e.node.id));
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  return { pages, ids, total };
}

beforeAll(async () => {
  stack = await startTestServices([deputiesService]);
  sg = subgraphOf(stack);
  admin = await tokens.admin();
  await createRegions(sg, admin);
  countyCongress = await createCongress(sg, admin, {
    regionCode: '430181',
    termNumber: 18,
    name: '浏阳市第十八届人民代表大会',
    startsOn: '2022-01-01',
  });
  cityCongress = await createCongress(sg, admin, {
    regionCode: '4301',
    termNumber: 16,
    name: '长沙市第十六届人民代表大会',
    startsOn: '2022-01-01',
  });
  for (let i = 1; i <= 5; i++) {
    await ok(
      sg,
      `mutation($i: CreateCommitteeMemberInput!) { createCommitteeMember(input: $i) { id } }`,
      { i: { congressId: countyCongress, name: `委员${i}`, role: 'MEMBER', fullTime: false } },
      admin,
    );
  }
  await ok(
    sg,
    `mutation($i: CreateCommitteeMemberInput!) { createCommitteeMember(input: $i) { id } }`,
    { i: { congressId: cityCongress, name: '市委员', role: 'MEMBER', fullTime: true } },
    admin,
  );
  for (const [region, name, role] of [
    ['4301', '市长', 'MAYOR'],
    ['430181', '浏阳市长', 'MAYOR'],
    ['430181', '浏阳副市长', 'VICE_MAYOR'],
    ['4306', '岳阳市长', 'MAYOR'],
  ] as const) {
    await ok(
      sg,
      `mutation($i: CreateGovernmentLeaderInput!) { createGovernmentLeader(input: $i) { id } }`,
      { i: { regionCode: region, name, role } },
      admin,
    );
  }
  await createStation(sg, admin, '430181', '浏阳市代表之家');
  await createStation(sg, admin, '430181104', '永安镇代表联络站');
  await createStation(sg, admin, '430602', '岳阳楼区代表之家');
  await createGroup(sg, admin, '430181', '第一代表小组');
  await createGroup(sg, admin, '430181104', '永安代表小组');
}, 120_000);

afterAll(() => stack?.stop());

describe('lists for the staff console, as connections', () => {
  it('committee members of one congress, paged to the end without loss or repeat', async () => {
    const all = await walk(membersQuery, 'committeeMembers', { c: countyCongress }, 2);
    expect(all.total).toBe(5);
    expect(all.pages).toBe(3);
    expect(new Set(all.ids).size).toBe(5);
    const city = await ok(sg, membersQuery, { c: cityCongress, first: 10 });
    expect(city.committeeMembers.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual(['市委员']);
  });

  it('leaders, stations and groups of a subtree (D-1: the region and every region below it)', async () => {
    const leaders = await walk(leadersQuery, 'governmentLeaders', { r: '4301' }, 1);
    expect(leaders.total).toBe(3);
    expect(leaders.ids).toHaveLength(3);
    const county = await ok(sg, leadersQuery, { r: '430181', first: 50 });
    expect(county.governmentLeaders.totalCount).toBe(2);
    const stations = await ok(sg, stationsQuery, { r: '430181', first: 50 });
    expect(
      stations.stations.edges.map((e: { node: { region: { code: string } } }) => e.node.region.code).sort(),
    ).toEqual(['430181', '430181104']);
    const groups = await ok(sg, groupsQuery, { r: '430181104', first: 50 });
    expect(groups.deputyGroups.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual(['永安代表小组']);
    const yueyang = await ok(sg, stationsQuery, { r: '43', first: 50 });
    expect(yueyang.stations.totalCount).toBe(3);
  });

  it('bad input: a malformed region, a page too large, a forged cursor, a malformed congress id', async () => {
    await fails(sg, 'BAD_USER_INPUT', stationsQuery, { r: '4x', first: 10 }, undefined, 'regionCode');
    await fails(sg, 'BAD_USER_INPUT', groupsQuery, { r: '43', first: 101 }, undefined, 'first');
    await fails(
      sg,
      'BAD_USER_INPUT',
      leadersQuery,
      { r: '43', first: 10, after: 'bm90LWEtY3Vyc29y' },
      undefined,
      'after',
    );
    await fails(sg, 'BAD_USER_INPUT', membersQuery, { c: 'not-an-id', first: 10 }, undefined, 'congressId');
  });
});
