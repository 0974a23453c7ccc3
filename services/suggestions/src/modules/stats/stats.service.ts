import { requireReadIn, requireViewer } from '@renda/auth/guards';
import { badInput, forbidden } from '@renda/errors/errors';
import { isId } from '@renda/db/ids';
import type { ServiceContext } from '@renda/server-kit/context';
import { today } from '@renda/server-kit/dates';
import { requireRegionCode, requireYear } from '@renda/server-kit/validate';

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

export interface UnitRankingValue {
  unitId: string;
  stats: SuggestionStatsValue;
  score: number;
}

/**
 * S-8: the figures as SQL aggregates over the per-item facts kept on each row (current round's reply,
 * latest evaluation's result and risk), so a subtree is one index-only range scan of
 * (year, region_code varchar_pattern_ops) — no rows travel to Node. `?` is today's date.
 */
const aggregates = `
  count(*)::int as total,
  count(*) filter (where s.is_key)::int as key_items,
  count(s.reply_category)::int as replied,
  count(*) filter (where s.reply_on_time)::int as replied_on_time,
  count(*) filter (where s.reply_category is null and s.reply_due_on < ?)::int as overdue,
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

const rate = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000);

function toStats(row: AggregateRow | undefined, year: number, scope: { regionCode: string | null; unitId: string | null }): SuggestionStatsValue {
  const n = (k: keyof AggregateRow) => Number(row?.[k] ?? 0);
  return {
    ...scope,
    year,
    total: n('total'),
    keyItems: n('key_items'),
    replied: n('replied'),
    repliedOnTime: n('replied_on_time'),
    onTimeRate: rate(n('replied_on_time'), n('replied')),
    overdue: n('overdue'),
    evaluated: n('evaluated'),
    satisfied: n('satisfied'),
    basicallySatisfied: n('basically_satisfied'),
    dissatisfied: n('dissatisfied'),
    satisfactionRate: rate(n('satisfied') + n('basically_satisfied'), n('evaluated')),
    resolutionRate: rate(n('solved'), n('replied')),
    coercionRisks: n('coercion_risks'),
  };
}

/**
 * S-8 assessment score, 0-100: 40 × onTimeRate + 40 × satisfactionRate + 20 × resolutionRate.
 * Timeliness and the deputies' satisfaction weigh most; solving (A replies) adds the rest.
 */
export function assessmentScore(stats: Pick<SuggestionStatsValue, 'onTimeRate' | 'satisfactionRate' | 'resolutionRate'>): number {
  return Math.round((40 * stats.onTimeRate + 40 * stats.satisfactionRate + 20 * stats.resolutionRate) * 100) / 100;
}

async function run(ctx: ServiceContext, sql: string, params: unknown[]): Promise<AggregateRow[]> {
  return ctx.em.getConnection().execute<AggregateRow[]>(sql, params as never[]);
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
      const on = today(ctx.clock);
      const parts = codes.map(() => `(select ?::text as key, ${aggregates} from "suggestions"."suggestions" s where s.year = ? and s.region_code like ?)`);
      const rows = await run(ctx, parts.join(' union all '), codes.flatMap((c) => [c, on, year, `${c}%`]));
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
      const on = today(ctx.clock);
      const regionClause = scope ? ' and s.region_code like ?' : '';
      const parts = ids.map(() => `(select ?::text as key, ${aggregates} from "suggestions"."suggestions" s where s.lead_unit_id = ? and s.year = ?${regionClause})`);
      const rows = await run(ctx, parts.join(' union all '), ids.flatMap((id) => [id, on, id, year, ...(scope ? [`${scope}%`] : [])]));
      const byKey = new Map(rows.map((r) => [r.key, r]));
      return ids.map((id) => toStats(byKey.get(id), year, { regionCode: scope, unitId: id }));
    })
    .load(unitId);
}

/** unitRanking (S-8): lead units of a region subtree by assessment score, best first; one grouped scan. */
export async function unitRanking(ctx: ServiceContext, regionCode: string, year: number): Promise<UnitRankingValue[]> {
  const code = requireRegionCode(regionCode, 'regionCode');
  if (!Number.isInteger(year)) throw badInput('`year` must be a calendar year.', 'year');
  requireYear(year);
  requireReadIn(ctx.viewer, code, 'unit rankings');
  const rows = await run(
    ctx,
    `select s.lead_unit_id::text as key, ${aggregates} from "suggestions"."suggestions" s
     where s.year = ? and s.region_code like ? and s.lead_unit_id is not null group by s.lead_unit_id`,
    [today(ctx.clock), year, `${code}%`],
  );
  return rows
    .map((row) => {
      const stats = toStats(row, year, { regionCode: code, unitId: row.key });
      return { unitId: row.key, stats, score: assessmentScore(stats) };
    })
    .sort((a, b) => b.score - a.score || b.stats.total - a.stats.total || (a.unitId < b.unitId ? -1 : 1));
}
