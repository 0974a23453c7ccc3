import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok } from '@renda/testing/graphql';
import type { TestStack } from '@renda/testing/services';
import { supervisionService } from '../src/server.ts';
import { makeTokens, startStack, type Executor, type Tokens } from './support.ts';

let stack: TestStack;
let sg: Executor;
let t: Tokens;

const FIGURES = `query($r: [_Any!]!, $from: Int!, $to: Int!, $interval: FigureInterval, $level: RegionLevel, $asOf: Date) {
  _entities(representations: $r) { ... on Region { supervisionFigures(from: $from, to: $to, interval: $interval, level: $level, asOf: $asOf) {
    period { year month measuredOn } level documentsFiled majorMattersDecided opinionItemsDue opinionItemsOverdue inquiries
    filedOnTime { rate numerator denominator } reviewed { rate numerator denominator }
    reportedBeforeDecision { rate numerator denominator } opinionItemsClosed { rate numerator denominator }
    examsPassed { rate numerator denominator } reportSatisfaction { rate numerator denominator } } } } }`;
const ref = (code: string) => [{ __typename: 'Region', code }];

beforeAll(async () => {
  ({ stack, sg } = await startStack());
  t = await makeTokens();
  await supervisionService.seed!(stack.services.supervision!.orm.em.fork(), stack.clock);
});
afterAll(() => stack?.stop());

const rows = async (code: string, vars: Record<string, unknown>, token = t.admin) =>
  (await ok(sg, FIGURES, { r: ref(code), ...vars }, token))._entities[0].supervisionFigures as any[];

describe('figures of supervision (F-1 to F-4)', () => {
  it('F-4: compliance figures of the seeded Liuyang year carry their denominators', async () => {
    const [county] = await rows('430181', { from: 2026, to: 2026, level: 'COUNTY' });
    expect(county).toMatchObject({
      period: { year: 2026, month: null, measuredOn: '2026-06-15' },
      documentsFiled: 4,
      filedOnTime: { rate: 0.5, numerator: 2, denominator: 4 },
      reviewed: { rate: 0.75, numerator: 3, denominator: 4 },
      reportedBeforeDecision: { numerator: 1, denominator: 2 },
      // Five opinion items of reports and three tasks of the demo resolution on water supply (one closed).
      opinionItemsClosed: { rate: 0.25, numerator: 2, denominator: 8 },
      examsPassed: { rate: 0.75, numerator: 3, denominator: 4 },
      reportSatisfaction: { rate: 0.9412, numerator: 32, denominator: 34 },
    });
  });

  it('F-2, F-3: the township level of the subtree has nothing to count: null rates, not 0', async () => {
    const all = await rows('430181', { from: 2026, to: 2026 });
    expect(all.map((r) => r.level)).toEqual(['COUNTY', 'TOWNSHIP']);
    expect(all[1]).toMatchObject({
      documentsFiled: 0,
      filedOnTime: { rate: null, denominator: 0 },
      opinionItemsClosed: { rate: null, denominator: 0 },
      reportSatisfaction: { rate: null, denominator: 0 },
    });
  });

  it('F-1: an opinion item is overdue only from the day after its due date, measured on asOf', async () => {
    const [item] = (await ok(sg, '{ overdueOpinionItems(regionCode: "430181") { dueOn } }', {}, t.analyst))
      .overdueOpinionItems;
    const due = item.dueOn as string;
    const year = Number(due.slice(0, 4));
    const dayAfter = new Date(Date.parse(`${due}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const [onDue] = await rows('430181', { from: year, to: year, level: 'COUNTY', asOf: due });
    const [after] = await rows('430181', { from: year, to: year, level: 'COUNTY', asOf: dayAfter });
    expect(onDue.period.measuredOn).toBe(due);
    expect(after.opinionItemsOverdue - onDue.opinionItemsOverdue).toBe(1);
  });

  it('F-1: monthly rows add up to the year', async () => {
    const months = await rows('430181', { from: 2026, to: 2026, interval: 'MONTH', level: 'COUNTY' });
    expect(months).toHaveLength(12);
    const sum = (k: string) => months.reduce((total, m) => total + m[k], 0);
    expect([sum('documentsFiled'), sum('opinionItemsDue'), sum('inquiries')]).toEqual([4, 8, 1]);
  });

  it('F-3: regions asked together in one request (one statement) get what each gets alone, months and years', async () => {
    const codes = ['43', '4301', '430181', '430181104'];
    for (const vars of [
      { from: 2025, to: 2026, interval: 'MONTH' },
      { from: 2017, to: 2026, asOf: '2026-03-31' },
    ]) {
      const together = await ok(
        sg,
        FIGURES,
        { r: codes.map((code) => ({ __typename: 'Region', code })), ...vars },
        t.admin,
      );
      const alone = await Promise.all(codes.map((code) => rows(code, vars)));
      expect(together._entities.map((e: { supervisionFigures: unknown }) => e.supervisionFigures)).toEqual(alone);
      expect(alone[2]!.some((r) => r.documentsFiled > 0)).toBe(true);
    }
  });

  it('is for readers of the region', async () => {
    const res = await sg.execute(FIGURES, { r: ref('430181'), from: 2026, to: 2026 }, t.analystOther);
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
