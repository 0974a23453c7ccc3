import { requireReadIn } from '@renda/auth/guards';
import type { ServiceContext } from '@renda/server-kit/context';
import { today } from '@renda/server-kit/dates';
import {
  figurePeriods,
  legacyRate,
  figureMatrix,
  figuresLoaderKey,
  ratio,
  type FigureArgs,
  type FigurePeriod,
  type Ratio,
} from '@renda/server-kit/figures';
import { requireRegionCode, requireYear, yearRange, type RegionLevel } from '@renda/server-kit/validate';
import { figureRows, statsRows, type FigureMeasure } from './stats.store.ts';

/** 监督工作统计 of a region subtree and year. */
export interface SupervisionStats {
  regionCode: string;
  year: number;
  documentsFiled: number;
  filedLate: number;
  documentsReviewed: number;
  correctionsRequested: number;
  corrected: number;
  majorMatters: number;
  reportedBeforeDecision: number;
  opinionItems: number;
  opinionItemsClosed: number;
  opinionItemsOverdue: number;
  inquiries: number;
  motions: number;
  examPassRate: number;
  reportSatisfactionRate: number;
}

/**
 * Figures for a subtree and calendar year, read in SQL from the rollups (Migration20261201020000: the year's
 * `T` rows and the overdue events up to the measuring day; never counted in Node). Every region asked for the
 * same year in one request shares one statement. Readers of the region only (ADMIN, STAFF, ANALYST).
 */
export async function supervisionStats(
  ctx: ServiceContext,
  regionCode: string,
  year: number,
): Promise<SupervisionStats> {
  const code = requireRegionCode(regionCode, 'regionCode');
  requireReadIn(ctx.viewer, code, 'supervision statistics');
  requireYear(year);
  const r = await ctx.loaders
    .get<string, Record<string, string | number | null> | undefined>(
      `Region.supervisionStats.${year}`,
      async (codes) => {
        const [, to] = yearRange(year);
        // F-1: a past year's overdue items are those overdue on its last day; the current year's, today's.
        const measuredOn = today(ctx.clock) < to ? today(ctx.clock) : to;
        const rows = await statsRows(ctx.em, codes, year, measuredOn);
        const byKey = new Map(rows.map((row) => [String(row.key), row]));
        return codes.map((c) => byKey.get(c));
      },
    )
    .load(code);
  const n = (v: string | number | null | undefined) => Number(v ?? 0);
  return {
    regionCode: code,
    year,
    documentsFiled: n(r?.filed),
    filedLate: n(r?.late),
    documentsReviewed: n(r?.reviewed),
    correctionsRequested: n(r?.corrections),
    corrected: n(r?.corrected),
    majorMatters: n(r?.matters),
    reportedBeforeDecision: n(r?.reported_first),
    opinionItems: n(r?.items),
    opinionItemsClosed: n(r?.closed),
    opinionItemsOverdue: n(r?.overdue),
    inquiries: n(r?.inquiries),
    motions: n(r?.motions),
    examPassRate: legacyRate(n(r?.passed), n(r?.exams)),
    // F-2: the one definition, pooled over every vote: (satisfied + basically satisfied) / votes.
    reportSatisfactionRate: legacyRate(n(r?.content), n(r?.rated)),
  };
}

/** One period and level of a subtree's supervision figures (G-2, G-3, G-6, F-1 to F-4). */
export interface SupervisionFiguresRow {
  regionCode: string;
  period: FigurePeriod;
  level: RegionLevel;
  documentsFiled: number;
  filedOnTime: Ratio;
  reviewed: Ratio;
  majorMattersDecided: number;
  reportedBeforeDecision: Ratio;
  opinionItemsDue: number;
  opinionItemsClosed: Ratio;
  opinionItemsOverdue: number;
  inquiries: number;
  examsPassed: Ratio;
  reportSatisfaction: Ratio;
}

/**
 * Region.supervisionFigures. Each source table contributes the rows dated in a period (filed, decided,
 * due, submitted, heard), summed per period and level; states (reviewed, closed, overdue) are taken on the
 * period's measuring day (F-1). Read from the rollups kept in each write's transaction
 * (Migration20261201020000: a province reads a few rows per period, exact for any `asOf`, by year or month);
 * the live aggregate over the base tables (`figureRows(…, 'live')`) is what they are checked against. One
 * statement for every region asked with the same arguments, whose size does not grow with them: the subtrees
 * are a VALUES list joined to one lateral read, planned once, on one process (`serial_plan()`).
 */
export async function supervisionFigures(
  ctx: ServiceContext,
  regionCode: string,
  args: FigureArgs,
): Promise<SupervisionFiguresRow[]> {
  const code = requireRegionCode(regionCode, 'code');
  const periods = figurePeriods(ctx.clock, args);
  requireReadIn(ctx.viewer, code, 'supervision statistics');
  const rows = await ctx.loaders
    .get<string, Record<string, string | number>[]>(
      figuresLoaderKey('Region.supervisionFigures', args),
      async (codes) => {
        const result = await figureRows(ctx.em, periods, codes);
        return codes.map((c) => result.filter((r) => r.key === c));
      },
    )
    .load(code);
  type Row = Record<string, string | number> & { i: number; level: string };
  return figureMatrix(code, periods, args, rows as Row[], (period, level, r) => {
    const n = (k: FigureMeasure) => Number(r?.[k] ?? 0);
    return {
      regionCode: code,
      period,
      level,
      documentsFiled: n('filed'),
      filedOnTime: ratio(n('filed_on_time'), n('filed')),
      reviewed: ratio(n('reviewed'), n('filed')),
      majorMattersDecided: n('decided'),
      reportedBeforeDecision: ratio(n('reported_first'), n('decided')),
      opinionItemsDue: n('items_due'),
      opinionItemsClosed: ratio(n('items_closed'), n('items_due')),
      opinionItemsOverdue: n('items_overdue'),
      inquiries: n('inquiries'),
      examsPassed: ratio(n('passed'), n('exams')),
      reportSatisfaction: ratio(n('content'), n('rated')),
    };
  });
}
