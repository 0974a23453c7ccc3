import type { SqlEntityManager } from '@mikro-orm/postgresql';
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

/** The rows of `votingFigures` for the subtrees `codes`: one statement (see `figuresSql`). */
export async function figureRows(
  em: SqlEntityManager,
  periods: FigurePeriod[],
  codes: readonly string[],
): Promise<VotingFigureSql[]> {
  const { sql, params } = figuresSql(em, periods, codes);
  const { rows } = (await readKnex(em).raw(sql, params as never[])) as { rows: VotingFigureSql[] };
  return rows;
}

/**
 * The statement of `votingFigures` for `periods` and the subtrees `codes`, with its parameters. Each subtree's
 * closed ballots and rounds are a range of an index keyed by region prefix and closing instant
 * (Migration20261130200100; the ballots' carries the turnout counts, read from it alone). The periods' days
 * become the instants they start in Asia/Shanghai (a handful of values, not a time zone conversion per row), and
 * as the periods are consecutive, the period of a closing instant is the number of period starts up to it
 * (`width_bucket`, a binary search): each row is counted into its period and level with no join to the periods
 * (the distinct count of regions that voted sorts the rows; a hash aggregate per region first measured
 * slower). A row counts if it closed before the day after its period's measuring day: the periods before the
 * one holding the measuring day (`asOf`, or today) are whole, those after it empty, so that is one range of
 * instants for all of them, the index's range. The rounds' project ratings are their tallies. On one process
 * (`serial_plan()`: starting workers costs more than reading these rows).
 */
function figuresSql(
  em: SqlEntityManager,
  periods: FigurePeriod[],
  codes: readonly string[],
): { sql: string; params: unknown[] } {
  const t = tables(em);
  const starts = periods.map((p) => startOfDay(p.startsOn).toISOString());
  const lastDay = periods
    .map((p) => p.measuredOn)
    .sort()
    .at(-1)!;
  const span = [starts[0], startOfDay(addDays(lastDay, 1)).toISOString()];
  const where = (t: string) =>
    `${t}.status = 'CLOSED' and ${t}.region_code ~>=~ s.key and ${t}.region_code ~<~ (s.key || ':')
        and ${t}.region_code like s.key || '%' and ${t}.closed_at >= ?::timestamptz and ${t}.closed_at < ?::timestamptz`;
  const sql = `with scopes(key) as (values ${codes.map(() => '(?::text)').join(', ')}),
      b(starts) as (values (?::timestamptz[]))
    select s.key, x.n - 1 as i, ${levelOfLengthSql('x.len')} as level,
      sum(x.votes)::int as votes, sum(x.regions)::int as regions, sum(x.cast_)::int as cast, sum(x.roll)::int as roll,
      sum(x.rated_projects)::int as rated_projects, sum(x.content)::int as content, sum(x.rated)::int as rated
    from scopes s cross join b cross join lateral (
      select width_bucket(v.closed_at, b.starts) as n, length(v.region_code) as len, count(*) as votes,
        count(distinct v.region_code) as regions, sum(v.ballots_cast) as cast_, sum(v.roll_size) as roll,
        0 as rated_projects, 0 as content, 0 as rated
      from ${t.ballots} v
      where ${where('v')}
      group by 1, 2
      union all
      select width_bucket(r.closed_at, b.starts), length(r.region_code), 0, 0, 0, 0,
        count(*), sum(t.satisfied + t.basically_satisfied), sum(t.satisfied + t.basically_satisfied + t.dissatisfied)
      from ${t.rounds} r join ${t.tallies} t on t.round_id = r.id
      where ${where('r')}
      group by 1, 2
    ) x
    where ${sqlSchema(em)}.serial_plan()
    group by s.key, x.n, x.len`;
  return { sql, params: [...codes, starts, ...span, ...span] };
}
