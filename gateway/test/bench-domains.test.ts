import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deputiesService } from '@renda/deputies/server';
import { deputyFigureRows, figureCounts, liveRaw, rollupRaw } from '@renda/deputies/modules/stats/figures.store';
import { defaultDutyRules } from '@renda/deputies/env';
import { FixedClock } from '@renda/server-kit/clock';
import { figurePeriods } from '@renda/server-kit/figures';
import { suggestionsService } from '@renda/suggestions/server';
import { supervisionService } from '@renda/supervision/server';
import { figureMeasures, figureRows } from '@renda/supervision/modules/stats/stats.store';
import { votingService } from '@renda/voting/server';
import { figureRows as votingFigureRows } from '@renda/voting/modules/federation/stats.store';
import { ok } from '@renda/testing/graphql';
import { sqlSchema, sqlTable } from '@renda/db/tables';
import { DeputySchema } from '@renda/deputies/modules/deputies/deputy.entity';
import { ContactRecordSchema } from '@renda/deputies/modules/liaison/liaison.entity';
import { CongressSchema, RegionSchema } from '@renda/deputies/modules/regions/region.entity';
import { FiledDocumentSchema } from '@renda/supervision/modules/filings/filing.entity';
import { GovernmentUnitSchema } from '@renda/supervision/modules/units/unit.entity';
import { ProgramSchema } from '@renda/voting/modules/programs/program.entity';
import { EvaluationRoundSchema } from '@renda/voting/modules/evaluations/evaluation.entity';
import { tokens } from '@renda/testing/tokens';
import { loadProvinceDomains } from '../bench/province-domains.ts';
import { startTestPlatform, type TestPlatform } from './harness.ts';

/**
 * The benchmark's three domains (`bench/province-domains.ts`): templates written through the services' write
 * functions, copied across the synthetic province. At a small scale: the totals the loader returns are the
 * README's (per level and year), the figures through the gateway (which read the rollups rebuilt after the
 * copies) equal the live aggregates over the copied rows, and nothing of the templates is left.
 */
const now = '2026-06-15T02:00:00Z';
const scale = 0.01;
const n = (x: number) => Math.max(1, Math.round(x * scale));
const tenYears = { from: 2017, to: 2026 };
let platform: TestPlatform;
let counts: Record<string, number>;

beforeAll(async () => {
  platform = await startTestPlatform([deputiesService, supervisionService, suggestionsService, votingService], {
    now,
  });
  counts = await loadProvinceDomains(platform.services as never, scale);
}, 600_000);
afterAll(() => platform?.stop());

type Row = { period: { year: number }; level: string; [k: string]: unknown };
const em = (service: string) => platform.services[service]!.orm.em.fork();
const periods = () => figurePeriods(new FixedClock(now), tenYears);
/** Live rows by `year|level` (those counting something), keyed as the GraphQL rows are. */
const byYearLevel = <R extends object>(rows: R[], counted: (r: R) => boolean) =>
  new Map(
    rows.filter(counted).map((r) => {
      const { i, level } = r as { i?: unknown; level?: unknown };
      return [`${tenYears.from + Number(i)}|${String(level)}`, r];
    }),
  );

describe('loadProvinceDomains: templates written through the write functions, copied across the province', () => {
  it('returns the totals of the README at this scale', () => {
    const perTerm = 1960 * n(40) + 140 * n(200) + 14 * n(400) + n(770);
    expect(counts).toEqual({
      regions: 2115,
      deputies: 3 * perTerm,
      contacts: expect.any(Number),
      filings: 10 * (140 * n(30) + 14 * n(50) + n(100)),
      programs: 1960 * 10,
      ballots: 1960 * 10,
    });
    expect(counts.contacts).toBeGreaterThan(counts.deputies!);
  });

  it('leaves nothing of the templates (region 99) and none of their events', async () => {
    const outbox = (service: string) => `${sqlSchema(em(service))}."outbox_events"`;
    for (const [service, table] of [
      ['deputies', sqlTable(em('deputies'), DeputySchema)],
      ['deputies', sqlTable(em('deputies'), ContactRecordSchema)],
      ['deputies', sqlTable(em('deputies'), CongressSchema)],
      ['deputies', outbox('deputies')],
      ['supervision', sqlTable(em('supervision'), FiledDocumentSchema)],
      ['supervision', sqlTable(em('supervision'), GovernmentUnitSchema)],
      ['supervision', outbox('supervision')],
      ['voting', sqlTable(em('voting'), ProgramSchema)],
      ['voting', sqlTable(em('voting'), EvaluationRoundSchema)],
      ['voting', outbox('voting')],
    ] as const) {
      const [row] = await em(service).execute<{ n: number }[]>(
        `select count(*)::int as n from ${table} where region_code like ?`,
        ['99%'],
      );
      expect(row!.n, table).toBe(0);
    }
    const [regions] = await em('deputies').execute<{ n: number }[]>(
      `select count(*)::int as n from ${sqlTable(em('deputies'), RegionSchema)} where code like ?`,
      ['99%'],
    );
    expect(regions!.n).toBe(0);
  });

  it('the figures through the gateway equal the live aggregates over the copies, in every year and level', async () => {
    const token = await tokens.analyst('43');
    const data = await ok<{ region: Record<string, Row[]> }>(
      platform,
      `{ region(code: "43") {
          deputyFigures(from: 2017, to: 2026) { period { year } level deputiesInOffice }
          supervisionFigures(from: 2017, to: 2026) { period { year } level documentsFiled filedOnTime { denominator } }
          votingFigures(from: 2017, to: 2026) { period { year } level regionsVoted }
        } }`,
      {},
      token,
    );
    const { deputyFigures, supervisionFigures, votingFigures } = data.region;

    const deputies = await deputyFigureRows(liveRaw(em('deputies')), 'live', ['43'], periods(), defaultDutyRules);
    const rolledDeputies = await deputyFigureRows(
      rollupRaw(em('deputies')),
      'rollups',
      ['43'],
      periods(),
      defaultDutyRules,
    );
    const deputyCounts = (r: (typeof deputies)[number]) => figureCounts.map((c) => Number(r[c]));
    const liveDeputies = byYearLevel(deputies, (r) => deputyCounts(r).some((x) => x > 0));
    const countsOf = <R>(rows: Map<string, R>, of: (r: R) => number[]) =>
      new Map([...rows].map(([k, r]) => [k, of(r)]));
    expect(
      countsOf(
        byYearLevel(rolledDeputies, (r) => deputyCounts(r).some((x) => x > 0)),
        deputyCounts,
      ),
    ).toEqual(countsOf(liveDeputies, deputyCounts));
    expect(liveDeputies.size).toBeGreaterThan(0);
    const liveInOffice = (y: number, level: string) => Number(liveDeputies.get(`${y}|${level}`)?.deputies ?? 0);
    for (const r of deputyFigures!) expect(r.deputiesInOffice).toBe(liveInOffice(r.period.year, r.level));
    // 2026: the third term's deputies, all in office.
    expect(liveInOffice(2026, 'TOWNSHIP')).toBe(1960 * n(40));
    expect(liveInOffice(2026, 'PROVINCE')).toBe(n(770));

    const filings = await figureRows(em('supervision'), periods(), ['43'], 'live');
    const filed = (r: object) => figureMeasures.map((m) => Number((r as Record<string, unknown>)[m] ?? 0));
    const rolledFilings = await figureRows(em('supervision'), periods(), ['43'], 'rollups');
    expect(
      countsOf(
        byYearLevel(rolledFilings, (r) => filed(r).some((x) => x > 0)),
        filed,
      ),
    ).toEqual(
      countsOf(
        byYearLevel(filings, (r) => filed(r).some((x) => x > 0)),
        filed,
      ),
    );
    const liveFilings = byYearLevel(filings, () => true);
    for (const r of supervisionFigures!)
      expect(r.documentsFiled).toBe(
        Number((liveFilings.get(`${r.period.year}|${r.level}`) as { filed?: unknown } | undefined)?.filed ?? 0),
      );
    const countyFiled = supervisionFigures!.filter((r) => r.level === 'COUNTY').map((r) => r.documentsFiled);
    expect(countyFiled).toEqual(Array(10).fill(140 * n(30)));

    const votingEm = em('voting');
    const votes = await votingFigureRows(votingEm, periods(), ['43'], 'live', votingEm.getKnex());
    const rolledVotes = await votingFigureRows(votingEm, periods(), ['43'], 'rollups', votingEm.getKnex());
    const voteCounts = (r: (typeof votes)[number]) =>
      [r.votes, r.regions, r.cast, r.roll, r.rated_projects, r.content, r.rated].map(Number);
    const liveVotes = byYearLevel(votes, (r) => voteCounts(r).some((x) => x > 0));
    expect(
      countsOf(
        byYearLevel(rolledVotes, (r) => voteCounts(r).some((x) => x > 0)),
        voteCounts,
      ),
    ).toEqual(countsOf(liveVotes, voteCounts));
    for (const r of votingFigures!)
      expect(r.regionsVoted).toBe(Number(liveVotes.get(`${r.period.year}|${r.level}`)?.regions ?? 0));
    expect(votingFigures!.filter((r) => r.level === 'TOWNSHIP').map((r) => r.regionsVoted)).toEqual(
      Array(10).fill(1960),
    );
  });
});
