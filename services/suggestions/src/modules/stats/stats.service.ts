import { requireReadIn, requireViewer } from '@renda/auth/guards';
import { badInput, forbidden } from '@renda/errors/errors';
import { isId } from '@renda/db/ids';
import type { ServiceContext } from '@renda/server-kit/context';
import { today } from '@renda/server-kit/dates';
import {
  figurePeriods,
  legacyRate,
  figureMatrix,
  figuresLoaderKey,
  ratio,
  satisfaction,
  type FigureArgs,
  type FigurePeriod,
  type Ratio,
} from '@renda/server-kit/figures';
import { requireRegionCode, requireYear, type RegionLevel } from '@renda/server-kit/validate';
import type { SuggestionSettings } from '../../env.ts';
import {
  byUnitCounts,
  countNames,
  isEmpty,
  periodCounts,
  primaryDb,
  readDb,
  regionYearCounts,
  rollupScopes,
  rollupYears,
  unitYearCounts,
  type Counts,
  type PeriodCounts,
} from './stats.store.ts';

/** Handling figures of a region subtree or a lead unit in a year (S-8). */
export interface SuggestionStatsValue {
  regionCode: string | null;
  unitId: string | null;
  year: number;
  total: number;
  keyItems: number;
  replied: number;
  repliedOnTime: number;
  onTimeRate: number;
  overdue: number;
  evaluated: number;
  satisfied: number;
  basicallySatisfied: number;
  dissatisfied: number;
  satisfactionRate: number;
  resolutionRate: number;
  coercionRisks: number;
}

export interface UnitRankingValue extends AssessedRates {
  unitId: string;
  stats: SuggestionStatsValue;
  score: number;
}

type AggregateRow = Counts;

/** F-1: the day a year's "overdue" is measured on: its last day, or today while it lasts. */
function measuredOn(ctx: ServiceContext, year: number): string {
  const on = today(ctx.clock);
  const end = `${year}-12-31`;
  return on < end ? on : end;
}

function toStats(
  row: AggregateRow | undefined,
  year: number,
  scope: { regionCode: string | null; unitId: string | null },
): SuggestionStatsValue {
  const n = (k: keyof AggregateRow) => Number(row?.[k] ?? 0);
  return {
    ...scope,
    year,
    total: n('total'),
    keyItems: n('key_items'),
    replied: n('replied'),
    repliedOnTime: n('replied_on_time'),
    onTimeRate: legacyRate(n('replied_on_time'), n('replied')),
    overdue: n('overdue'),
    evaluated: n('evaluated'),
    satisfied: n('satisfied'),
    basicallySatisfied: n('basically_satisfied'),
    dissatisfied: n('dissatisfied'),
    satisfactionRate: satisfaction(n('satisfied'), n('basically_satisfied'), n('evaluated')).rate ?? 0,
    resolutionRate: legacyRate(n('solved'), n('replied')),
    coercionRisks: n('coercion_risks'),
  };
}

/** S-8 (local): the weight of each rate in a unit's assessment score, summing to 100. */
export interface AssessmentWeights {
  onTime: number;
  satisfaction: number;
  resolution: number;
}

export const defaultAssessmentWeights: AssessmentWeights = { onTime: 40, satisfaction: 40, resolution: 20 };

/** The weights in force for this request: the service's local setting (ASSESSMENT_WEIGHTS), else the default. */
export function assessmentWeightsOf(ctx: ServiceContext): AssessmentWeights {
  return (ctx.settings as Partial<SuggestionSettings>).assessmentWeights ?? defaultAssessmentWeights;
}

/** The three assessed rates of a lead unit with their denominators (F-2, F-4). */
export interface AssessedRates {
  onTime: Ratio;
  satisfaction: Ratio;
  resolution: Ratio;
}

export function assessedRates(stats: SuggestionStatsValue, solved: number): AssessedRates {
  return {
    onTime: ratio(stats.repliedOnTime, stats.replied),
    satisfaction: satisfaction(stats.satisfied, stats.basicallySatisfied, stats.evaluated),
    resolution: ratio(solved, stats.replied),
  };
}

/**
 * S-8 assessment score, 0-100, over the rates that have something to count: each rate weighs its
 * weight, and the weights of rates with nothing to count are left out (the rest scaled back to 100),
 * so a unit with no rated item is not scored as if it were rated 0. Null when no rate counts anything.
 */
export function assessmentScore(
  rates: AssessedRates,
  weights: AssessmentWeights = defaultAssessmentWeights,
): number | null {
  const parts = [
    [rates.onTime.rate, weights.onTime],
    [rates.satisfaction.rate, weights.satisfaction],
    [rates.resolution.rate, weights.resolution],
  ].filter((p): p is [number, number] => p[0] !== null);
  const weight = parts.reduce((t, [, w]) => t + w, 0);
  if (weight === 0) return null;
  return Math.round((parts.reduce((t, [r, w]) => t + r * w, 0) / weight) * 100 * 100) / 100;
}

/**
 * Region.suggestionStats: staff, analysts and admins covering the region. All regions asked in one
 * request go in one statement (a `union all` of one index range scan each).
 */
export function regionStats(ctx: ServiceContext, regionCode: string, year: number): Promise<SuggestionStatsValue> {
  const code = requireRegionCode(regionCode, 'code');
  requireYear(year);
  requireReadIn(ctx.viewer, code, 'suggestion statistics');
  return ctx.loaders
    .get<string, SuggestionStatsValue>(`Region.suggestionStats.${year}`, async (codes) => {
      const rows = await regionYearCounts(readDb(ctx.em), 'rollups', codes, year, measuredOn(ctx, year));
      const byKey = new Map(rows.map((r) => [r.key, r]));
      return codes.map((c) => toStats(byKey.get(c), year, { regionCode: c, unitId: null }));
    })
    .load(code);
}

/**
 * GovernmentUnit.suggestionStats: items the unit leads. Staff and analysts count the items of their
 * subtree, admins everything (or their region), the unit's own handlers all of the unit's items.
 */
export function unitStats(ctx: ServiceContext, unitId: string, year: number): Promise<SuggestionStatsValue> {
  const viewer = requireViewer(ctx.viewer);
  requireYear(year);
  let scope: string | null;
  if (viewer.role === 'HANDLER' && viewer.unit === unitId) scope = null;
  else if (viewer.role === 'ADMIN' || viewer.role === 'STAFF' || viewer.role === 'ANALYST') scope = viewer.region;
  else throw forbidden("A unit's figures are for its handlers, staff, analysts and admins.");
  if (!isId(unitId)) return Promise.resolve(toStats(undefined, year, { regionCode: scope, unitId }));
  return ctx.loaders
    .get<string, SuggestionStatsValue>(`GovernmentUnit.suggestionStats.${year}.${scope ?? '*'}`, async (ids) => {
      const rows = await unitYearCounts(readDb(ctx.em), 'rollups', ids, scope, year, measuredOn(ctx, year));
      const byKey = new Map(rows.map((r) => [r.key, r]));
      return ids.map((id) => toStats(byKey.get(id), year, { regionCode: scope, unitId: id }));
    })
    .load(unitId);
}

/**
 * unitRanking (S-8): lead units of a region subtree by assessment score, best first; one grouped scan.
 * A unit with nothing to count (no reply and no rating yet) is left out rather than ranked last.
 */
export async function unitRanking(ctx: ServiceContext, regionCode: string, year: number): Promise<UnitRankingValue[]> {
  const weights = assessmentWeightsOf(ctx);
  const code = requireRegionCode(regionCode, 'regionCode');
  if (!Number.isInteger(year)) throw badInput('`year` must be a calendar year.', 'year');
  requireYear(year);
  requireReadIn(ctx.viewer, code, 'unit rankings');
  const rows = (await byUnitCounts(readDb(ctx.em), 'rollups', code, year, year, measuredOn(ctx, year))).filter(
    (r) => !isEmpty(r),
  );
  return rows
    .flatMap((row) => {
      const stats = toStats(row, year, { regionCode: code, unitId: row.key });
      const rates = assessedRates(stats, Number(row.solved));
      const score = assessmentScore(rates, weights);
      return score === null ? [] : [{ unitId: row.key, stats, score, ...rates }];
    })
    .sort((a, b) => b.score - a.score || b.stats.total - a.stats.total || (a.unitId < b.unitId ? -1 : 1));
}

/** One period and level (and, split by topic, category) of a subtree's handling figures (F-1 to F-4, S-11). */
export interface SuggestionFigures {
  regionCode: string;
  period: FigurePeriod;
  level: RegionLevel;
  category: string | null;
  registered: number;
  keyItems: number;
  replied: number;
  onTime: Ratio;
  overdue: number;
  satisfaction: Ratio;
  resolution: Ratio;
  coercionRisks: number;
}

function toFigures(
  regionCode: string,
  period: FigurePeriod,
  level: RegionLevel,
  category: string | null,
  r: PeriodCounts | undefined,
): SuggestionFigures {
  const n = (k: keyof Counts) => Number(r?.[k] ?? 0);
  return {
    regionCode,
    period,
    level,
    category,
    registered: n('total'),
    keyItems: n('key_items'),
    replied: n('replied_by'),
    onTime: ratio(n('replied_on_time_by'), n('replied_by')),
    overdue: n('overdue'),
    satisfaction: satisfaction(n('satisfied'), n('basically_satisfied'), n('evaluated')),
    resolution: ratio(n('solved_by'), n('replied_by')),
    coercionRisks: n('coercion_risks'),
  };
}

/** S-11: a category asked for, trimmed; `''` asks for the items without one. */
function categoryArg(category: string | null | undefined): string | null {
  if (category === null || category === undefined) return null;
  if (category.length > 50) throw badInput('`category` is at most 50 characters.', 'category');
  return category.trim();
}

/**
 * Region.suggestionFigures: items registered in each period (a month by the registration date in
 * Asia/Shanghai), split by the level of the region they are registered in (F-3). Replies count when
 * given by the period's measuring day; "overdue" is measured on that day (F-1). Read from the rollups:
 * every region asked with the same arguments in one request shares one statement. `category` (S-11)
 * keeps the items of one topic.
 */
export async function suggestionFigures(
  ctx: ServiceContext,
  regionCode: string,
  args: FigureArgs & { category?: string | null },
): Promise<SuggestionFigures[]> {
  const code = requireRegionCode(regionCode, 'code');
  const periods = figurePeriods(ctx.clock, args);
  const category = categoryArg(args.category);
  requireReadIn(ctx.viewer, code, 'suggestion statistics');
  const rows = await ctx.loaders
    .get<string, PeriodCounts[]>(
      `${figuresLoaderKey('Region.suggestionFigures', args)}|${category ?? '*'}`,
      async (codes) => {
        const all = await periodCounts(readDb(ctx.em), 'rollups', codes, periods, { category });
        return codes.map((c) => all.filter((r) => r.key === c));
      },
    )
    .load(code);
  return figureMatrix(code, periods, args, rows, (period, level, r) => toFigures(code, period, level, category, r));
}

/**
 * S-11 Region.suggestionFiguresByCategory: the same figures split by category as well, one row per period,
 * level and category that has items in the period (items without a category under a null category).
 */
export async function suggestionFiguresByCategory(
  ctx: ServiceContext,
  regionCode: string,
  args: FigureArgs,
): Promise<SuggestionFigures[]> {
  const code = requireRegionCode(regionCode, 'code');
  const periods = figurePeriods(ctx.clock, args);
  requireReadIn(ctx.viewer, code, 'suggestion statistics');
  const rows = (await periodCounts(readDb(ctx.em), 'rollups', [code], periods, { byCategory: true })).filter(
    (r) => !isEmpty(r) && (!args.level || r.level === args.level),
  );
  const levelOrder = ['PROVINCE', 'CITY', 'COUNTY', 'TOWNSHIP'];
  return rows
    .sort(
      (a, b) =>
        Number(a.i) - Number(b.i) ||
        levelOrder.indexOf(a.level) - levelOrder.indexOf(b.level) ||
        (a.category ?? '').localeCompare(b.category ?? ''),
    )
    .map((r) => toFigures(code, periods[Number(r.i)]!, r.level, r.category ?? null, r));
}

/** 超期 overdue items of one lead unit over a span of registration years (S-8, S-11). */
export interface UnitOverdueValue {
  unitId: string;
  from: number;
  to: number;
  measuredOn: string;
  registered: number;
  replied: number;
  overdue: number;
}

/**
 * Region.overdueByUnit: for items of the subtree registered in years `from`..`to`, per lead unit, how many
 * were overdue on `asOf` (default today; F-1), most overdue first; units with none are left out.
 */
export async function overdueByUnit(
  ctx: ServiceContext,
  regionCode: string,
  args: { from: number; to: number; asOf?: string | null },
): Promise<UnitOverdueValue[]> {
  const code = requireRegionCode(regionCode, 'code');
  const periods = figurePeriods(ctx.clock, { from: args.from, to: args.to, asOf: args.asOf });
  requireReadIn(ctx.viewer, code, 'suggestion statistics');
  const on = args.asOf ?? today(ctx.clock);
  const rows = await byUnitCounts(readDb(ctx.em), 'rollups', code, periods[0]!.year, args.to, on);
  return rows
    .filter((r) => Number(r.overdue) > 0)
    .map((r) => ({
      unitId: r.key,
      from: args.from,
      to: args.to,
      measuredOn: on,
      registered: Number(r.total),
      replied: Number(r.replied_by),
      overdue: Number(r.overdue),
    }))
    .sort((a, b) => b.overdue - a.overdue || (a.unitId < b.unitId ? -1 : 1));
}

/**
 * Keys (scope, year, lead unit) of the unit grain whose counters differ from the live aggregate, for
 * operators after a bulk load and for tests; empty when the rollups are right.
 */
export async function rollupDrift(em: ServiceContext['em']): Promise<Record<string, unknown>[]> {
  const db = primaryDb(em);
  const years = await rollupYears(db);
  const drift: Record<string, unknown>[] = [];
  const codes = await rollupScopes(db);
  for (const { year } of years) {
    for (const on of [`${year}-12-31`, `${year + 1}-06-30`]) {
      const all = codes.map((c) => c.code);
      if (!all.length) continue;
      const [live, rolled] = [
        await regionYearCounts(db, 'live', all, year, on),
        await regionYearCounts(db, 'rollups', all, year, on),
      ];
      const byKey = new Map(live.map((r) => [r.key, r]));
      for (const r of rolled)
        if (!sameCounts(r, byKey.get(r.key))) drift.push({ year, on, code: r.key, live: byKey.get(r.key), rolled: r });
    }
  }
  return drift;
}

/** Whether two rows hold the same counters. */
export function sameCounts(a: Partial<Counts> | undefined, b: Partial<Counts> | undefined): boolean {
  return countNames.every((n) => Number(a?.[n] ?? 0) === Number(b?.[n] ?? 0));
}
