import { requireReadIn, requireViewer } from '@renda/auth/guards';
import { badInput, forbidden } from '@renda/errors/errors';
import { isId } from '@renda/db/ids';
import type { ServiceContext } from '@renda/server-kit/context';
import { today } from '@renda/server-kit/dates';
import {
  figurePeriods,
  legacyRate,
  levelOfCodeSql,
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
import { readKnex } from '@renda/db/replicas';

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

/**
 * S-8: the figures as SQL aggregates over the per-item facts kept on each row (current round's reply,
 * latest evaluation's result and risk), so a subtree is one index-only range scan of
 * (year, region_code varchar_pattern_ops) — no rows travel to Node. The two `?` are the day "overdue"
 * is measured on: the year's last day for a past year, today for the current one (F-1).
 */
const aggregates = `
  count(*)::int as total,
  count(*) filter (where s.is_key)::int as key_items,
  count(s.reply_category)::int as replied,
  count(*) filter (where s.reply_on_time)::int as replied_on_time,
  count(*) filter (where s.reply_due_on < ?::date and (s.replied_on is null or s.replied_on > ?::date))::int as overdue,
  count(s.latest_result)::int as evaluated,
  count(*) filter (where s.latest_result = 'SATISFIED')::int as satisfied,
  count(*) filter (where s.latest_result = 'BASICALLY_SATISFIED')::int as basically_satisfied,
  count(*) filter (where s.latest_result = 'DISSATISFIED')::int as dissatisfied,
  count(*) filter (where s.reply_category = 'SOLVED')::int as solved,
  count(*) filter (where s.coercion_risk)::int as coercion_risks`;

interface AggregateRow {
  key: string;
  total: number;
  key_items: number;
  replied: number;
  replied_on_time: number;
  overdue: number;
  evaluated: number;
  satisfied: number;
  basically_satisfied: number;
  dissatisfied: number;
  solved: number;
  coercion_risks: number;
}

/** F-1: the day a year's "overdue" is measured on: its last day, or today while it lasts. */
function measuredOn(ctx: ServiceContext, year: number): string {
  const on = today(ctx.clock);
  const end = `${year}-12-31`;
  return on < end ? on : end;
}

function toStats(row: AggregateRow | undefined, year: number, scope: { regionCode: string | null; unitId: string | null }): SuggestionStatsValue {
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
export function assessmentScore(rates: AssessedRates, weights: AssessmentWeights = defaultAssessmentWeights): number | null {
  const parts = [
    [rates.onTime.rate, weights.onTime],
    [rates.satisfaction.rate, weights.satisfaction],
    [rates.resolution.rate, weights.resolution],
  ].filter((p): p is [number, number] => p[0] !== null);
  const weight = parts.reduce((t, [, w]) => t + w, 0);
  if (weight === 0) return null;
  return Math.round((parts.reduce((t, [r, w]) => t + r * w, 0) / weight) * 100 * 100) / 100;
}

/** Statistics read through a replica when one is configured and the request has not written (readKnex). */
async function run(ctx: ServiceContext, sql: string, params: unknown[]): Promise<AggregateRow[]> {
  return ((await readKnex(ctx.em).raw(sql, params as never[])) as { rows: AggregateRow[] }).rows;
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
      const on = measuredOn(ctx, year);
      const parts = codes.map(() => `(select ?::text as key, ${aggregates} from "suggestions"."suggestions" s where s.year = ? and s.region_code like ?)`);
      const rows = await run(ctx, parts.join(' union all '), codes.flatMap((c) => [c, on, on, year, `${c}%`]));
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
      const on = measuredOn(ctx, year);
      const regionClause = scope ? ' and s.region_code like ?' : '';
      const parts = ids.map(() => `(select ?::text as key, ${aggregates} from "suggestions"."suggestions" s where s.lead_unit_id = ? and s.year = ?${regionClause})`);
      const rows = await run(ctx, parts.join(' union all '), ids.flatMap((id) => [id, on, on, id, year, ...(scope ? [`${scope}%`] : [])]));
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
  const rows = await run(
    ctx,
    `select s.lead_unit_id::text as key, ${aggregates} from "suggestions"."suggestions" s
     where s.year = ? and s.region_code like ? and s.lead_unit_id is not null group by s.lead_unit_id`,
    [measuredOn(ctx, year), measuredOn(ctx, year), year, `${code}%`],
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

/** One period and level of a subtree's handling figures (F-1 to F-4). */
export interface SuggestionFigures {
  regionCode: string;
  period: FigurePeriod;
  level: RegionLevel;
  registered: number;
  keyItems: number;
  replied: number;
  onTime: Ratio;
  overdue: number;
  satisfaction: Ratio;
  resolution: Ratio;
  coercionRisks: number;
}


interface FigureRow {
  key: string;
  i: number;
  level: RegionLevel;
  total: number;
  key_items: number;
  replied: number;
  replied_on_time: number;
  overdue: number;
  evaluated: number;
  satisfied: number;
  basically_satisfied: number;
  solved: number;
  coercion_risks: number;
}

/**
 * Region.suggestionFigures: items registered in each period (a month by the registration date in
 * Asia/Shanghai), split by the level of the region they are registered in (F-3). Replies count when
 * given by the period's measuring day; "overdue" is measured on that day (F-1). Every region asked with
 * the same arguments in one request shares one statement: a `union all` of one range scan per region.
 */
export async function suggestionFigures(ctx: ServiceContext, regionCode: string, args: FigureArgs): Promise<SuggestionFigures[]> {
  const code = requireRegionCode(regionCode, 'code');
  const periods = figurePeriods(ctx.clock, args);
  requireReadIn(ctx.viewer, code, 'suggestion statistics');
  const rows = await ctx.loaders
    .get<string, FigureRow[]>(figuresLoaderKey('Region.suggestionFigures', args), async (codes) => {
      const values = periods.map(() => '(?::int, ?::int, ?::int, ?::date)').join(', ');
      const params: unknown[] = periods.flatMap((p, i) => [i, p.year, p.month ?? 0, p.measuredOn]);
      const month = `extract(month from s.registered_at at time zone 'Asia/Shanghai')::int`;
      const parts = codes.map((c) => {
        params.push(c, args.from, args.to, `${c}%`);
        return `select ?::text as key, p.i, ${levelOfCodeSql('s.region_code')} as level,
          count(*)::int as total,
          count(*) filter (where s.is_key)::int as key_items,
          count(*) filter (where s.replied_on <= p.measured_on)::int as replied,
          count(*) filter (where s.reply_on_time and s.replied_on <= p.measured_on)::int as replied_on_time,
          count(*) filter (where s.reply_due_on < p.measured_on and (s.replied_on is null or s.replied_on > p.measured_on))::int as overdue,
          count(s.latest_result)::int as evaluated,
          count(*) filter (where s.latest_result = 'SATISFIED')::int as satisfied,
          count(*) filter (where s.latest_result = 'BASICALLY_SATISFIED')::int as basically_satisfied,
          count(*) filter (where s.reply_category = 'SOLVED' and s.replied_on <= p.measured_on)::int as solved,
          count(*) filter (where s.coercion_risk)::int as coercion_risks
        from "suggestions"."suggestions" s
        join periods p on p.year = s.year and (p.month = 0 or p.month = ${month})
        where s.year between ? and ? and s.region_code like ?
        group by p.i, level`;
      });
      const sql = `with periods(i, year, month, measured_on) as (values ${values}) ${parts.join(' union all ')}`;
      const all = await run(ctx, sql, params);
      return codes.map((c) => (all as unknown as FigureRow[]).filter((r) => r.key === c));
    })
    .load(code);
  return figureMatrix(code, periods, args, rows, (period, level, r) => {
    const n = (k: keyof FigureRow) => Number(r?.[k] ?? 0);
    return {
      regionCode: code,
      period,
      level,
      registered: n('total'),
      keyItems: n('key_items'),
      replied: n('replied'),
      onTime: ratio(n('replied_on_time'), n('replied')),
      overdue: n('overdue'),
      satisfaction: satisfaction(n('satisfied'), n('basically_satisfied'), n('evaluated')),
      resolution: ratio(n('solved'), n('replied')),
      coercionRisks: n('coercion_risks'),
    };
  });
}

/** The counters kept in `suggestion_rollups` (the day-independent counts of `aggregates`). */
const rollupCounters = [
  ['items', 'total'],
  ['key_items', 'key_items'],
  ['replied', 'replied'],
  ['replied_on_time', 'replied_on_time'],
  ['evaluated', 'evaluated'],
  ['satisfied', 'satisfied'],
  ['basically_satisfied', 'basically_satisfied'],
  ['dissatisfied', 'dissatisfied'],
  ['solved', 'solved'],
  ['coercion_risks', 'coercion_risks'],
] as const;

/**
 * S-8 counters of a subtree and year read from the rollups kept by the trigger of migration
 * 20261130123000 (one row per year × region × lead unit), for the benchmark next to the live scan.
 */
export async function rollupCounts(em: ServiceContext['em'], regionCode: string, year: number): Promise<Record<string, number>> {
  const code = requireRegionCode(regionCode, 'code');
  const [row] = await em.getConnection().execute<Record<string, number>[]>(
    `select ${rollupCounters.map(([c, as]) => `coalesce(sum("${c}"), 0)::int as ${as}`).join(', ')}
     from "suggestions"."suggestion_rollups" where "year" = ? and "region_code" like ?`,
    [year, `${code}%`],
  );
  return row!;
}

/**
 * Keys (year, region, lead unit) whose rollup counters differ from the live aggregate the figures use;
 * empty when the counters are right. For tests and operators after bulk loads.
 */
export async function rollupDrift(em: ServiceContext['em']): Promise<Record<string, unknown>[]> {
  return em.getConnection().execute<Record<string, unknown>[]>(
    `with live as (select s.year, s.region_code, s.lead_unit_id, ${aggregates}
       from "suggestions"."suggestions" s group by s.year, s.region_code, s.lead_unit_id)
     select coalesce(l.year, r.year) as year, coalesce(l.region_code, r.region_code) as region_code,
       coalesce(l.lead_unit_id, r.lead_unit_id) as lead_unit_id
     from live l full join "suggestions"."suggestion_rollups" r
       on r.year = l.year and r.region_code = l.region_code and r.lead_unit_id is not distinct from l.lead_unit_id
     where ${rollupCounters.map(([c, as]) => `coalesce(l.${as}, 0) <> coalesce(r."${c}", 0)`).join(' or ')}`,
    ['2000-01-01', '2000-01-01'],
  );
}

/** The same counters as `rollupCounts`, scanned live from the items (the figures' own aggregate). */
export async function liveCounts(em: ServiceContext['em'], regionCode: string, year: number): Promise<Record<string, number>> {
  const code = requireRegionCode(regionCode, 'code');
  const [row] = await em.getConnection().execute<AggregateRow[]>(
    `select ${aggregates} from "suggestions"."suggestions" s where s.year = ? and s.region_code like ?`,
    ['2000-01-01', '2000-01-01', year, `${code}%`],
  );
  return Object.fromEntries(rollupCounters.map(([, as]) => [as, Number(row?.[as] ?? 0)]));
}
