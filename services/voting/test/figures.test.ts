import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestStack } from '@renda/testing/services';
import { fails, ok } from '@renda/testing/graphql';
import { tokens } from '@renda/testing/tokens';
import {
  cast,
  closeBallot,
  createTownship,
  openBallot,
  programWithCandidates,
  startStack,
  type Subgraph,
} from './support/world.ts';

/**
 * Liuyang (430181) with two registered towns: 430181101 votes on 15 June 2026 (4 of a roll of 5 cast),
 * 430181102 holds no vote. Yueyang (4306) holds nothing.
 */
let stack: TestStack;
let sg: Subgraph;

const FIGURES = `query($r: [_Any!]!, $from: Int!, $to: Int!, $interval: FigureInterval, $level: RegionLevel, $asOf: Date) {
  _entities(representations: $r) { ... on Region { votingFigures(from: $from, to: $to, interval: $interval, level: $level, asOf: $asOf) {
    period { year month measuredOn } level votesHeld regionsVoted projectsRated
    coverage { rate numerator denominator } turnout { rate numerator denominator } satisfaction { rate numerator denominator } } } } }`;
const ref = (code: string) => [{ __typename: 'Region', code }];
async function figures(code: string, vars: Record<string, unknown>) {
  return (await ok(sg, FIGURES, { r: ref(code), ...vars }))._entities[0].votingFigures as Record<string, unknown>[];
}

beforeAll(async () => {
  stack = await startStack();
  sg = stack.services.voting!.subgraph;
  const town = await createTownship(stack, '430181101', 5);
  await createTownship(stack, '430181102', 3);
  const staff = await tokens.staff('430181101');
  const { programId, candidateIds } = await programWithCandidates(sg, town, staff, { seats: 1, candidates: 2 });
  const ballotId = await openBallot(sg, programId, town.deputyIds, staff);
  for (const d of town.deputyIds.slice(0, 4))
    expect((await cast(sg, town, d, ballotId, [[candidateIds[0]!, 'FOR']])).errors).toBeUndefined();
  await closeBallot(sg, ballotId, staff);
});
afterAll(() => stack?.stop());

describe('figures of livelihood votes (V-5, F-1 to F-4)', () => {
  it('V-5, F-4: coverage gives the towns that voted out of the towns registered, per level', async () => {
    const rows = await figures('430181', { from: 2026, to: 2026 });
    expect(rows).toEqual([
      {
        period: { year: 2026, month: null, measuredOn: '2026-06-15' },
        level: 'COUNTY',
        votesHeld: 0,
        regionsVoted: 0,
        projectsRated: 0,
        coverage: { rate: 0, numerator: 0, denominator: 1 },
        turnout: { rate: null, numerator: 0, denominator: 0 },
        satisfaction: { rate: null, numerator: 0, denominator: 0 },
      },
      {
        period: { year: 2026, month: null, measuredOn: '2026-06-15' },
        level: 'TOWNSHIP',
        votesHeld: 1,
        regionsVoted: 1,
        projectsRated: 0,
        coverage: { rate: 0.5, numerator: 1, denominator: 2 },
        turnout: { rate: 0.8, numerator: 4, denominator: 5 },
        satisfaction: { rate: null, numerator: 0, denominator: 0 },
      },
    ]);
  });

  it('F-1: a vote counts in the period it was held, and not before its day', async () => {
    const months = await figures('430181', { from: 2026, to: 2026, interval: 'MONTH', level: 'TOWNSHIP' });
    expect(months.map((m) => m.votesHeld)).toEqual([0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    const [before] = await figures('430181', { from: 2026, to: 2026, level: 'TOWNSHIP', asOf: '2026-06-14' });
    expect(before).toMatchObject({ votesHeld: 0, coverage: { rate: 0, numerator: 0, denominator: 2 } });
    const [lastYear] = await figures('430181', { from: 2025, to: 2025, level: 'TOWNSHIP' });
    expect(lastYear).toMatchObject({ period: { measuredOn: '2025-12-31' }, votesHeld: 0 });
  });

  it('F-2: nothing to count is a null rate, and the contract field keeps its documented 0', async () => {
    const [city] = await figures('4306', { from: 2026, to: 2026, level: 'TOWNSHIP' });
    expect(city).toMatchObject({
      coverage: { rate: null, denominator: 0 },
      turnout: { rate: null },
      satisfaction: { rate: null },
    });
    const legacy = await ok(
      sg,
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Region { votingStats(year: 2026) { turnoutRate satisfactionRate } } } }`,
      { r: ref('4306') },
    );
    expect(legacy._entities[0].votingStats).toEqual({ turnoutRate: 0, satisfactionRate: 0 });
  });

  it('F-3: regions asked together in one request (one statement) get what each gets alone, months and years', async () => {
    const codes = ['43', '4301', '430181', '4306'];
    for (const vars of [
      { from: 2025, to: 2026, interval: 'MONTH' },
      { from: 2017, to: 2026, asOf: '2026-06-15' },
    ]) {
      const together = await ok(sg, FIGURES, { r: codes.map((code) => ({ __typename: 'Region', code })), ...vars });
      const alone = await Promise.all(codes.map((code) => figures(code, vars)));
      expect(together._entities.map((e: { votingFigures: unknown }) => e.votingFigures)).toEqual(alone);
      expect(alone[2]!.some((r) => Number(r.votesHeld) > 0)).toBe(true);
    }
  });

  it('F-1: bad spans are BAD_USER_INPUT', async () => {
    await fails(sg, 'BAD_USER_INPUT', FIGURES, { r: ref('430181'), from: 2026, to: 2025 }, undefined, 'to');
  });
});
