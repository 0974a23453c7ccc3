import type { ServiceContext } from '@renda/server-kit/context';
import { regionLevelOf, requireRegionCode, requireYear } from '@renda/server-kit/validate';

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
          (select coalesce(sum(b.ballots_cast)::float8 / nullif(sum(b.roll_size), 0), 0) from "voting"."ballots" b where b.region_code like ${like} and b.year = ${Number(y)} and b.status = 'CLOSED') as turnout_rate,
          (select coalesce(avg((t.satisfied + t.basically_satisfied)::float8 / nullif(t.satisfied + t.basically_satisfied + t.dissatisfied, 0)), 0)
             from "voting"."evaluation_tallies" t join "voting"."evaluation_rounds" r on r.id = t.round_id
            where r.region_code like ${like} and r.year = ${Number(y)} and r.status = 'CLOSED') as satisfaction_rate`;
      });
      const rows: Record<string, unknown>[] = await ctx.em.execute(parts.join('\nunion all\n'));
      const byKey = new Map(rows.map((r) => [`${String(r.region_code)}|${Number(r.year)}`, r]));
      return keys.map((k) => byKey.get(k)!).map((r) => ({
        regionCode: String(r.region_code),
        year: Number(r.year),
        programs: Number(r.programs),
        regionsWithProgram: Number(r.regions_with_program),
        candidates: Number(r.candidates),
        projectsElected: Number(r.projects_elected),
        projectsCompleted: Number(r.projects_completed),
        budgetTotal: String(r.budget_total),
        turnoutRate: Number(r.turnout_rate),
        satisfactionRate: Number(r.satisfaction_rate),
      }));
    })
    .load(`${code}|${year}`);
}
