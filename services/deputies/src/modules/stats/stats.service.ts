import { requireReadIn } from '@renda/auth/guards';
import type { ServiceContext } from '@renda/server-kit/context';
import {
  average,
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
import { dutyRulesIn, type DutyRules } from '../../env.ts';
import type { Congress } from '../regions/region.entity.ts';
import { deputyFigureRows, liveRaw, rollupRaw, rollupsServe, type FigureRow } from './figures.store.ts';
import { dutyCountRows, groupActivityRows, registeredRegionRows, stationsAndLeadersRows } from './stats.store.ts';

const rulesOf = dutyRulesIn;

/** 代表履职统计 of a subtree and year: the contract's blended figure (all levels together). */
export interface DeputyStats {
  regionCode: string;
  year: number;
  activeDeputies: number;
  voterContactComplianceRate: number;
  groupActivityComplianceRate: number;
  committeeContactComplianceRate: number;
  stations: number;
  compliantStations: number;
  leaderLinks: Ratio;
  leaderVisits: Ratio;
}

/** One period and congress level of a subtree's deputy figures (F-1, F-3, F-4). */
export interface DeputyFigures {
  regionCode: string;
  period: FigurePeriod;
  level: RegionLevel;
  congresses: number;
  deputiesInOffice: number;
  voterContacts: number;
  groupActivities: number;
  voterContactCompliance: Ratio;
  groupActivityCompliance: Ratio;
  committeeContactCompliance: Ratio;
  groupActivitiesPerDeputy: number | null;
}

/**
 * F-1: the rows of `deputyFigures` for every region asked with the same arguments in a request, in one
 * statement: read from the rollups (Migration20261130144200) when they serve the local minimums (1 to 5),
 * else the same figures computed live (`figures.store.ts` defines both).
 */
async function figureRows(
  ctx: ServiceContext,
  codes: readonly string[],
  periods: FigurePeriod[],
): Promise<FigureRow[]> {
  const rules = rulesOf(ctx);
  return rollupsServe(rules)
    ? deputyFigureRows(rollupRaw(ctx.em), 'rollups', codes, periods, rules)
    : deputyFigureRows(liveRaw(ctx.em), 'live', codes, periods, rules);
}

function toFigures(
  regionCode: string,
  period: FigurePeriod,
  level: RegionLevel,
  r: FigureRow | undefined,
): DeputyFigures {
  const n = (k: keyof FigureRow) => Number(r?.[k] ?? 0);
  return {
    regionCode,
    period,
    level,
    congresses: n('congresses'),
    deputiesInOffice: n('deputies'),
    voterContacts: n('voter'),
    groupActivities: n('grp'),
    voterContactCompliance: ratio(n('voter_ok'), n('deputies')),
    groupActivityCompliance: ratio(n('group_ok'), n('deputies')),
    committeeContactCompliance: ratio(n('assignments_ok'), n('assignments')),
    groupActivitiesPerDeputy: average(n('grp'), n('deputies')),
  };
}

/**
 * Region.deputyFigures: one row per period and congress level of the subtree (every level from the
 * region's own down, or the one asked for), including rows with nothing to count. Every region asked
 * with the same arguments in one request shares one statement.
 */
export async function deputyFigures(
  ctx: ServiceContext,
  regionCode: string,
  args: FigureArgs,
): Promise<DeputyFigures[]> {
  const code = requireRegionCode(regionCode, 'code');
  const periods = figurePeriods(ctx.clock, args);
  requireReadIn(ctx.viewer, code, 'deputy statistics');
  const rows = await ctx.loaders
    .get<string, FigureRow[]>(figuresLoaderKey('Region.deputyFigures', args), async (codes) => {
      const all = await figureRows(ctx, codes, periods);
      return codes.map((c) => all.filter((r) => r.key === c));
    })
    .load(code);
  return figureMatrix(code, periods, args, rows, (period, level, row) => toFigures(code, period, level, row));
}

/**
 * Region.deputyStats (contract field, all levels together): the deputies in office during the year
 * (F-1) rather than today's ACTIVE ones; rates are 0 when there is nobody to count (the field is
 * non-null). Stations count when open during the year (F-1); their six standards are as last assessed.
 */
export async function deputyStats(ctx: ServiceContext, regionCode: string, year: number): Promise<DeputyStats> {
  requireReadIn(ctx.viewer, regionCode, 'deputy statistics');
  requireYear(year);
  const [figures, extras] = await Promise.all([
    deputyFigures(ctx, regionCode, { from: year, to: year }),
    stationsAndLeaders(ctx, regionCode, year),
  ]);
  const sum = (pick: (f: DeputyFigures) => number) => figures.reduce((total, f) => total + pick(f), 0);
  const deputies = sum((f) => f.deputiesInOffice);
  const assignments = sum((f) => f.committeeContactCompliance.denominator);
  const owed = rulesOf(ctx).maxLinkedDeputies;
  return {
    regionCode,
    year,
    activeDeputies: deputies,
    voterContactComplianceRate: legacyRate(
      sum((f) => f.voterContactCompliance.numerator),
      deputies,
    ),
    groupActivityComplianceRate: legacyRate(
      sum((f) => f.groupActivityCompliance.numerator),
      deputies,
    ),
    committeeContactComplianceRate: legacyRate(
      sum((f) => f.committeeContactCompliance.numerator),
      assignments,
    ),
    stations: extras.stations,
    compliantStations: extras.compliant,
    leaderLinks: ratio(extras.links, extras.leaders * owed),
    leaderVisits: ratio(extras.visited, extras.links),
  };
}

interface StationsAndLeaders {
  stations: number;
  compliant: number;
  leaders: number;
  links: number;
  visited: number;
}

/**
 * The stations open during `year` (F-1; their six standards as last assessed) and D-5 over a subtree (F-4, with their denominators):
 * links made out of those owed (each leader owes the local number, 5) and linked deputies in office
 * visited during `year` by their leader out of all such links. Every region asked for the same year
 * in one request shares one statement: a `union all` of index range scans over the code prefixes.
 */
function stationsAndLeaders(ctx: ServiceContext, regionCode: string, year: number): Promise<StationsAndLeaders> {
  return ctx.loaders
    .get<string, StationsAndLeaders>(`Region.deputyStats.extras.${year}`, async (codes) => {
      // F-1: stations open at any time during the year up to its measuring day.
      const [period] = figurePeriods(ctx.clock, { from: year, to: year }) as [FigurePeriod];
      const rows = await stationsAndLeadersRows(ctx.em, codes, period, `${year}-01-01`, `${year}-12-31`);
      const byKey = new Map(rows.map((r) => [r.key, r]));
      return codes.map((c) => {
        const r = byKey.get(c);
        const n = (k: keyof StationsAndLeaders) => Number(r?.[k] ?? 0);
        return {
          stations: n('stations'),
          compliant: n('compliant'),
          leaders: n('leaders'),
          links: n('links'),
          visited: n('visited'),
        };
      });
    })
    .load(regionCode);
}

/** D-7 for one body (a congress or one of its groups) in a year. */
export interface BodyAverages {
  deputiesInOffice: number;
  groupActivities: number;
  groupActivitiesPerDeputy: number | null;
  groupActivityTarget: number;
  meetsGroupActivityTarget: boolean | null;
}

export interface GroupAverages extends BodyAverages {
  groupId: string;
  year: number;
  deputyIds: string[];
}

export interface DutyAverages extends BodyAverages {
  congressId: string;
  year: number;
  measuredOn: string;
  deputyIds: string[];
  groups: GroupAverages[];
}

function bodyAverages(dutyRules: DutyRules, deputies: number, activities: number): BodyAverages {
  const perDeputy = average(activities, deputies);
  return {
    deputiesInOffice: deputies,
    groupActivities: activities,
    groupActivitiesPerDeputy: perDeputy,
    groupActivityTarget: dutyRules.minGroupActivities,
    meetsGroupActivityTarget: perDeputy === null ? null : perDeputy >= dutyRules.minGroupActivities,
  };
}

/**
 * D-7: the group-activity target is an average for the deputies of a congress (and of each group) as a
 * body: participations in group activities during the year by the deputies in office during it,
 * divided by the number of those deputies. Read by those who read the congress's region.
 */
export async function dutyAverages(ctx: ServiceContext, congress: Congress, year: number): Promise<DutyAverages> {
  requireReadIn(ctx.viewer, congress.regionCode, 'deputy statistics');
  requireYear(year);
  const [period] = figurePeriods(ctx.clock, { from: year, to: year });
  const measuredOn = period!.measuredOn;
  const rows = await groupActivityRows(ctx.em, congress.id, period!.startsOn, measuredOn);
  const groups = new Map<string, { deputies: number; activities: number; ids: string[] }>();
  for (const r of rows) {
    if (!r.group_id) continue;
    const g = groups.get(r.group_id) ?? { deputies: 0, activities: 0, ids: [] };
    g.deputies += 1;
    g.activities += Number(r.grp);
    g.ids.push(r.id);
    groups.set(r.group_id, g);
  }
  return {
    congressId: congress.id,
    year,
    measuredOn,
    deputyIds: rows.map((r) => r.id),
    ...bodyAverages(
      rulesOf(ctx),
      rows.length,
      rows.reduce((t, r) => t + Number(r.grp), 0),
    ),
    groups: [...groups.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([groupId, g]) => ({
        groupId,
        year,
        deputyIds: g.ids,
        ...bodyAverages(rulesOf(ctx), g.deputies, g.activities),
      })),
  };
}

/**
 * D-7's other half: items led in the year by the deputies in office, from the suggestions subgraph
 * (one batched `_entities` call), averaged over those deputies.
 */
export function suggestionAverages(
  ctx: ServiceContext,
  averages: DutyAverages | GroupAverages,
): Promise<SuggestionAverages> {
  let pending = suggestionCache.get(averages);
  if (!pending) {
    pending = countSuggestions(ctx, averages);
    suggestionCache.set(averages, pending);
  }
  return pending;
}

interface SuggestionAverages {
  suggestionsLed: number;
  suggestionsPerDeputy: number | null;
  suggestionTarget: number;
  meetsSuggestionTarget: boolean | null;
}

const suggestionCache = new WeakMap<DutyAverages | GroupAverages, Promise<SuggestionAverages>>();

/** Per deputy, one batched `_entities` call for the request (a group's deputies are its congress's too). */
async function countSuggestions(
  ctx: ServiceContext,
  averages: DutyAverages | GroupAverages,
): Promise<SuggestionAverages> {
  const counts = await Promise.all(
    averages.deputyIds.map((id) =>
      ctx.siblings.entity<{ suggestionCount: number }>(
        'suggestions',
        'Deputy',
        { id },
        `suggestionCount(year: ${averages.year})`,
      ),
    ),
  );
  const dutyRules = rulesOf(ctx);
  const led = counts.reduce((t, c) => t + (c?.suggestionCount ?? 0), 0);
  const perDeputy = average(led, averages.deputyIds.length);
  return {
    suggestionsLed: led,
    suggestionsPerDeputy: perDeputy,
    suggestionTarget: dutyRules.minSuggestions,
    meetsSuggestionTarget: perDeputy === null ? null : perDeputy >= dutyRules.minSuggestions,
  };
}

/** V-5, F-4: registered regions of a level in a subtree, the denominator of coverage; one grouped count per request. */
export function registeredRegions(ctx: ServiceContext, regionCode: string, level: RegionLevel): Promise<number> {
  const code = requireRegionCode(regionCode, 'code');
  return ctx.loaders
    .get<string, number>(`Region.registeredRegions@${level}`, async (codes) => {
      const rows = await registeredRegionRows(ctx.em, codes, level);
      const byKey = new Map(rows.map((r) => [r.key, Number(r.n)]));
      return codes.map((c) => byKey.get(c) ?? 0);
    })
    .load(code);
}

export type DutyKind = 'VOTER_CONTACTS' | 'GROUP_ACTIVITIES' | 'SUGGESTIONS';

/** One duty short (D-6, D-7). */
export interface DutyShortfall {
  duty: DutyKind;
  required: number;
  done: number;
  perDeputyMinimum: boolean;
}

export interface DutyShortfallsValue {
  deputyId: string;
  year: number;
  measuredOn: string;
  shortfalls: DutyShortfall[];
}

/**
 * Congress.deputiesShortOfDuties: the deputies in office during the year (mandate and term overlapping it,
 * F-1) with their voter contacts and group activities in the year up to its measuring day (one statement),
 * and the items they led in it from the suggestions subgraph (one batched `_entities` call). A deputy is
 * listed when short of D-6's minimum or of D-7's per-deputy target; D-7 itself is met or missed by the
 * body's average (`dutyAverages`), which is why its shortfalls say `perDeputyMinimum: false`.
 */
export async function deputiesShortOfDuties(
  ctx: ServiceContext,
  congress: Congress,
  year: number,
): Promise<DutyShortfallsValue[]> {
  requireReadIn(ctx.viewer, congress.regionCode, 'deputy statistics');
  requireYear(year);
  const [period] = figurePeriods(ctx.clock, { from: year, to: year });
  const { startsOn, measuredOn } = period!;
  if (measuredOn < startsOn) return [];
  const rows = await dutyCountRows(ctx.em, congress.id, startsOn, measuredOn);
  const counts = await Promise.all(
    rows.map((r) =>
      ctx.siblings.entity<{ suggestionCount: number }>(
        'suggestions',
        'Deputy',
        { id: r.id },
        `suggestionCount(year: ${year})`,
      ),
    ),
  );
  const rules = rulesOf(ctx);
  return rows.flatMap((r, i) => {
    const duties: [DutyKind, number, number, boolean][] = [
      ['VOTER_CONTACTS', rules.minVoterContacts, Number(r.voter), true],
      ['GROUP_ACTIVITIES', rules.minGroupActivities, Number(r.grp), false],
      ['SUGGESTIONS', rules.minSuggestions, counts[i]?.suggestionCount ?? 0, false],
    ];
    const shortfalls = duties
      .filter(([, required, done]) => done < required)
      .map(([duty, required, done, perDeputyMinimum]) => ({ duty, required, done, perDeputyMinimum }));
    return shortfalls.length ? [{ deputyId: r.id, year, measuredOn, shortfalls }] : [];
  });
}
