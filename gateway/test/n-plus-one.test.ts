import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deputiesService } from '@renda/deputies/server';
import { tokens } from '@renda/testing/tokens';
import { ok } from '@renda/testing/graphql';
import { startTestPlatform, type TestPlatform } from './harness.ts';

let platform: TestPlatform;
let congressId: string;

beforeAll(async () => {
  platform = await startTestPlatform([deputiesService]);
  const admin = await tokens.admin();
  const sg = platform.services.deputies!.subgraph;
  for (const [code, name, level] of [
    ['43', '湖南省', 'PROVINCE'],
    ['4301', '长沙市', 'CITY'],
    ['430181', '浏阳市', 'COUNTY'],
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
  congressId = c.createCongress.id;
  const groups: string[] = [];
  const stations: string[] = [];
  for (let i = 0; i < 5; i++) {
    groups.push(
      (
        await ok(
          sg,
          `mutation { createGroup(input: {regionCode: "430181", name: "第${i + 1}代表小组"}) { id } }`,
          {},
          admin,
        )
      ).createGroup.id,
    );
    stations.push(
      (
        await ok(
          sg,
          `mutation { createStation(input: {regionCode: "430181", name: "联络站${i + 1}", address: "浏阳市"}) { id } }`,
          {},
          admin,
        )
      ).createStation.id,
    );
  }
  // The 100 deputies and their contacts are only data here: one SQL statement, not 200 mutations.
  await platform.services.deputies!.orm.em.getConnection().execute(
    `with p as (
       insert into deputies.persons (id, name) select gen_random_uuid(), '代表' || n from generate_series(0, 99) as n returning id, name),
     d as (
       insert into deputies.deputies (id, person_id, congress_id, region_code, name, gender, work_unit, position, constituency, group_id, station_id,
                                      mandate_starts_on)
       select gen_random_uuid(), p.id, ?, '430181', p.name, case when n % 2 = 1 then 'MALE' else 'FEMALE' end, '单位', '职务',
              '第' || n % 9 || '选区', (?::uuid[])[n % 5 + 1], (?::uuid[])[n % 5 + 1], '2025-01-10'
       from p, lateral (select substring(p.name from 3)::int as n) as k
       returning id)
     insert into deputies.contact_records (id, kind, method, occurred_on, deputy_id, region_code, participants, summary, recorded_at, recorded_by)
     select gen_random_uuid(), 'VOTER', 'MEETING', '2026-03-01', d.id, '430181', 12, '接待选民', '2026-06-15T02:00:00Z', 'test-admin' from d`,
    [congressId, `{${groups.join(',')}}`, `{${stations.join(',')}}`],
  );
});
afterAll(() => platform?.stop());

const query = `query($first: Int!) {
  deputies(first: $first, filter: { regionCode: "430181" }) {
    totalCount
    edges { node { name congress { name activeDeputyCount } group { name } station { name standards { compliant } } contacts(year: 2026) { summary occurredOn } duty(year: 2026) { voterContacts meetsMinimums } } }
  }
}`;

describe('no N+1 through the gateway', () => {
  it('100 deputies with congress, group, station, contacts and duty cost the same SQL statements as 10', async () => {
    const staff = await tokens.staff('43');
    const run = (first: number) =>
      platform.countSql(async () => {
        const result = await platform.execute(query, { first }, staff);
        expect(result.errors).toBeUndefined();
        return result.data as { deputies: { edges: { node: { contacts: unknown[] } }[] } };
      });
    const ten = await run(10);
    const hundred = await run(100);
    expect(ten.result.deputies.edges).toHaveLength(10);
    expect(hundred.result.deputies.edges).toHaveLength(100);
    expect(hundred.result.deputies.edges.every((e) => e.node.contacts.length === 1)).toBe(true);
    console.log(`SQL statements: 10 deputies → ${ten.statements}, 100 deputies → ${hundred.statements}`);
    expect(hundred.statements).toBe(ten.statements);
    expect(hundred.statements).toBeLessThanOrEqual(12);
  });
});
