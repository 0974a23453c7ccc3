import type { ServiceContext } from '@renda/server-kit/context';
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
import { requireRegionCode, requireYear, type RegionLevel } from '@renda/server-kit/validate';
import { figureRows, statsRows, type VotingFigureSql } from './stats.store.ts';

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
      const rows = await statsRows(ctx.em, keys);
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

/**
 * Region.votingFigures: what happened in each period: ballots closed in it (by its measuring day), the
 * regions that held them out of the regions registered at that level (the deputies subgraph's
 * `registeredRegions`, one batched call), turnout over those ballots, and satisfaction pooled over the
 * project ratings of the evaluation rounds closed in it: (satisfied + basically satisfied) / rated.
 * One statement for every region asked with the same arguments, whose size does not grow with them: the
 * subtrees are a VALUES list joined to one lateral read of the rollups, planned once (see `rollupFiguresSql`;
 * `liveFiguresSql` computes the same rows from the base tables).
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
        const result = await figureRows(ctx.em, periods, codes);
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
