import type { EntityManager } from '@mikro-orm/postgresql';
import { levelOfCodeSql, type FigurePeriod } from '@renda/server-kit/figures';
import type { RegionLevel } from '@renda/server-kit/validate';

/**
 * Every statement of the handling figures (S-8, S-11, F-1 to F-4), in two forms that must agree:
 * `rollups` (what the API reads: the tables kept by the trigger of Migration20261130144000, an equality
 * lookup of the subtree) and `live` (the aggregate over the items themselves: what the rollups are
 * checked against by the property test and the benchmark). Both return the same rows.
 */
export type Source = 'rollups' | 'live';

/** Handling counters of one scope; `overdue` and the `*_by` reply counts are measured on a day. */
export interface Counts {
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
  /** Replies given by the measuring day (F-1), with how many of them on time and solved. */
  replied_by: number;
  replied_on_time_by: number;
  solved_by: number;
}

export const countNames = [
  'total',
  'key_items',
  'replied',
  'replied_on_time',
  'overdue',
  'evaluated',
  'satisfied',
  'basically_satisfied',
  'dissatisfied',
  'solved',
  'coercion_risks',
  'replied_by',
  'replied_on_time_by',
  'solved_by',
] as const;

/** One period (index `i` of the periods asked), level and, for topics, category of a subtree. */
export interface PeriodCounts extends Counts {
  i: number;
  level: RegionLevel;
  category?: string | null;
}

type Conn = ReturnType<EntityManager['getConnection']>;

/** The live aggregate over items `s`, measured on the SQL date expression `on`. */
const live = (on: string) => `
  count(*)::int as total,
  count(*) filter (where s.is_key)::int as key_items,
  count(s.reply_category)::int as replied,
  count(*) filter (where s.reply_on_time)::int as replied_on_time,
  count(*) filter (where s.reply_due_on < ${on} and (s.replied_on is null or s.replied_on > ${on}))::int as overdue,
  count(s.latest_result)::int as evaluated,
  count(*) filter (where s.latest_result = 'SATISFIED')::int as satisfied,
  count(*) filter (where s.latest_result = 'BASICALLY_SATISFIED')::int as basically_satisfied,
  count(*) filter (where s.latest_result = 'DISSATISFIED')::int as dissatisfied,
  count(*) filter (where s.reply_category = 'SOLVED')::int as solved,
  count(*) filter (where s.coercion_risk)::int as coercion_risks,
  count(*) filter (where s.replied_on <= ${on})::int as replied_by,
  count(*) filter (where s.reply_on_time and s.replied_on <= ${on})::int as replied_on_time_by,
  count(*) filter (where s.reply_category = 'SOLVED' and s.replied_on <= ${on})::int as solved_by`;

const staticNames: Record<string, string> = {
  total: 'items',
  key_items: 'key_items',
  replied: 'replied',
  replied_on_time: 'replied_on_time',
  evaluated: 'evaluated',
  satisfied: 'satisfied',
  basically_satisfied: 'basically_satisfied',
  dissatisfied: 'dissatisfied',
  solved: 'solved',
  coercion_risks: 'coercion_risks',
};
const eventNames = ['overdue', 'replied_by', 'replied_on_time_by', 'solved_by'];

/**
 * Rollup rows of `table` matching `where` that make the state on the SQL date `on`: the day-independent `T`
 * rows, the event months before `on`'s month and the event days of that month up to `on` — three index
 * ranges of (scope_code, year, span, bucket), so the days of other months are never read. `where` and `on`
 * appear three times: their parameters are repeated by `thrice`.
 */
const windowed = (table: string, where: string, on: string) => {
  const month = `date_trunc('month', (${on})::timestamp)::date`;
  const from = `"suggestions"."suggestion_rollups_${table}" w`;
  return `(select w.* from ${from} where ${where} and w.span = 'T'
    union all select w.* from ${from} where ${where} and w.span = 'M' and w.bucket < ${month}
    union all select w.* from ${from} where ${where} and w.span = 'D' and w.bucket >= ${month} and w.bucket <= ${on})`;
};
const thrice = (params: unknown[], onParams: unknown[] = []) => [
  ...params,
  ...params,
  ...onParams,
  ...params,
  ...onParams,
  ...onParams,
];

const rolled = `${Object.entries(staticNames)
  .map(([as, c]) => `coalesce(sum(r."${c}") filter (where r.span = 'T'), 0)::int as ${as}`)
  .join(
    ', ',
  )}, ${eventNames.map((c) => `coalesce(sum(r."${c}") filter (where r.span <> 'T'), 0)::int as ${c}`).join(', ')}`;

async function run<T>(conn: Conn, sql: string, params: unknown[]): Promise<T[]> {
  return conn.execute<T[]>(sql, params as never[]);
}

/**
 * A rollup read. (Not in a transaction with parallel workers switched off, though starting them costs more
 * than reading a few thousand rows: the embedded PGlite server refuses a transaction beside other queries.)
 */
const read = run;

/** Items registered in `year` in each subtree `codes`, overdue measured on `on`. */
export function regionYearCounts(
  conn: Conn,
  source: Source,
  codes: readonly string[],
  year: number,
  on: string,
): Promise<Counts[]> {
  if (source === 'live') {
    const parts = codes.map(
      () =>
        `(select ?::text as key, ${live('?::date')} from "suggestions"."suggestions" s where s.year = ? and s.region_code like ? and s.withdrawn_at is null)`,
    );
    return run(
      conn,
      parts.join(' union all '),
      codes.flatMap((c) => [c, ...Array(5).fill(on), year, `${c}%`]),
    );
  }
  const parts = codes.map(
    () => `(select ?::text as key, ${rolled} from ${windowed('unit', 'w.scope_code = ? and w.year = ?', '?::date')} r)`,
  );
  return read(
    conn,
    parts.join(' union all '),
    codes.flatMap((c) => [c, ...thrice([c, year], [on])]),
  );
}

/**
 * Items led by each unit and registered in `year`, in the subtree `scope` (null: everywhere), measured on `on`.
 */
export function unitYearCounts(
  conn: Conn,
  source: Source,
  ids: readonly string[],
  scope: string | null,
  year: number,
  on: string,
): Promise<Counts[]> {
  if (source === 'live') {
    const regionClause = scope ? ' and s.region_code like ?' : '';
    const parts = ids.map(
      () =>
        `(select ?::text as key, ${live('?::date')} from "suggestions"."suggestions" s where s.lead_unit_id = ? and s.year = ? and s.withdrawn_at is null${regionClause})`,
    );
    return run(
      conn,
      parts.join(' union all '),
      ids.flatMap((id) => [id, ...Array(5).fill(on), id, year, ...(scope ? [`${scope}%`] : [])]),
    );
  }
  const scopeClause = scope ? 'w.scope_code = ?' : 'length(w.scope_code) = 2';
  const parts = ids.map(
    () =>
      `(select ?::text as key, ${rolled} from ${windowed('unit', `w.lead_unit_id = ? and w.year = ? and ${scopeClause}`, '?::date')} r)`,
  );
  return read(
    conn,
    parts.join(' union all '),
    ids.flatMap((id) => [id, ...thrice([id, year, ...(scope ? [scope] : [])], [on])]),
  );
}

/** Items of the subtree registered in years `from`..`to`, by lead unit (units only), measured on `on`. */
export function byUnitCounts(
  conn: Conn,
  source: Source,
  code: string,
  from: number,
  to: number,
  on: string,
): Promise<Counts[]> {
  if (source === 'live') {
    return run(
      conn,
      `select s.lead_unit_id::text as key, ${live('?::date')} from "suggestions"."suggestions" s
       where s.year between ? and ? and s.region_code like ? and s.lead_unit_id is not null and s.withdrawn_at is null group by s.lead_unit_id`,
      [...Array(5).fill(on), from, to, `${code}%`],
    );
  }
  return read(
    conn,
    `select r.lead_unit_id::text as key, ${rolled}
     from ${windowed('unit', 'w.scope_code = ? and w.year between ? and ? and w.lead_unit_id is not null', '?::date')} r
     group by r.lead_unit_id`,
    thrice([code, from, to], [on]),
  );
}

/**
 * A series of each subtree `codes`: items registered in each period (a month by the registration date in
 * Asia/Shanghai), by the level of their region, measured on the period's `measuredOn`; `byCategory` also
 * splits by category (S-11), `category` keeps one (`''` for items without one).
 */
export async function periodCounts(
  conn: Conn,
  source: Source,
  codes: readonly string[],
  periods: FigurePeriod[],
  topic: { byCategory?: boolean; category?: string | null } = {},
): Promise<PeriodCounts[]> {
  const values = periods.map(() => '(?::int, ?::int, ?::int, ?::date)').join(', ');
  const params: unknown[] = periods.flatMap((p, i) => [i, p.year, p.month ?? 0, p.measuredOn]);
  const years = [Math.min(...periods.map((p) => p.year)), Math.max(...periods.map((p) => p.year))];
  const oneCategory = topic.category !== undefined && topic.category !== null;
  const topical = topic.byCategory || oneCategory;
  const parts = codes.map((c) => {
    if (source === 'live') {
      params.push(c, ...years, `${c}%`, ...(oneCategory ? [topic.category] : []));
      const month = `extract(month from s.registered_at at time zone 'Asia/Shanghai')::int`;
      return `select ?::text as key, p.i, ${levelOfCodeSql('s.region_code')} as level${topic.byCategory ? ', s.category' : ''},
          ${live('p.measured_on')}
        from "suggestions"."suggestions" s join periods p on p.year = s.year and (p.month = 0 or p.month = ${month})
        where s.year between ? and ? and s.region_code like ? and s.withdrawn_at is null${oneCategory ? ` and coalesce(s.category, '') = ?` : ''}
        group by p.i, level${topic.byCategory ? ', s.category' : ''}`;
    }
    const filter = `w.scope_code = ? and w.year = p.year and (p.month = 0 or w.month = p.month)${oneCategory ? ` and coalesce(w.category, '') = ?` : ''}`;
    params.push(c, ...thrice([c, ...(oneCategory ? [topic.category] : [])]));
    return `select ?::text as key, p.i, r.level${topic.byCategory ? ', r.category' : ''}, ${rolled}
      from periods p cross join lateral ${windowed(topical ? 'topic' : 'period', filter, 'p.measured_on')} r
      group by p.i, r.level${topic.byCategory ? ', r.category' : ''}`;
  });
  const sql = `with periods(i, year, month, measured_on) as (values ${values}) ${parts.join(' union all ')}`;
  return source === 'live' ? run(conn, sql, params) : read(conn, sql, params);
}

/** A row that counts nothing (the rollups keep zeroed rows of keys whose items moved away). */
export const isEmpty = (row: Partial<Counts>) => countNames.every((n) => Number(row[n] ?? 0) === 0);

/** Every grain recomputed from the items (the function of Migration20261130144000). */
export const rebuildRollupsSql = 'select "suggestions"."rebuild_rollups"()';

export async function rebuildRollups(conn: Conn): Promise<void> {
  await conn.execute(rebuildRollupsSql);
}
