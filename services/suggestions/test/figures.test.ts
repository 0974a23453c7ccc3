import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestStack } from '@renda/testing/services';
import { tokens } from '@renda/testing/tokens';
import { fails, ok } from '@renda/testing/graphql';
import { countStatements } from '@renda/db/orm';
import {
  ASSIGN,
  buildWorld,
  driveTo,
  EVALUATE,
  fileSuggestion,
  REPLY,
  sg,
  startStack,
  SUBMIT,
  type World,
} from './support.ts';

/**
 * 2025 in Liuyang: p (county) assigned 1 March, due 1 June, replied only on 1 February 2026; q (county)
 * replied on time and rated satisfied; w (county) led by the water bureau, assigned and never replied;
 * t (Yong'an town) received only. Read on 15 June 2026.
 */
let stack: TestStack;
let world: World;
let admin: string;

const REGION_STATS = `query($c: ID!, $y: Int!) { _entities(representations: [{__typename: "Region", code: $c}]) {
  ... on Region { suggestionStats(year: $y) { total replied overdue onTimeRate satisfactionRate resolutionRate } } } }`;

const FIGURES = `query($r: [_Any!]!, $from: Int!, $to: Int!, $interval: FigureInterval, $level: RegionLevel, $asOf: Date) {
    _entities(representations: $r) { ... on Region { suggestionFigures(from: $from, to: $to, interval: $interval, level: $level, asOf: $asOf) {
      period { year month measuredOn } level registered keyItems replied overdue coercionRisks
      onTime { rate numerator denominator } satisfaction { rate numerator denominator } resolution { rate numerator denominator } } } } }`;
const regionRef = (code: unknown) => [{ __typename: 'Region', code }];

async function figures(vars: Record<string, unknown>) {
  const data = await ok(sg(stack), FIGURES, { r: regionRef(vars.code), ...vars }, admin);
  return data._entities[0].suggestionFigures as Record<string, unknown>[];
}

beforeAll(async () => {
  // S-8 weights are a local setting: this province weighs satisfaction 60, on time 30, resolution 10.
  stack = await startStack('2025-03-01T02:00:00Z', {
    suggestions: { assessmentWeights: { onTime: 30, satisfaction: 60, resolution: 10 } },
  });
  world = await buildWorld(stack);
  admin = await tokens.admin();
  const staff = await tokens.staff('430181');
  const p = await fileSuggestion(stack, world, { sessionId: null });
  await driveTo(stack, world, p, 'HANDLING');
  const q = await fileSuggestion(stack, world, { sessionId: null });
  const w = await fileSuggestion(stack, world, { sessionId: null, leadDeputyId: world.county.deputies[1] });
  await ok(
    sg(stack),
    ASSIGN,
    { id: w, i: { grade: 'LEVEL_4', leadOfficial: '副局长', units: [{ unitId: world.units.water, role: 'LEAD' }] } },
    staff,
  );
  const townDeputy = world.township.deputies[0]!;
  await ok(
    sg(stack),
    SUBMIT,
    {
      i: {
        kind: 'SUGGESTION',
        regionCode: '430181104',
        title: '关于村道照明的建议',
        content: '建议安装路灯。',
        leadDeputyId: townDeputy,
      },
    },
    await tokens.deputy('430181104', townDeputy),
  );
  stack.clock.set('2025-04-01T02:00:00Z');
  await driveTo(stack, world, q, 'FOLLOWED_UP', 'SOLVED');
  await ok(
    sg(stack),
    EVALUATE,
    { id: q, i: { attitude: 'SATISFIED', result: 'SATISFIED' } },
    await tokens.deputy('430181', world.county.deputies[0]!),
  );
  stack.clock.set('2026-02-01T02:00:00Z');
  await ok(
    sg(stack),
    REPLY,
    { id: p, i: { category: 'PLANNED', content: '列入明年计划。', reviewedBy: '局长 王强' } },
    await tokens.handler('430181', world.units.transport),
  );
  stack.clock.set('2026-06-15T02:00:00Z');
});
afterAll(() => stack?.stop());

describe('figures of suggestions (F-1 to F-4, S-8, D-7)', () => {
  it("F-1: a past year's overdue is measured on its last day, not today", async () => {
    const data = await ok(sg(stack), REGION_STATS, { c: '430181', y: 2025 }, admin);
    // p was unanswered past its due date on 31 December 2025 (replied in 2026); w still is.
    expect(data._entities[0].suggestionStats).toMatchObject({ total: 4, overdue: 2 });
    const [county] = await figures({ code: '430181', from: 2025, to: 2025, level: 'COUNTY' });
    expect(county).toMatchObject({
      period: { year: 2025, month: null, measuredOn: '2025-12-31' },
      registered: 3,
      replied: 1,
      overdue: 2,
    });
    const [early] = await figures({ code: '430181', from: 2025, to: 2025, level: 'COUNTY', asOf: '2025-05-31' });
    expect(early).toMatchObject({ period: { measuredOn: '2025-05-31' }, replied: 1, overdue: 0 });
    const [late] = await figures({ code: '430181', from: 2025, to: 2025, level: 'COUNTY', asOf: '2026-03-01' });
    expect(late).toMatchObject({ period: { measuredOn: '2025-12-31' }, overdue: 2 });
  });

  it('F-3: a subtree is split by the level of the region items are registered in', async () => {
    const rows = await figures({ code: '430181', from: 2025, to: 2025 });
    expect(rows.map((r) => [r.level, r.registered])).toEqual([
      ['COUNTY', 3],
      ['TOWNSHIP', 1],
    ]);
    const town = await figures({ code: '430181104', from: 2025, to: 2025 });
    expect(town.map((r) => [r.level, r.registered])).toEqual([['TOWNSHIP', 1]]);
  });

  it('F-2, F-4: rates carry their denominators and are null with nothing to count', async () => {
    const [county, township] = await figures({ code: '430181', from: 2025, to: 2025 });
    expect(county).toMatchObject({
      onTime: { rate: 1, numerator: 1, denominator: 1 },
      satisfaction: { rate: 1, numerator: 1, denominator: 1 },
      resolution: { rate: 1, numerator: 1, denominator: 1 },
    });
    expect(township).toMatchObject({
      registered: 1,
      onTime: { rate: null, numerator: 0, denominator: 0 },
      satisfaction: { rate: null, numerator: 0, denominator: 0 },
      resolution: { rate: null, numerator: 0, denominator: 0 },
    });
    const [nothing] = await figures({ code: '4306', from: 2025, to: 2025 });
    expect(nothing).toMatchObject({ level: 'CITY', registered: 0, satisfaction: { rate: null, denominator: 0 } });
  });

  it('F-1: a monthly series puts items in their registration month', async () => {
    const rows = await figures({ code: '430181', from: 2025, to: 2025, interval: 'MONTH', level: 'COUNTY' });
    expect(rows).toHaveLength(12);
    expect(rows.map((r) => r.registered)).toEqual([0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    // Measured on 31 March, nothing was due yet nor replied.
    expect(rows[2]).toMatchObject({
      period: { month: 3, measuredOn: '2025-03-31' },
      replied: 0,
      overdue: 0,
      onTime: { rate: null },
    });
  });

  it('S-8: a unit with nothing to count is left out of the ranking, not ranked last with 0; weights are local', async () => {
    const data = await ok(
      sg(stack),
      '{ unitRanking(regionCode: "430181", year: 2025) { unit { id } score onTime { rate denominator } satisfaction { rate denominator } } }',
      {},
      admin,
    );
    // Transport: p replied late (in 2026) and planned, q on time and solved; the water bureau has no reply and no rating.
    // 30 × 0.5 + 60 × 1 + 10 × 0.5 = 80 with this province's weights (70 with the default 40/40/20).
    expect(data.unitRanking).toEqual([
      {
        unit: { id: world.units.transport },
        score: 80,
        onTime: { rate: 0.5, denominator: 2 },
        satisfaction: { rate: 1, denominator: 1 },
      },
    ]);
  });

  it('F-1: a province over ten years, two regions, is one statement', async () => {
    const counter = countStatements(stack.services.suggestions!.orm);
    const data = await ok(
      sg(stack),
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Region { suggestionFigures(from: 2016, to: 2025) { period { year } level registered } } } }`,
      {
        r: [
          { __typename: 'Region', code: '43' },
          { __typename: 'Region', code: '4306' },
        ],
      },
      admin,
    );
    counter.stop();
    expect(counter.count()).toBe(1);
    const province = data._entities[0].suggestionFigures as {
      period: { year: number };
      level: string;
      registered: number;
    }[];
    expect(province).toHaveLength(40);
    expect(province.filter((r) => r.period.year === 2025).map((r) => [r.level, r.registered])).toEqual([
      ['PROVINCE', 0],
      ['CITY', 0],
      ['COUNTY', 3],
      ['TOWNSHIP', 1],
    ]);
  });

  it('S-8, F-1: the list filter `overdue` counts what the figures count overdue, the same scope and day', async () => {
    const LIST = `query($f: SuggestionFilter) { suggestions(filter: $f, first: 0) { totalCount } }`;
    const BY_UNIT = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Region {
      overdueByUnit(from: 2025, to: 2025) { measuredOn overdue } } } }`;
    const listed = async (overdue: boolean) =>
      (await ok(sg(stack), LIST, { f: { regionCode: '430181', year: 2025, overdue } }, admin)).suggestions.totalCount;
    const figure = async () => {
      const rows = (await ok(sg(stack), BY_UNIT, { r: regionRef('430181') }, admin))._entities[0].overdueByUnit as {
        measuredOn: string;
        overdue: number;
      }[];
      return { measuredOn: rows[0]?.measuredOn, overdue: rows.reduce((n, r) => n + r.overdue, 0) };
    };
    try {
      // 15 January 2026: p, due 1 June 2025, is replied only on 1 February, so p and w are overdue that day.
      stack.clock.set('2026-01-15T02:00:00Z');
      expect(await figure()).toEqual({ measuredOn: '2026-01-15', overdue: 2 });
      expect(await listed(true)).toBe(2);
      // 15 June 2026: p's late reply came, w is still unanswered; q and t (never due) are not overdue.
      stack.clock.set('2026-06-15T02:00:00Z');
      expect(await figure()).toEqual({ measuredOn: '2026-06-15', overdue: 1 });
      expect(await listed(true)).toBe(1);
      expect(await listed(false)).toBe(3);
    } finally {
      stack.clock.set('2026-06-15T02:00:00Z');
    }
  });

  it('F-1: bad spans are BAD_USER_INPUT', async () => {
    await fails(sg(stack), 'BAD_USER_INPUT', FIGURES, { r: regionRef('430181'), from: 2026, to: 2025 }, admin, 'to');
    await fails(sg(stack), 'BAD_USER_INPUT', FIGURES, { r: regionRef('430181'), from: 1990, to: 2025 }, admin, 'to');
  });

  it('D-7: suggestions per deputy of a congress, across subgraphs', async () => {
    const deputies = stack.services.deputies!.subgraph;
    const data = await ok(
      deputies,
      `query($id: ID!) { congress(id: $id) { dutyAverages(year: 2025) {
      deputiesInOffice suggestionsLed suggestionsPerDeputy suggestionTarget meetsSuggestionTarget } } }`,
      { id: world.county.congressId },
      admin,
    );
    // 14 deputies in office in 2025 (13 active, one who resigned on 1 March) led 3 items.
    expect(data.congress.dutyAverages).toEqual({
      deputiesInOffice: 14,
      suggestionsLed: 3,
      suggestionsPerDeputy: 0.2143,
      suggestionTarget: 1,
      meetsSuggestionTarget: false,
    });
  });
});
