import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deputiesService } from '@renda/deputies/server';
import { supervisionService } from '@renda/supervision/server';
import { tokens } from '@renda/testing/tokens';
import { startTestPlatform, type TestPlatform } from './harness.ts';

let platform: TestPlatform;
let admin: string;
let term18: string;

async function ok(query: string, variables: Record<string, unknown>, token?: string) {
  const result = await platform.execute(query, variables, token);
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return result.data as Record<string, any>;
}

async function code(query: string, variables: Record<string, unknown>, token?: string) {
  return (await platform.execute(query, variables, token)).errors?.[0]?.extensions?.code;
}

async function create(name: string, extra: Record<string, unknown> = {}) {
  const input = {
    congressId: term18,
    regionCode: '430181',
    name,
    gender: 'MALE',
    workUnit: '浏阳市',
    position: '局长',
    constituency: '第一选区',
    ...extra,
  };
  return (
    await ok(`mutation($i: CreateDeputyInput!) { createDeputy(input: $i) { id leadingCadre } }`, { i: input }, admin)
  ).createDeputy as { id: string; leadingCadre: boolean };
}

beforeAll(async () => {
  platform = await startTestPlatform([deputiesService, supervisionService]);
  admin = await tokens.admin();
  for (const [code, name, level] of [
    ['43', '湖南省', 'PROVINCE'],
    ['4301', '长沙市', 'CITY'],
    ['430181', '浏阳市', 'COUNTY'],
  ]) {
    await ok(
      `mutation($i: CreateRegionInput!) { createRegion(input: $i) { code } }`,
      { i: { code, name, level } },
      admin,
    );
  }
  const congress = {
    regionCode: '430181',
    termNumber: 18,
    name: '浏阳市第十八届人民代表大会',
    startsOn: '2024-01-10',
    endsOn: '2029-01-09',
  };
  term18 = (await ok(`mutation($i: CreateCongressInput!) { createCongress(input: $i) { id } }`, { i: congress }, admin))
    .createCongress.id;
}, 120_000);

afterAll(() => platform?.stop());

describe('leading cadres (D-13)', () => {
  it('D-13: leading cadres in office with no inspection and no voter reception in the year are listed', async () => {
    const idle = await create('高官甲', { leadingCadre: true });
    const receiving = await create('高官乙', { leadingCadre: true });
    const inspecting = await create('高官丙', { leadingCadre: true });
    await create('群众丁');
    expect(idle.leadingCadre).toBe(true);
    await ok(
      `mutation($i: RecordContactInput!) { recordContact(input: $i) { id } }`,
      {
        i: {
          kind: 'VOTER',
          method: 'MEETING',
          deputyId: receiving.id,
          occurredOn: '2026-03-02',
          summary: '接待选民',
          participants: 12,
        },
      },
      admin,
    );
    const member = (
      await ok(
        `mutation($i: CreateCommitteeMemberInput!) { createCommitteeMember(input: $i) { id } }`,
        { i: { congressId: term18, name: '林红梅', role: 'MEMBER', fullTime: true } },
        admin,
      )
    ).createCommitteeMember.id;
    await ok(
      `mutation($i: InspectionInput!) { startInspection(input: $i) { id } }`,
      {
        i: {
          lawName: '中华人民共和国水污染防治法',
          regionCode: '430181',
          startsOn: '2026-04-01',
          endsOn: '2026-04-03',
          committeeMemberIds: [member],
          deputyIds: [inspecting.id],
        },
      },
      admin,
    );
    const query = `query($id: ID!, $year: Int!) { congress(id: $id) { leadingCadresWithoutActivity(year: $year) { name } } }`;
    const staff = await tokens.staff('430181');
    expect((await ok(query, { id: term18, year: 2026 }, staff)).congress.leadingCadresWithoutActivity).toEqual([
      { name: '高官甲' },
    ]);
    // The year before, none of them did anything.
    const lastYear = (await ok(query, { id: term18, year: 2025 }, staff)).congress.leadingCadresWithoutActivity.map(
      (d: { name: string }) => d.name,
    );
    expect(lastYear.sort()).toEqual(['高官丙', '高官乙', '高官甲'].sort());
    expect(await code(query, { id: term18, year: 2026 })).toBe('UNAUTHENTICATED');
    expect(await code(query, { id: term18, year: 2026 }, await tokens.staff('4306'))).toBe('FORBIDDEN');
    // A flag set later counts from then on.
    await ok(
      `mutation($id: ID!) { updateDeputy(id: $id, input: { leadingCadre: false }) { leadingCadre } }`,
      { id: idle.id },
      admin,
    );
    expect((await ok(query, { id: term18, year: 2026 }, staff)).congress.leadingCadresWithoutActivity).toEqual([]);
  });
});
