import type { ServiceContext } from '@renda/server-kit/context';
import {
  figurePeriods,
  legacyRate,
  levelOfLengthSql,
  figureMatrix,
  figuresLoaderKey,
  ratio,
  type FigureArgs,
  type FigurePeriod,
  type Ratio,
} from '@renda/server-kit/figures';
import { regionLevelOf, requireRegionCode, requireYear, type RegionLevel } from '@renda/server-kit/validate';
import { readKnex } from '@renda/db/replicas';
import { addDays, startOfDay } from '@renda/server-kit/dates';

/** VotingStats of one subtree and year. */
export interface VotingStatsRow {
  regionCode: string;
  year: number;
  programs: number;
  regionsWithProgram: number;
  candidates: number;
  projectsElected: number;
  projectsCompleted: number;
  budgetTotal: string;
  turnoutRate: number;
  satisfactionRate: number;
}

/**
 * V-5: figures of a region subtree in a year, as SQL aggregates over the region-code prefix (D-1).
 * The prefix is inlined (a validated string of digits) so the varchar_pattern_ops indexes serve it.
 * One statement answers every region asked for in one request.
 */
export function votingStats(ctx: ServiceContext, regionCode: string, year: number): Promise<VotingStatsRow> {
  const code = requireRegionCode(regionCode, 'code');
  requireYear(year);
  return ctx.loaders
    .get<string, VotingStatsRow>('Region.votingStats', async (keys) => {
      const parts = keys.map((k) => {
        const [c, y] = k.split('|');
        if (!regionLevelOf(c!) || !/^\d{4}$/.test(y!)) throw new Error('invalid statistics key');
        const like = `'${c}%'`;
        const elected = `('ELECTED', 'IN_PROGRESS', 'COMPLETED')`;
        return `select '${c}'::text as region_code, ${Number(y)}::int as year,
          (select count(*)::int from "voting"."programs" p where p.region_code like ${like} and p.year = ${Number(y)}) as programs,
          (select count(distinct p.region_code)::int from "voting"."programs" p where p.region_code like ${like} and p.year = ${Number(y)}) as regions_with_program,
          (select count(*)::int from "voting"."projects" j where j.region_code like ${like} and j.year = ${Number(y)}) as candidates,
          (select count(*)::int from "voting"."projects" j where j.region_code like ${like} and j.year = ${Number(y)} and j.status in ${elected}) as projects_elected,
          (select count(*)::int from "voting"."projects" j where j.region_code like ${like} and j.year = ${Number(y)} and j.status = 'COMPLETED') as projects_completed,
          (select coalesce(sum(j.budget), 0)::numeric(16, 2)::text from "voting"."projects" j where j.region_code like ${like} and j.year = ${Number(y)} and j.status in ${elected}) as budget_total,
          (select coalesce(sum(b.ballots_cast), 0)::int from "voting"."ballots" b where b.region_code like ${like} and b.year = ${Number(y)} and b.status = 'CLOSED') as cast,
          (select coalesce(sum(b.roll_size), 0)::int from "voting"."ballots" b where b.region_code like ${like} and b.year = ${Number(y)} and b.status = 'CLOSED') as roll,
          (select coalesce(sum(t.satisfied + t.basically_satisfied), 0)::int from "voting"."evaluation_tallies" t
             join "voting"."evaluation_rounds" r on r.id = t.round_id
            where r.region_code like ${like} and r.year = ${Number(y)} and r.status = 'CLOSED') as content,
          (select coalesce(sum(t.satisfied + t.basically_satisfied + t.dissatisfied), 0)::int from "voting"."evaluation_tallies" t
             join "voting"."evaluation_rounds" r on r.id = t.round_id
            where r.region_code like ${like} and r.year = ${Number(y)} and r.status = 'CLOSED') as rated`;
      });
      // Statistics read through a replica when one is configured and the request has not written.
      const { rows } = (await readKnex(ctx.em).raw(parts.join('\nunion all\n'))) as { rows: Record<string, unknown>[] };
      const byKey = new Map(rows.map((r) => [`${String(r.region_code)}|${Number(r.year)}`, r]));
      return keys
        .map((k) => byKey.get(k)!)
        .map((r) => ({
          regionCode: String(r.region_code),
          year: Number(r.year),
          programs: Number(r.programs),
          regionsWithProgram: Number(r.regions_with_program),
          candidates: Number(r.candidates),
          projectsElected: Number(r.projects_elected),
          projectsCompleted: Number(r.projects_completed),
          budgetTotal: String(r.budget_total),
          turnoutRate: legacyRate(Number(r.cast), Number(r.roll)),
          // F-2: the one definition, pooled over every rating: (satisfied + basically satisfied) / rated.
          satisfactionRate: legacyRate(Number(r.content), Number(r.rated)),
        }));
    })
    .load(`${code}|${year}`);
}

/** One period and level of a subtree's livelihood-vote figures (V-5, F-1 to F-4). */
export interface VotingFiguresRow {
  regionCode: string;
  period: FigurePeriod;
  level: RegionLevel;
  votesHeld: number;
  regionsVoted: number;
  coverage: Ratio;
  turnout: Ratio;
  projectsRated: number;
  satisfaction: Ratio;
}

interface VotingFigureSql {
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
 * Region.votingFigures: what happened in each period: ballots closed in it (by its measuring day), the
 * regions that held them out of the regions registered at that level (the deputies subgraph's
 * `registeredRegions`, one batched call), turnout over those ballots, and satisfaction pooled over the
 * project ratings of the evaluation rounds closed in it: (satisfied + basically satisfied) / rated.
 * One statement for every region asked with the same arguments, whose size does not grow with them: the
 * subtrees are a VALUES list joined to one lateral read, planned once (see `votingFiguresSql`).
 */
export async function votingFigures(
  ctx: ServiceContext,
  regionCode: string,
  args: FigureArgs,
): Promise<VotingFiguresRow[]> {
  const code = requireRegionCode(regionCode, 'code');
  const periods = figurePeriods(ctx.clock, args);
  const [rows, registered] = await Promise.all([
    ctx.loaders
      .get<string, VotingFigureSql[]>(figuresLoaderKey('Region.votingFigures', args), async (codes) => {
        const { sql, params } = votingFiguresSql(periods, codes);
        const { rows: result } = (await readKnex(ctx.em).raw(sql, params as never[])) as { rows: VotingFigureSql[] };
        return codes.map((c) => result.filter((r) => r.key === c));
      })
      .load(code),
    registeredRegionsOf(ctx, code),
  ]);
  return figureMatrix(code, periods, args, rows, (period, level, r) => {
    const n = (k: keyof VotingFigureSql) => Number(r?.[k] ?? 0);
    return {
      regionCode: code,
      period,
      level,
      votesHeld: n('votes'),
      regionsVoted: n('regions'),
      coverage: ratio(n('regions'), registered[level]),
      turnout: ratio(n('cast'), n('roll')),
      projectsRated: n('rated_projects'),
      satisfaction: ratio(n('content'), n('rated')),
    };
  });
}

type RegionCounts = Record<RegionLevel, number>;

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
function votingFiguresSql(periods: FigurePeriod[], codes: readonly string[]): { sql: string; params: unknown[] } {
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
      from "voting"."ballots" v
      where ${where('v')}
      group by 1, 2
      union all
      select width_bucket(r.closed_at, b.starts), length(r.region_code), 0, 0, 0, 0,
        count(*), sum(t.satisfied + t.basically_satisfied), sum(t.satisfied + t.basically_satisfied + t.dissatisfied)
      from "voting"."evaluation_rounds" r join "voting"."evaluation_tallies" t on t.round_id = r.id
      where ${where('r')}
      group by 1, 2
    ) x
    where voting.serial_plan()
    group by s.key, x.n, x.len`;
  return { sql, params: [...codes, starts, ...span, ...span] };
}

/** F-4: the registered regions of each level in the subtree, from the deputies subgraph (batched). */
async function registeredRegionsOf(ctx: ServiceContext, code: string): Promise<RegionCounts> {
  const found = await ctx.siblings.entity<RegionCounts>(
    'deputies',
    'Region',
    { code },
    'PROVINCE: registeredRegions(level: PROVINCE) CITY: registeredRegions(level: CITY) ' +
      'COUNTY: registeredRegions(level: COUNTY) TOWNSHIP: registeredRegions(level: TOWNSHIP)',
  );
  return found ?? { PROVINCE: 0, CITY: 0, COUNTY: 0, TOWNSHIP: 0 };
}
