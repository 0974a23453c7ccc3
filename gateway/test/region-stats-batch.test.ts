import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deputiesService } from '@renda/deputies/server';
import { supervisionService } from '@renda/supervision/server';
import { tokens } from '@renda/testing/tokens';
import { ok } from '@renda/testing/graphql';
import { startTestPlatform, type TestPlatform } from './harness.ts';

let platform: TestPlatform;

/** Guangdong (44) with 12 cities, Guangxi (45) with 2: the same query over both must cost the same statements. */
const many = Array.from({ length: 12 }, (_, i) => `44${String(i + 1).padStart(2, '0')}`);
const few = ['4501', '4502'];

beforeAll(async () => {
  platform = await startTestPlatform([deputiesService, supervisionService]);
  const admin = await tokens.admin();
  const deputies = platform.services.deputies!.subgraph;
  const supervision = platform.services.supervision!.subgraph;
  const region = 'mutation($i: CreateRegionInput!) { createRegion(input: $i) { code } }';
  for (const code of ['44', '45']) {
    await ok(deputies, region, { i: { code, name: `省${code}`, level: 'PROVINCE' } }, admin);
  }
  for (const code of [...many, ...few]) {
    await ok(deputies, region, { i: { code, name: `市${code}`, level: 'CITY' } }, admin);
  }
  // Figures that differ by city, so a batch that mixed up its regions would show.
  const station = 'mutation($i: CreateStationInput!) { createStation(input: $i) { id } }';
  for (const [i, code] of ['4401', '4401', '4402', '4502'].entries()) {
    await ok(deputies, station, { i: { regionCode: code, name: `联络站${i}`, address: '街道' } }, admin);
  }
  const leader = 'mutation($i: CreateGovernmentLeaderInput!) { createGovernmentLeader(input: $i) { id } }';
  await ok(deputies, leader, { i: { regionCode: '4403', name: '市长甲', role: 'MAYOR' } }, admin);
  const unit = 'mutation($i: CreateUnitInput!) { createUnit(input: $i) { id } }';
  const file = 'mutation($i: FileDocumentInput!) { fileDocument(input: $i) { id } }';
  let n = 0;
  const documents = [
    ['4401', '2026-01-05', '2026-03-01'],
    ['4401', '2026-03-01', '2026-03-10'],
    ['4405', '2026-02-01', '2026-02-10'],
  ];
  for (const [code, publishedOn, filedOn] of documents) {
    n += 1;
    const made = await ok(
      supervision,
      unit,
      { i: { regionCode: code, name: `人民政府${n}`, kind: 'GOVERNMENT' } },
      admin,
    );
    const issuerId = made.createUnit.id;
    const i = {
      title: `文件${n}`,
      documentNumber: `第${n}号`,
      kind: 'NORMATIVE_DOCUMENT',
      issuerId,
      publishedOn,
      filedOn,
    };
    await ok(supervision, file, { i }, admin);
  }
});
afterAll(() => platform?.stop());

const query = `query($code: ID!) { region(code: $code) { children { code
  deputyStats(year: 2026) { activeDeputies stations leaderLinks { numerator denominator } }
  supervisionStats(year: 2026) { documentsFiled filedLate } } } }`;

describe('region statistics in batches', () => {
  it('deputyStats, supervisionStats of 12 cities cost the statements of 2, each city its own figures', async () => {
    const admin = await tokens.admin();
    const run = (code: string) =>
      platform.countSql(async () => {
        const result = await platform.execute(query, { code }, admin);
        expect(result.errors).toBeUndefined();
        return (result.data as any).region.children as any[];
      });
    const twelve = await run('44');
    const two = await run('45');
    expect(twelve.result.map((c) => c.code)).toEqual(many);
    expect(two.result.map((c) => c.code)).toEqual(few);
    const byCode = new Map([...twelve.result, ...two.result].map((c) => [c.code, c]));
    expect(byCode.get('4401').deputyStats.stations).toBe(2);
    expect(byCode.get('4402').deputyStats.stations).toBe(1);
    const owed = { numerator: 0, denominator: 5 };
    expect(byCode.get('4403').deputyStats).toMatchObject({ stations: 0, leaderLinks: owed });
    expect(byCode.get('4401').deputyStats.leaderLinks.denominator).toBe(0);
    expect(byCode.get('4502').deputyStats.stations).toBe(1);
    expect(byCode.get('4401').supervisionStats).toEqual({ documentsFiled: 2, filedLate: 1 });
    expect(byCode.get('4405').supervisionStats).toEqual({ documentsFiled: 1, filedLate: 0 });
    expect(byCode.get('4412').supervisionStats).toEqual({ documentsFiled: 0, filedLate: 0 });
    console.log(`SQL statements: 2 cities → ${two.statements}, 12 cities → ${twelve.statements}`);
    expect(twelve.statements).toBe(two.statements);
  });
});
