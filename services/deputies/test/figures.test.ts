import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServices, type TestStack } from '@renda/testing/services';
import { tokens } from '@renda/testing/tokens';
import { fails, ok } from '@renda/testing/graphql';
import { deputiesService } from '../src/server.ts';
import { createCongress, createDeputies, createGroup, createRegions, subgraphOf } from './fixtures.ts';

/**
 * A history with mandates ending and starting: Liuyang's 17th congress (2019-2024) with deputies A, B, C
 * (C resigns on 2022-06-01), its 18th congress from 2024-01-10 with D and E, and Yong'an town's 18th
 * congress from 2024-01-05 with three township deputies (F-1, F-3).
 */
let stack: TestStack;
let sg: ReturnType<typeof subgraphOf>;
let admin: string;
let county17: string;
let county18: string;

const contact = `mutation($i: RecordContactInput!) { recordContact(input: $i) { id } }`;
async function record(deputyId: string, kind: 'VOTER' | 'GROUP_ACTIVITY', occurredOn: string) {
  const input = {
    kind,
    method: 'MEETING',
    occurredOn,
    deputyId,
    summary: '座谈',
    ...(kind === 'VOTER' ? { participants: 12 } : {}),
  };
  await ok(sg, contact, { i: input }, admin);
}

const figuresQuery = `query($code: ID!, $from: Int!, $to: Int!, $interval: FigureInterval, $level: RegionLevel, $asOf: Date) {
  region(code: $code) {
    deputyFigures(from: $from, to: $to, interval: $interval, level: $level, asOf: $asOf) {
      period { year month measuredOn }
      level congresses deputiesInOffice voterContacts groupActivities groupActivitiesPerDeputy
      voterContactCompliance { rate numerator denominator }
      groupActivityCompliance { rate numerator denominator }
      committeeContactCompliance { rate numerator denominator }
    }
  }
}`;
type Row = {
  period: { year: number; month: number | null; measuredOn: string };
  level: string;
  deputiesInOffice: number;
  voterContactCompliance: { rate: number | null; numerator: number; denominator: number };
  [k: string]: unknown;
};
async function figures(vars: Record<string, unknown>, token = admin): Promise<Row[]> {
  return (await ok(sg, figuresQuery, vars, token)).region.deputyFigures;
}
const legacyQuery = `query($code: ID!, $year: Int!) { region(code: $code) { deputyStats(year: $year) {
  activeDeputies voterContactComplianceRate groupActivityComplianceRate committeeContactComplianceRate } } }`;

beforeAll(async () => {
  stack = await startTestServices([deputiesService], { now: '2022-01-05T02:00:00Z' });
  sg = subgraphOf(stack);
  admin = await tokens.admin();
  await createRegions(sg, admin);
  county17 = await createCongress(sg, admin, {
    regionCode: '430181',
    termNumber: 17,
    name: '浏阳市第十七届人民代表大会',
    startsOn: '2019-01-10',
    endsOn: '2024-01-09',
  });
  const group = await createGroup(sg, admin, '430181', '第一代表小组');
  const [a, b, c] = await createDeputies(sg, admin, [
    { congressId: county17, regionCode: '430181', name: '甲', groupId: group },
    { congressId: county17, regionCode: '430181', name: '乙', groupId: group },
    { congressId: county17, regionCode: '430181', name: '丙' },
  ]);
  stack.clock.set('2022-06-01T02:00:00Z');
  await record(a!, 'VOTER', '2022-02-10');
  await record(a!, 'VOTER', '2022-02-20');
  await record(b!, 'VOTER', '2022-05-02');
  for (const day of ['2022-03-01', '2022-04-01', '2022-05-01']) {
    await record(a!, 'GROUP_ACTIVITY', day);
    await record(b!, 'GROUP_ACTIVITY', day);
  }
  await ok(sg, `mutation($id: ID!) { endMandate(id: $id, status: RESIGNED, reason: "辞职") { id } }`, { id: c }, admin);
  stack.clock.set('2026-06-15T02:00:00Z');
  county18 = await createCongress(sg, admin, {
    regionCode: '430181',
    termNumber: 18,
    name: '浏阳市第十八届人民代表大会',
    startsOn: '2024-01-10',
    endsOn: '2029-01-09',
  });
  const township = await createCongress(sg, admin, {
    regionCode: '430181104',
    termNumber: 18,
    name: '永安镇第十八届人民代表大会',
    startsOn: '2024-01-05',
    endsOn: '2029-01-04',
  });
  await createDeputies(sg, admin, [
    { congressId: county18, regionCode: '430181', name: '丁' },
    { congressId: county18, regionCode: '430181104', name: '戊' },
    { congressId: township, regionCode: '430181104', name: '己' },
    { congressId: township, regionCode: '430181104', name: '庚' },
    { congressId: township, regionCode: '430181104', name: '辛' },
  ]);
});
afterAll(() => stack?.stop());

describe('figures of deputies (F-1 to F-4, D-7)', () => {
  it("F-1: a past year counts the deputies in office during it, not today's", async () => {
    const y2022 = (await ok(sg, legacyQuery, { code: '430181', year: 2022 }, admin)).region.deputyStats;
    // A, B and C (in office until 1 June); not the 18th congresses' five deputies active today.
    expect(y2022).toEqual({
      activeDeputies: 3,
      voterContactComplianceRate: 0.3333,
      groupActivityComplianceRate: 0.6667,
      committeeContactComplianceRate: 0,
    });
    const y2023 = (await ok(sg, legacyQuery, { code: '430181', year: 2023 }, admin)).region.deputyStats;
    expect(y2023.activeDeputies).toBe(2);
    // 2024: the 17th congress sat until 9 January, the 18th from the 10th: both bodies were in office.
    const [county2024] = await figures({ code: '430181', from: 2024, to: 2024, level: 'COUNTY' });
    expect(county2024).toMatchObject({ deputiesInOffice: 4, congresses: 2 });
  });

  it('F-1: a monthly series measures each month at its end, and asOf measures earlier', async () => {
    const months = await figures({ code: '430181', from: 2022, to: 2022, interval: 'MONTH', level: 'COUNTY' });
    expect(months).toHaveLength(12);
    expect(months.map((m) => m.deputiesInOffice)).toEqual([3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2]);
    expect(months[0]!.voterContactCompliance).toEqual({ rate: 0, numerator: 0, denominator: 3 });
    expect(months[1]).toMatchObject({ period: { year: 2022, month: 2, measuredOn: '2022-02-28' }, voterContacts: 2 });
    expect(months[1]!.voterContactCompliance).toEqual({ rate: 0.3333, numerator: 1, denominator: 3 });
    expect(months[6]!.voterContactCompliance).toEqual({ rate: 0.5, numerator: 1, denominator: 2 });
    const [early] = await figures({ code: '430181', from: 2022, to: 2022, level: 'COUNTY', asOf: '2022-01-31' });
    expect(early).toMatchObject({
      period: { measuredOn: '2022-01-31' },
      deputiesInOffice: 3,
      voterContactCompliance: { numerator: 0, denominator: 3 },
    });
  });

  it('F-3: a blended subtree is split by congress level; a township subtree has only its own level', async () => {
    const liuyang = await figures({ code: '430181', from: 2025, to: 2025 });
    expect(liuyang.map((r) => [r.level, r.deputiesInOffice])).toEqual([
      ['COUNTY', 2],
      ['TOWNSHIP', 3],
    ]);
    const blended = (await ok(sg, legacyQuery, { code: '430181', year: 2025 }, admin)).region.deputyStats;
    expect(blended.activeDeputies).toBe(5);
    // 戊 was elected in Yong'an but sits in the county congress: a COUNTY row of the town, not a township deputy.
    const yongan = await figures({ code: '430181104', from: 2025, to: 2025 });
    expect(yongan.map((r) => [r.level, r.deputiesInOffice])).toEqual([
      ['COUNTY', 1],
      ['TOWNSHIP', 3],
    ]);
    const onlyTownship = await figures({ code: '430181104', from: 2024, to: 2025, level: 'TOWNSHIP' });
    expect(onlyTownship.map((r) => [r.period.year, r.level, r.deputiesInOffice])).toEqual([
      [2024, 'TOWNSHIP', 3],
      [2025, 'TOWNSHIP', 3],
    ]);
  });

  it('F-2: nothing to count gives null rates with a 0 denominator (the contract field documents 0)', async () => {
    const [row] = await figures({ code: '430181104', from: 2020, to: 2020 });
    expect(row).toMatchObject({
      deputiesInOffice: 0,
      groupActivitiesPerDeputy: null,
      voterContactCompliance: { rate: null, numerator: 0, denominator: 0 },
      committeeContactCompliance: { rate: null, numerator: 0, denominator: 0 },
    });
    const legacy = (await ok(sg, legacyQuery, { code: '430181104', year: 2020 }, admin)).region.deputyStats;
    expect(legacy).toEqual({
      activeDeputies: 0,
      voterContactComplianceRate: 0,
      groupActivityComplianceRate: 0,
      committeeContactComplianceRate: 0,
    });
  });

  it('F-4: every compliance rate carries its numerator and denominator', async () => {
    const [row] = await figures({ code: '430181', from: 2022, to: 2022, level: 'COUNTY' });
    expect(row!.groupActivityCompliance).toEqual({ rate: 0.6667, numerator: 2, denominator: 3 });
    expect(row!.voterContactCompliance).toEqual({ rate: 0.3333, numerator: 1, denominator: 3 });
  });

  it('D-7: the targets are averages of the body and of each group, not a pass per deputy', async () => {
    const data = await ok(
      sg,
      `query($id: ID!) { congress(id: $id) { dutyAverages(year: 2022) {
        measuredOn deputiesInOffice groupActivities groupActivitiesPerDeputy groupActivityTarget meetsGroupActivityTarget
        groups { group { name } deputiesInOffice groupActivities groupActivitiesPerDeputy meetsGroupActivityTarget } } } }`,
      { id: county17 },
      admin,
    );
    // 6 participations by 3 deputies in office: 2 each on average, short of 3; the group of A and B reaches 3.
    expect(data.congress.dutyAverages).toEqual({
      measuredOn: '2022-12-31',
      deputiesInOffice: 3,
      groupActivities: 6,
      groupActivitiesPerDeputy: 2,
      groupActivityTarget: 3,
      meetsGroupActivityTarget: false,
      groups: [
        {
          group: { name: '第一代表小组' },
          deputiesInOffice: 2,
          groupActivities: 6,
          groupActivitiesPerDeputy: 3,
          meetsGroupActivityTarget: true,
        },
      ],
    });
    const empty = await ok(
      sg,
      `query($id: ID!) { congress(id: $id) { dutyAverages(year: 2025) { deputiesInOffice groupActivitiesPerDeputy meetsGroupActivityTarget groups { deputiesInOffice } } } }`,
      { id: county17 },
      admin,
    );
    expect(empty.congress.dutyAverages).toEqual({
      deputiesInOffice: 0,
      groupActivitiesPerDeputy: null,
      meetsGroupActivityTarget: null,
      groups: [],
    });
  });

  it('F-1: a ten-year series of several regions is one answer per period and level, in one request', async () => {
    const data = await ok(
      sg,
      `{ liuyang: region(code: "430181") { deputyFigures(from: 2017, to: 2026) { period { year } level deputiesInOffice } }
         changsha: region(code: "4301") { deputyFigures(from: 2017, to: 2026) { period { year } level deputiesInOffice } } }`,
      {},
      admin,
    );
    expect(data.liuyang.deputyFigures).toHaveLength(20);
    expect(data.changsha.deputyFigures).toHaveLength(30);
    const county = (rows: { period: { year: number }; level: string; deputiesInOffice: number }[]) =>
      rows.filter((r) => r.level === 'COUNTY').map((r) => r.deputiesInOffice);
    expect(county(data.changsha.deputyFigures)).toEqual([0, 0, 3, 3, 3, 3, 2, 4, 2, 2]);
  });

  it('F-1: bad spans are BAD_USER_INPUT; other regions are FORBIDDEN', async () => {
    await fails(sg, 'BAD_USER_INPUT', figuresQuery, { code: '430181', from: 2025, to: 2024 }, admin, 'to');
    await fails(sg, 'BAD_USER_INPUT', figuresQuery, { code: '430181', from: 2000, to: 2026 }, admin, 'to');
    const analyst = await tokens.analyst('4306');
    await fails(sg, 'FORBIDDEN', figuresQuery, { code: '430181', from: 2025, to: 2025 }, analyst);
  });

  it('F-1, D-9: station figures count the stations open during the year, by their establishment and closing days', async () => {
    const create = `mutation($i: CreateStationInput!) { createStation(input: $i) { id establishedOn closedOn } }`;
    const close = `mutation($id: ID!, $on: Date!) { closeStation(id: $id, closedOn: $on) { id closedOn } }`;
    const station = async (regionCode: string, name: string, establishedOn: string) =>
      (await ok(sg, create, { i: { regionCode, name, address: '人民路1号', establishedOn } }, admin)).createStation as {
        id: string;
        establishedOn: string;
      };
    const a = await station('430181', '浏阳市代表之家', '2020-03-01');
    expect(a.establishedOn).toBe('2020-03-01');
    await station('430181104', '永安镇代表联络站', '2025-05-01');
    await station('430181', '集里街道代表联络站', '2024-02-01');
    await fails(sg, 'BAD_USER_INPUT', close, { id: a.id, on: '2019-12-31' }, admin, 'closedOn');
    await fails(sg, 'BAD_USER_INPUT', close, { id: a.id, on: '2026-07-01' }, admin, 'closedOn');
    expect((await ok(sg, close, { id: a.id, on: '2024-06-30' }, admin)).closeStation.closedOn).toBe('2024-06-30');
    await fails(sg, 'CONFLICT', close, { id: a.id, on: '2024-07-31' }, admin);
    await fails(
      sg,
      'BAD_USER_INPUT',
      create,
      { i: { regionCode: '430181', name: '未来站', address: '路', establishedOn: '2026-06-16' } },
      admin,
      'input.establishedOn',
    );
    const stations = async (code: string, year: number) =>
      (
        await ok(
          sg,
          `query($c: ID!, $y: Int!) { region(code: $c) { deputyStats(year: $y) { stations } } }`,
          { c: code, y: year },
          admin,
        )
      ).region.deputyStats.stations as number;
    const byYear = async (code: string) => Promise.all([2019, 2022, 2024, 2025, 2026].map((y) => stations(code, y)));
    // Before the first station, while the first alone was open, the year it closed and the third opened, after.
    expect(await byYear('430181')).toEqual([0, 1, 2, 2, 2]);
    expect(await byYear('430181104')).toEqual([0, 0, 0, 1, 1]);
  });
});
