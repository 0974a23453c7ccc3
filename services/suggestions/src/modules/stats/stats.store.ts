import type { Knex, SqlEntityManager } from '@mikro-orm/postgresql';
import { readKnex } from '@renda/db/replicas';
import { sqlSchema, sqlTable } from '@renda/db/tables';
import { levelOfCodeSql, rollupWindowParams, rollupWindowSql, type FigurePeriod } from '@renda/server-kit/figures';
import type { RegionLevel } from '@renda/server-kit/validate';
import { SuggestionSchema } from '../suggestions/suggestion.entity.ts';
import { overdueSql } from './overdue.ts';

/**
 * Every statement of the handling figures (S-8, S-11, F-1 to F-4), in two forms that must agree:
 * `rollups` (what the API reads: the tables kept by the trigger of Migration20261130144000, an equality
 * lookup of the subtree) and `live` (the aggregate over the items themselves: what the rollups are
 * checked against by the property test and the benchmark). Both return the same rows. Every statement goes
 * through `knex.raw`, its tables named from the ORM's metadata (the rollup tables, kept by triggers and no
 * entity's, by the schema's name and their own).
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

/** Where a statement runs (`knex`: the primary's, or a replica's) and the metadata its tables are named from. */
export interface Db {
  em: SqlEntityManager;
  knex: Knex;
}

/** The API's reads: a replica when one is configured and the request has not written (`readKnex`). */
export const readDb = (em: SqlEntityManager): Db => ({ em, knex: readKnex(em) });

/** The primary (the drift check, rebuilds, tests). */
export const primaryDb = (em: SqlEntityManager): Db => ({ em, knex: em.getKnex() });

const items = (db: Db) => sqlTable(db.em, SuggestionSchema);
const rollups = (db: Db, grain: string) => `${sqlSchema(db.em)}."suggestion_rollups_${grain}"`;

/** Every rollup table (one per grain). */
export const rollupTables = (db: Db) => ['unit', 'period', 'topic'].map((grain) => rollups(db, grain));

/** The live aggregate over items `s`, measured on the SQL date expression `on`. */
const live = (on: string) => `
  count(*)::int as total,
  count(*) filter (where s.is_key)::int as key_items,
  count(s.reply_category)::int as replied,
  count(*) filter (where s.reply_on_time)::int as replied_on_time,
  count(*) filter (where ${overdueSql('s', on)})::int as overdue,
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
 * Rollup rows of the grain `table` matching `where` that make the state on the SQL date `on`
 * (Migration20261130160000; `rollupWindowSql`): `T` rows, then the year, month and day rows of the events up to it.
 */
const windowed = (db: Db, table: string, where: string, on: string) => rollupWindowSql(rollups(db, table), where, on);
const windowParams = rollupWindowParams;

const rolled = `${Object.entries(staticNames)
  .map(([as, c]) => `coalesce(sum(r."${c}") filter (where r.span = 'T'), 0)::int as ${as}`)
  .join(
    ', ',
  )}, ${eventNames.map((c) => `coalesce(sum(r."${c}") filter (where r.span <> 'T'), 0)::int as ${c}`).join(', ')}`;

/** The subtrees asked, as a CTE `scopes(key)`. */
const scopesCte = (codes: readonly string[]) => `scopes(key) as (values ${codes.map(() => '(?::text)').join(', ')})`;

async function run<T>(db: Db, sql: string, params: unknown[]): Promise<T[]> {
  return ((await db.knex.raw(sql, params as never)) as { rows: T[] }).rows;
}

/**
 * A rollup read: on one process (`suggestions.serial_plan()`, Migration20261130160000: a parallel-unsafe call
 * keeps the planner from starting workers, which cost more than reading a few hundred rows).
 */
const read = <T>(db: Db, sql: string, params: unknown[]) =>
  run<T>(db, `select * from (${sql}) q where ${sqlSchema(db.em)}."serial_plan"()`, params);

/** Items registered in `year` in each subtree `codes`, overdue measured on `on`. */
export function regionYearCounts(
  db: Db,
  source: Source,
  codes: readonly string[],
  year: number,
  on: string,
): Promise<Counts[]> {
  if (source === 'live') {
    const parts = codes.map(
      () =>
        `(select ?::text as key, ${live('?::date')} from ${items(db)} s where s.year = ? and s.region_code like ? and s.withdrawn_at is null)`,
    );
    return run(
      db,
      parts.join(' union all '),
      codes.flatMap((c) => [c, ...Array(5).fill(on), year, `${c}%`]),
    );
  }
  // Every subtree in one lateral read, planned once however many are asked; a row for each, zeros included.
  return read(
    db,
    `with ${scopesCte(codes)} select s.key, ${rolled}
     from scopes s left join lateral ${windowed(db, 'unit', 'w.scope_code = s.key and w.year = ?', '?::date')} r on true
     group by s.key`,
    [...codes, ...windowParams([year], [on])],
  );
}

/**
 * Items led by each unit and registered in `year`, in the subtree `scope` (null: everywhere), measured on `on`.
 */
export function unitYearCounts(
  db: Db,
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
        `(select ?::text as key, ${live('?::date')} from ${items(db)} s where s.lead_unit_id = ? and s.year = ? and s.withdrawn_at is null${regionClause})`,
    );
    return run(
      db,
      parts.join(' union all '),
      ids.flatMap((id) => [id, ...Array(5).fill(on), id, year, ...(scope ? [`${scope}%`] : [])]),
    );
  }
  const scopeClause = scope ? 'w.scope_code = ?' : 'length(w.scope_code) = 2';
  const parts = ids.map(
    () =>
      `(select ?::text as key, ${rolled} from ${windowed(db, 'unit', `w.lead_unit_id = ? and w.year = ? and ${scopeClause}`, '?::date')} r)`,
  );
  return read(
    db,
    parts.join(' union all '),
    ids.flatMap((id) => [id, ...windowParams([id, year, ...(scope ? [scope] : [])], [on])]),
  );
}

/** Items of the subtree registered in years `from`..`to`, by lead unit (units only), measured on `on`. */
export function byUnitCounts(
  db: Db,
  source: Source,
  code: string,
  from: number,
  to: number,
  on: string,
): Promise<Counts[]> {
  if (source === 'live') {
    return run(
      db,
      `select s.lead_unit_id::text as key, ${live('?::date')} from ${items(db)} s
       where s.year between ? and ? and s.region_code like ? and s.lead_unit_id is not null and s.withdrawn_at is null group by s.lead_unit_id`,
      [...Array(5).fill(on), from, to, `${code}%`],
    );
  }
  // The years as a list of equalities (not `between`): the index ranges stay narrow on (span, bucket) after them.
  const years = Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
  if (!years.length) return Promise.resolve([]);
  return read(
    db,
    `select r.lead_unit_id::text as key, ${rolled}
     from ${windowed(db, 'unit', `w.scope_code = ? and w.year in (${years.map(() => '?').join(', ')}) and w.lead_unit_id is not null`, '?::date')} r
     group by r.lead_unit_id`,
    windowParams([code, ...years], [on]),
  );
}

/**
 * A series of each subtree `codes`: items registered in each period (a month by the registration date in
 * Asia/Shanghai), by the level of their region, measured on the period's `measuredOn`; `byCategory` also
 * splits by category (S-11), `category` keeps one (`''` for items without one).
 */
export async function periodCounts(
  db: Db,
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
  const periodsCte = `periods(i, year, month, measured_on) as (values ${values})`;
  if (source === 'live') {
    const parts = codes.map((c) => {
      params.push(c, ...years, `${c}%`, ...(oneCategory ? [topic.category] : []));
      const month = `extract(month from s.registered_at at time zone 'Asia/Shanghai')::int`;
      return `select ?::text as key, p.i, ${levelOfCodeSql('s.region_code')} as level${topic.byCategory ? ', s.category' : ''},
          ${live('p.measured_on')}
        from ${items(db)} s join periods p on p.year = s.year and (p.month = 0 or p.month = ${month})
        where s.year between ? and ? and s.region_code like ? and s.withdrawn_at is null${oneCategory ? ` and coalesce(s.category, '') = ?` : ''}
        group by p.i, level${topic.byCategory ? ', s.category' : ''}`;
    });
    return run(db, `with ${periodsCte} ${parts.join(' union all ')}`, params);
  }
  // Every subtree in one lateral read, planned once however many are asked.
  const filter = `w.scope_code = s.key and w.year = p.year and (p.month = 0 or w.month = p.month)${oneCategory ? ` and coalesce(w.category, '') = ?` : ''}`;
  return read(
    db,
    `with ${periodsCte}, ${scopesCte(codes)}
      select s.key, p.i, r.level${topic.byCategory ? ', r.category' : ''}, ${rolled}
      from periods p cross join scopes s cross join lateral ${windowed(db, topical ? 'topic' : 'period', filter, 'p.measured_on')} r
      group by s.key, p.i, r.level${topic.byCategory ? ', r.category' : ''}`,
    [...params, ...codes, ...windowParams(oneCategory ? [topic.category] : [])],
  );
}

/** A row that counts nothing (the rollups keep zeroed rows of keys whose items moved away). */
export const isEmpty = (row: Partial<Counts>) => countNames.every((n) => Number(row[n] ?? 0) === 0);

/** Every grain recomputed from the items (the function of Migration20261130144000). */
export async function rebuildRollups(db: Db): Promise<void> {
  await db.knex.raw(`select ${sqlSchema(db.em)}."rebuild_rollups"()`);
}

/**
 * The rebuild of `rollups:rebuild`, in one transaction on the primary: writes to the items wait until it commits
 * (a SHARE lock), so none falls between the recount and the switch; reads go on. Returns the items counted.
 */
export function rebuildRollupsLocked(em: SqlEntityManager): Promise<number> {
  return em.getKnex().transaction(async (trx) => {
    const db: Db = { em, knex: trx };
    await db.knex.raw(`lock table ${items(db)} in share mode`);
    await rebuildRollups(db);
    const [row] = await run<{ n: number }>(db, `select count(*)::int as n from ${items(db)}`, []);
    return row?.n ?? 0;
  });
}

/** The years of the items and of the unit grain (the drift check's years). */
export function rollupYears(db: Db): Promise<{ year: number }[]> {
  return run(db, `select distinct year from ${items(db)} union select distinct year from ${rollups(db, 'unit')}`, []);
}

/** Every scope of the unit grain and every prefix of the items' regions (the drift check's scopes). */
export function rollupScopes(db: Db): Promise<{ code: string }[]> {
  return run(
    db,
    `select distinct scope_code as code from ${rollups(db, 'unit')}
     union select distinct left(s.region_code, n) from ${items(db)} s, unnest(array[2, 4, 6, 9]) n where n <= length(s.region_code)`,
    [],
  );
}
