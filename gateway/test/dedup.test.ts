import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deputiesService } from '@renda/deputies/server';
import { ok } from '@renda/testing/graphql';
import { tokens } from '@renda/testing/tokens';
import { startTestPlatform, type TestPlatform } from './harness.ts';

// In-flight deduplication of subgraph calls (gateway/src/fetcher.ts): identical query calls share one
// answer; different bearers and mutations never do.

let platform: TestPlatform;
let deputyId: string;

beforeAll(async () => {
  platform = await startTestPlatform([deputiesService]);
  const admin = await tokens.admin();
  const sg = platform.services.deputies!.subgraph;
  for (const [code, name, level] of [
    ['43', '湖南省', 'PROVINCE'],
    ['4301', '长沙市', 'CITY'],
    ['430181', '浏阳市', 'COUNTY'],
    ['4306', '岳阳市', 'CITY'],
  ]) {
    await ok(
      sg,
      'mutation($i: CreateRegionInput!) { createRegion(input: $i) { code } }',
      { i: { code, name, level } },
      admin,
    );
  }
  const c = await ok(
    sg,
    'mutation { createCongress(input: {regionCode: "430181", termNumber: 18, name: "浏阳市第十八届人民代表大会", startsOn: "2025-01-10"}) { id } }',
    {},
    admin,
  );
  const d = await ok(
    sg,
    'mutation($i: CreateDeputyInput!) { createDeputy(input: $i) { id } }',
    {
      i: {
        congressId: c.createCongress.id,
        regionCode: '430181',
        name: '代表',
        gender: 'FEMALE',
        workUnit: '单位',
        position: '职务',
        constituency: '第1选区',
      },
    },
    admin,
  );
  deputyId = d.createDeputy.id;
});
afterAll(() => platform?.stop());

const statsQuery = '{ region(code: "430181") { name deputyStats(year: 2026) { activeDeputies } } }';

describe('in-flight deduplication of subgraph calls', () => {
  it('identical queries of one bearer in flight together are sent once and all answered alike', async () => {
    const staff = await tokens.staff('4301');
    const before = platform.gateway.subgraphCalls();
    const results = await Promise.all(Array.from({ length: 30 }, () => platform.execute(statsQuery, {}, staff)));
    const after = platform.gateway.subgraphCalls();
    for (const r of results)
      expect(r).toEqual({ data: { region: { name: '浏阳市', deputyStats: { activeDeputies: 1 } } } });
    expect(after.shared - before.shared).toBeGreaterThan(0);
    expect(after.sent - before.sent + (after.shared - before.shared)).toBe(30);
  });

  it("two bearers never receive each other's answer, even asking the same query at the same moment", async () => {
    const reader = await tokens.staff('4301');
    const outsider = await tokens.staff('4306');
    const before = platform.gateway.subgraphCalls();
    const asks = Array.from({ length: 40 }, (_, i) => (i % 2 ? outsider : reader));
    const results = await Promise.all(asks.map((t) => platform.execute(statsQuery, {}, t)));
    results.forEach((r, i) => {
      if (asks[i] === reader) {
        expect(r.errors).toBeUndefined();
        expect(
          (r.data as { region: { deputyStats: { activeDeputies: number } } }).region.deputyStats.activeDeputies,
        ).toBe(1);
      } else {
        expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
        expect(JSON.stringify(r.data ?? null)).not.toContain('activeDeputies');
      }
    });
    // Sharing did happen in this burst (within each bearer), so the separation above was tested, not avoided.
    expect(platform.gateway.subgraphCalls().shared - before.shared).toBeGreaterThan(0);
  });

  it('never deduplicates a mutation: identical writes in flight together each happen', async () => {
    const admin = await tokens.admin();
    const before = platform.gateway.subgraphCalls();
    const write = `mutation { recordContact(input: { kind: VOTER, method: MEETING, occurredOn: "2026-03-01", deputyId: "${deputyId}",
      participants: 5, summary: "接待选民" }) { id } }`;
    const results = await Promise.all(Array.from({ length: 12 }, () => platform.execute(write, {}, admin)));
    const ids = results.map((r) => {
      expect(r.errors).toBeUndefined();
      return (r.data as { recordContact: { id: string } }).recordContact.id;
    });
    expect(new Set(ids).size).toBe(12);
    expect(platform.gateway.subgraphCalls().shared).toBe(before.shared);
    const read = await platform.execute(`{ deputy(id: "${deputyId}") { contacts(year: 2026) { id } } }`, {}, admin);
    expect((read.data as { deputy: { contacts: unknown[] } }).deputy.contacts).toHaveLength(12);
  });
});
