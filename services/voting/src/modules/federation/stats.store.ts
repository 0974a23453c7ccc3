import type { Knex, SqlEntityManager } from '@mikro-orm/postgresql';
import { readKnex } from '@renda/db/replicas';
import { sqlSchema, sqlTable } from '@renda/db/tables';
import { addDays, startOfDay } from '@renda/server-kit/dates';
import { levelOfLengthSql, type FigurePeriod } from '@renda/server-kit/figures';
import { regionLevelOf, type RegionLevel } from '@renda/server-kit/validate';
import { BallotSchema } from '../ballots/ballot.entity.ts';
import { EvaluationRoundSchema, EvaluationTallySchema } from '../evaluations/evaluation.entity.ts';
import { ProgramSchema } from '../programs/program.entity.ts';
import { ProjectSchema } from '../projects/project.entity.ts';

/**
 * The statements of the voting statistics (`votingStats`, `votingFigures`), each table named from the ORM's
 * metadata. The service keeps the rules (the rates, the denominators from the deputies subgraph).
 */
const tables = (em: SqlEntityManager) => ({
  programs: sqlTable(em, ProgramSchema),
  projects: sqlTable(em, ProjectSchema),
  ballots: sqlTable(em, BallotSchema),
  rounds: sqlTable(em, EvaluationRoundSchema),
  tallies: sqlTable(em, EvaluationTallySchema),
});

/**
 * V-5: one row per `code|year` key, aggregates over the region-code prefix (D-1). The prefix is inlined (a
 * validated string of digits) so the varchar_pattern_ops indexes serve it; one statement for every key.
 * Read through a replica when one is configured and the request has not written.
 */
export async function statsRows(em: SqlEntityManager, keys: readonly string[]): Promise<Record<string, unknown>[]> {
  const t = tables(em);
  const parts = keys.map((k) => {
    const [c, y] = k.split('|');
    if (!regionLevelOf(c!) || !/^\d{4}$/.test(y!)) throw new Error('invalid statistics key');
    const like = `'${c}%'`;
    const elected = `('ELECTED', 'IN_PROGRESS', 'COMPLETED')`;
    return `select '${c}'::text as region_code, ${Number(y)}::int as year,
      (select count(*)::int from ${t.programs} p where p.region_code like ${like} and p.year = ${Number(y)}) as programs,
      (select count(distinct p.region_code)::int from ${t.programs} p where p.region_code like ${like} and p.year = ${Number(y)}) as regions_with_program,
      (select count(*)::int from ${t.projects} j where j.region_code like ${like} and j.year = ${Number(y)}) as candidates,
      (select count(*)::int from ${t.projects} j where j.region_code like ${like} and j.year = ${Number(y)} and j.status in ${elected}) as projects_elected,
      (select count(*)::int from ${t.projects} j where j.region_code like ${like} and j.year = ${Number(y)} and j.status = 'COMPLETED') as projects_completed,
      (select coalesce(sum(j.budget), 0)::numeric(16, 2)::text from ${t.projects} j where j.region_code like ${like} and j.year = ${Number(y)} and j.status in ${elected}) as budget_total,
      (select coalesce(sum(b.ballots_cast), 0)::int from ${t.ballots} b where b.region_code like ${like} and b.year = ${Number(y)} and b.status = 'CLOSED') as cast,
      (select coalesce(sum(b.roll_size), 0)::int from ${t.ballots} b where b.region_code like ${like} and b.year = ${Number(y)} and b.status = 'CLOSED') as roll,
      (select coalesce(sum(t.satisfied + t.basically_satisfied), 0)::int from ${t.tallies} t
         join ${t.rounds} r on r.id = t.round_id
        where r.region_code like ${like} and r.year = ${Number(y)} and r.status = 'CLOSED') as content,
      (select coalesce(sum(t.satisfied + t.basically_satisfied + t.dissatisfied), 0)::int from ${t.tallies} t
         join ${t.rounds} r on r.id = t.round_id
        where r.region_code like ${like} and r.year = ${Number(y)} and r.status = 'CLOSED') as rated`;
  });
  const { rows } = (await readKnex(em).raw(parts.join('\nunion all\n'))) as { rows: Record<string, unknown>[] };
  return rows;
}

export interface VotingFigureSql {
  key: string;
  i: number;
  level: RegionLevel;
  votes: number;
  regions: number;
  cast: number;
  roll: number;
  rated_projects: number;
  content: number;
  rated: number;
}

/**
 * Where `votingFigures` is computed from: `rollups` (what the API reads: the tables kept by the triggers of
 * Migration20261201030000) or `live` (the aggregate over the base tables, which the rollups are checked against
 * by the property test and the benchmark). Both give the same rows.
 */
export type Source = 'rollups' | 'live';

/** The rows of `votingFigures` for the subtrees `codes`: one statement (see `rollupFiguresSql`, `liveFiguresSql`). */
export async function figureRows(
  em: SqlEntityManager,
  periods: FigurePeriod[],
  codes: readonly string[],
  source: Source = 'rollups',
  knex: Knex = readKnex(em),
): Promise<VotingFigureSql[]> {
  const { sql, params } = (source === 'rollups' ? rollupFiguresSql : liveFiguresSql)(em, periods, codes);
  const { rows } = (await knex.raw(sql, params as never[])) as { rows: VotingFigureSql[] };
  return rows;
}

/** The subtrees asked, as a CTE `scopes(key)`, and the first day after the last measuring day of `periods`. */
const scopesCte = (codes: readonly string[]) => `scopes(key) as (values ${codes.map(() => '(?::text)').join(', ')})`;
const dayAfterMeasuring = (periods: FigurePeriod[]) =>
  addDays(
    periods
      .map((p) => p.measuredOn)
      .sort()
      .at(-1)!,
    1,
  );

/**
 * The closed ballots and rounds (`v`, `r`) of subtree `s.key` closed in a range of instants (two parameters): each
 * subtree's rows are a range of an index keyed by region prefix and closing instant (Migration20261130200100; the
 * ballots' carries the turnout counts, read from it alone).
 */
const closedIn = (t: string) =>
  `${t}.status = 'CLOSED' and ${t}.region_code ~>=~ s.key and ${t}.region_code ~<~ (s.key || ':')
        and ${t}.region_code like s.key || '%' and ${t}.closed_at >= ?::timestamptz and ${t}.closed_at < ?::timestamptz`;

/**
 * The live statement of `votingFigures` for `periods` and the subtrees `codes`, with its parameters. The
 * periods' days become the instants they start in Asia/Shanghai (a handful of values, not a time zone
 * conversion per row), and as the periods are consecutive, the period of a closing instant is the number of
 * period starts up to it (`width_bucket`, a binary search): each row is counted into its period and level with
 * no join to the periods (the distinct count of regions that voted sorts the rows; a hash aggregate per region
 * first measured slower). A row counts if it closed before the day after its period's measuring day: the
 * periods before the one holding the measuring day (`asOf`, or today) are whole, those after it empty, so that
 * is one range of instants for all of them, the index's range. The rounds' project ratings are their tallies.
 * On one process (`serial_plan()`: starting workers costs more than reading these rows).
 */
export function liveFiguresSql(
  em: SqlEntityManager,
  periods: FigurePeriod[],
  codes: readonly string[],
): { sql: string; params: unknown[] } {
  const t = tables(em);
  const starts = periods.map((p) => startOfDay(p.startsOn).toISOString());
  const span = [starts[0], startOfDay(dayAfterMeasuring(periods)).toISOString()];
  const sql = `with ${scopesCte(codes)},
      b(starts) as (values (?::timestamptz[]))
    select s.key, x.n - 1 as i, ${levelOfLengthSql('x.len')} as level,
      sum(x.votes)::int as votes, sum(x.regions)::int as regions, sum(x.cast_)::int as cast, sum(x.roll)::int as roll,
      sum(x.rated_projects)::int as rated_projects, sum(x.content)::int as content, sum(x.rated)::int as rated
    from scopes s cross join b cross join lateral (
      select width_bucket(v.closed_at, b.starts) as n, length(v.region_code) as len, count(*) as votes,
        count(distinct v.region_code) as regions, sum(v.ballots_cast) as cast_, sum(v.roll_size) as roll,
        0 as rated_projects, 0 as content, 0 as rated
      from ${t.ballots} v
      where ${closedIn('v')}
      group by 1, 2
      union all
      select width_bucket(r.closed_at, b.starts), length(r.region_code), 0, 0, 0, 0,
        count(*), sum(t.satisfied + t.basically_satisfied), sum(t.satisfied + t.basically_satisfied + t.dissatisfied)
      from ${t.rounds} r join ${t.tallies} t on t.round_id = r.id
      where ${closedIn('r')}
      group by 1, 2
    ) x
    where ${sqlSchema(em)}.serial_plan()
    group by s.key, x.n, x.len`;
  return { sql, params: [...codes, starts, ...span, ...span] };
}

/** The rollup tables and their recounts (Migration20261201030000: kept by triggers, no entity's). */
type RollupTable = 'voting_rollups' | 'voting_region_months';
export const rollupTable = (em: SqlEntityManager, name: RollupTable | `${RollupTable}_recount`) =>
  `${sqlSchema(em)}."${name}"`;

/**
 * The rollup statement of `votingFigures` (same rows as `liveFiguresSql`). The rollups hold each subtree's
 * figures per month of the closing instant (Asia/Shanghai) and level (Migration20261201030000): the months
 * before the one of the last measuring day are read from them (one index range of the subtree's rows, a few
 * per month), each counted into its period. The month of that day, unless the day is its last, is read from
 * the base rows closed from its start to the day after, as the live statement does (at most a month of one
 * subtree's rows): the periods before it are whole, those after it empty. Regions that voted: a month's are its
 * `regions_month`, a year's the sum of its months' `regions_year` (regions whose first vote of the year fell
 * in that month); in the partial month of a year, the regions that voted in it and in no month of the year
 * before it (the region-month markers).
 */
export function rollupFiguresSql(
  em: SqlEntityManager,
  periods: FigurePeriod[],
  codes: readonly string[],
): { sql: string; params: unknown[] } {
  const t = tables(em);
  const from = periods[0]!.year;
  const monthly = periods[0]!.month !== null;
  const index = (year: string, month: string) =>
    monthly ? `(${year} - ${from}) * 12 + ${month} - 1` : `${year} - ${from}`;
  const next = dayAfterMeasuring(periods);
  const [ny, nm, nd] = next.split('-').map(Number) as [number, number, number];
  // The month read from the base rows (none when the measuring day is a month's last); the rollups' months before.
  const edge = nd === 1 ? null : { year: ny, month: nm };
  const until = edge ?? { year: ny, month: nm };
  const parts = [
    `select ${index('r.year', 'r.month')} as i, r.len, r.votes, r.${monthly ? 'regions_month' : 'regions_year'} as regions,
        r."cast" as cast_, r.roll, r.rated_projects, r.content, r.rated
      from ${rollupTable(em, 'voting_rollups')} r
      where r.scope_code = s.key and (r.year, r.month) >= (?, 1) and (r.year, r.month) < (?, ?)`,
  ];
  const params: unknown[] = [...codes, from, until.year, until.month];
  if (edge && edge.year >= from) {
    const i = index(String(edge.year), String(edge.month));
    const span = [startOfDay(`${next.slice(0, 8)}01`).toISOString(), startOfDay(next).toISOString()];
    const firstOfYear = monthly
      ? ''
      : ` filter (where not exists (select from ${rollupTable(em, 'voting_region_months')} m
          where m.region_code = v.region_code and m.year = ${edge.year} and m.month between 1 and ${edge.month - 1} and m.ballots > 0))`;
    parts.push(
      `select ${i}, length(v.region_code), count(*), count(distinct v.region_code)${firstOfYear},
        sum(v.ballots_cast), sum(v.roll_size), 0, 0, 0
      from ${t.ballots} v
      where ${closedIn('v')}
      group by 2`,
      `select ${i}, length(r.region_code), 0, 0, 0, 0,
        count(*), sum(t.satisfied + t.basically_satisfied), sum(t.satisfied + t.basically_satisfied + t.dissatisfied)
      from ${t.rounds} r join ${t.tallies} t on t.round_id = r.id
      where ${closedIn('r')}
      group by 2`,
    );
    params.push(...span, ...span);
  }
  const sql = `with ${scopesCte(codes)}
    select s.key, x.i, ${levelOfLengthSql('x.len')} as level,
      sum(x.votes)::int as votes, sum(x.regions)::int as regions, sum(x.cast_)::int as cast, sum(x.roll)::int as roll,
      sum(x.rated_projects)::int as rated_projects, sum(x.content)::int as content, sum(x.rated)::int as rated
    from scopes s cross join lateral (${parts.join('\n      union all\n      ')}) x
    where ${sqlSchema(em)}.serial_plan()
    group by s.key, x.i, x.len`;
  return { sql, params };
}

/** Recomputes the rollups from the base tables (the function of Migration20261201030000). */
export const rebuildRollupsSql = (em: SqlEntityManager) => `select ${sqlSchema(em)}."rebuild_rollups"()`;

/**
 * The rebuild of `rollups:rebuild`, in one transaction: writes to the ballots, rounds and tallies wait until it
 * commits (SHARE locks), so none falls between the recount and the switch; reads go on. Returns the closed
 * ballots counted.
 */
export async function rebuildRollupsLocked(em: SqlEntityManager): Promise<number> {
  const t = tables(em);
  await em.transactional(async (tx) => {
    await tx.execute(`lock table ${[t.ballots, t.rounds, t.tallies].join(', ')} in share mode`);
    await tx.execute(rebuildRollupsSql(tx));
  });
  const [row] = await em.execute<{ n: number }[]>(
    `select count(*)::int as n from ${t.ballots} where "status" = 'CLOSED'`,
  );
  return row?.n ?? 0;
}

/**
 * Rows where a rollup table differs from its recount from the base tables (rows counting nothing aside: the
 * rollups keep zeroed rows of keys whose rows moved away): none when the triggers kept them exact.
 */
export async function rollupDrift(em: SqlEntityManager): Promise<Record<string, unknown>[]> {
  const diff = (table: RollupTable, nonZero: string) => {
    const kept = `select * from ${rollupTable(em, table)} where ${nonZero}`;
    const recount = `select * from ${rollupTable(em, `${table}_recount`)}`;
    return `(select '${table}' as "table", 'kept' as side, k.* from (${kept} except ${recount}) k)
      union all (select '${table}', 'recount', c.* from (${recount} except ${kept}) c)`;
  };
  const rollups = await em
    .getKnex()
    .raw(
      diff(
        'voting_rollups',
        'votes <> 0 or "cast" <> 0 or roll <> 0 or regions_month <> 0 or regions_year <> 0 or rated_projects <> 0 or content <> 0 or rated <> 0',
      ),
    );
  const markers = await em.getKnex().raw(diff('voting_region_months', 'ballots <> 0'));
  return [
    ...(rollups as { rows: Record<string, unknown>[] }).rows,
    ...(markers as { rows: Record<string, unknown>[] }).rows,
  ];
}
