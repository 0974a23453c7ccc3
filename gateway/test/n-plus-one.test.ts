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
  for (const [code, name, level] of [['43', '湖南省', 'PROVINCE'], ['4301', '长沙市', 'CITY'], ['430181', '浏阳市', 'COUNTY']]) {
    await ok(sg, 'mutation($i: CreateRegionInput!) { createRegion(input: $i) { code } }', { i: { code, name, level } }, admin);
  }
  const c = await ok(sg, 'mutation { createCongress(input: {regionCode: "430181", termNumber: 18, name: "浏阳市第十八届人民代表大会", startsOn: "2025-01-10"}) { id } }', {}, admin);
  congressId = c.createCongress.id;
  const groups: string[] = [];
  const stations: string[] = [];
  for (let i = 0; i < 5; i++) {
    groups.push((await ok(sg, `mutation { createGroup(input: {regionCode: "430181", name: "第${i + 1}代表小组"}) { id } }`, {}, admin)).createGroup.id);
    stations.push((await ok(sg, `mutation { createStation(input: {regionCode: "430181", name: "联络站${i + 1}", address: "浏阳市"}) { id } }`, {}, admin)).createStation.id);
  }
  for (let n = 0; n < 100; n++) {
    const d = await ok(
      sg,
      'mutation($i: CreateDeputyInput!) { createDeputy(input: $i) { id } }',
      { i: { congressId, regionCode: '430181', name: `代表${n}`, gender: n % 2 ? 'MALE' : 'FEMALE', workUnit: '单位', position: '职务', constituency: `第${n % 9}选区`, groupId: groups[n % 5], stationId: stations[n % 5] } },
      admin,
    );
    await ok(sg, 'mutation($i: RecordContactInput!) { recordContact(input: $i) { id } }', { i: { kind: 'VOTER', method: 'MEETING', occurredOn: '2026-03-01', deputyId: d.createDeputy.id, participants: 12, summary: '接待选民' } }, admin);
  }
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
