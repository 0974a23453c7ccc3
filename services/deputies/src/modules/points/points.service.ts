import { forbidden } from '@renda/errors/errors';
import type { ServiceContext } from '@renda/server-kit/context';
import { requireYear, yearRange } from '@renda/server-kit/validate';
import type { Deputy } from '../deputies/deputy.entity.ts';
import { canReadDutyRecords } from '../deputies/deputies.service.ts';
import type { CommitteeMember } from '../liaison/liaison.entity.ts';
import { canReadRegion, requireViewer } from '@renda/auth/guards';
import {
  deputyPointItems,
  defaultPointsScheme,
  memberPointItems,
  weightsFor,
  type PointItem,
  type PointsScheme,
} from './scheme.ts';
import { deputyCountRows, memberCountRows, type DeputyCountsRow } from './points.store.ts';

/**
 * The points scheme in force (`ctx.settings`, from POINTS_SCHEME_FILE read at start), or the default. Points
 * are computed on read, so a change of the settings' scheme is followed by every figure.
 */
export function pointsScheme(ctx: Pick<ServiceContext, 'settings'>): PointsScheme {
  return (ctx.settings as { pointsScheme?: PointsScheme }).pointsScheme ?? defaultPointsScheme;
}

export interface PointsLine {
  item: PointItem;
  count: number;
  weight: number;
  points: number;
}

export interface Points {
  year: number;
  total: number;
  lines: PointsLine[];
}

function tally<I extends PointItem>(
  year: number,
  items: readonly I[],
  counts: Record<I, number>,
  weights: Record<I, number>,
): Points {
  const lines = items.map((item) => ({
    item,
    count: counts[item],
    weight: weights[item],
    points: counts[item] * weights[item],
  }));
  return { year, total: lines.reduce((sum, l) => sum + l.points, 0), lines };
}

/** Counts the deputies service keeps itself, for many deputies in one statement. */
async function localDeputyCounts(
  ctx: ServiceContext,
  ids: readonly string[],
  year: number,
): Promise<Map<string, DeputyCountsRow>> {
  const [from, to] = yearRange(year);
  const rows = await deputyCountRows(ctx.em, ids, from, to);
  return new Map(rows.map((r) => [r.id, r]));
}

/**
 * D-11 积分: a deputy's points in a year, item by item, from the duty record across the services that
 * keep it (suggestions led, inspections, supervised projects and ballots cast are read from their
 * owners, batched per request). Computed on read, so a change of weights shows at once.
 */
export function deputyPoints(ctx: ServiceContext, deputy: Deputy, year: number): Promise<Points> {
  requireYear(year);
  return ctx.loaders
    .get<Deputy, Points>(
      `Deputy.points@${year}`,
      async (deputies) => {
        const local = await localDeputyCounts(
          ctx,
          deputies.map((d) => d.id),
          year,
        );
        const remote = await Promise.all(
          deputies.map(async (d) => {
            const [suggestions, supervision, voting] = await Promise.all([
              ctx.siblings.entity<{ suggestionCount: number }>(
                'suggestions',
                'Deputy',
                { id: d.id },
                `suggestionCount(year: ${year})`,
              ),
              ctx.siblings.entity<{ inspections: unknown[] }>(
                'supervision',
                'Deputy',
                { id: d.id },
                `inspections(year: ${year}) { id }`,
              ),
              ctx.siblings.entity<{ supervisedProjects: unknown[]; ballotsCast: number }>(
                'voting',
                'Deputy',
                { id: d.id },
                `supervisedProjects { id } ballotsCast(year: ${year})`,
              ),
            ]);
            return { suggestions, supervision, voting };
          }),
        );
        const s = pointsScheme(ctx);
        return deputies.map((d, i) => {
          const row = local.get(d.id);
          const r = remote[i]!;
          const counts = {
            VOTER_CONTACT: Number(row?.voter ?? 0),
            GROUP_ACTIVITY: Number(row?.grp ?? 0),
            DUTY_REPORT: Number(row?.reports ?? 0),
            SUGGESTION_LED: r.suggestions?.suggestionCount ?? 0,
            INSPECTION: r.supervision?.inspections.length ?? 0,
            SUPERVISED_PROJECT: r.voting?.supervisedProjects.length ?? 0,
            BALLOT_CAST: r.voting?.ballotsCast ?? 0,
            SESSION_ABSENT_WITHOUT_LEAVE: Number(row?.absent ?? 0),
          };
          return tally(year, deputyPointItems, counts, weightsFor(s, d.regionCode).deputy);
        });
      },
      (d) => d.id,
    )
    .load(deputy);
}

/** D-4 积分 of a standing-committee member in a year: contacts made with deputies and meeting attendance. */
export function memberPoints(ctx: ServiceContext, member: CommitteeMember, year: number): Promise<Points> {
  requireYear(year);
  const [from, to] = yearRange(year);
  return ctx.loaders
    .get<CommitteeMember, Points>(
      `CommitteeMember.points@${year}`,
      async (members) => {
        const rows = await memberCountRows(
          ctx.em,
          members.map((m) => m.id),
          from,
          to,
        );
        const byId = new Map(rows.map((r) => [r.id, r]));
        const s = pointsScheme(ctx);
        return members.map((m) => {
          const r = byId.get(m.id);
          const counts = {
            COMMITTEE_CONTACT: Number(r?.contacts ?? 0),
            MEETING_ATTENDED: Number(r?.attended ?? 0),
            MEETING_ABSENT_WITHOUT_LEAVE: Number(r?.absent ?? 0),
          };
          return tally(year, memberPointItems, counts, weightsFor(s, m.regionCode).member);
        });
      },
      (m) => m.id,
    )
    .load(member);
}

/** Points are part of the duty record's detail: the deputy, staff and analysts of the region, admins. */
export function requirePointsReader(ctx: ServiceContext, deputy: Pick<Deputy, 'id' | 'regionCode'>): void {
  const viewer = requireViewer(ctx.viewer);
  if (!canReadDutyRecords(viewer, deputy))
    throw forbidden("A deputy's points are for the deputy, staff and analysts of their region.");
}

/** Rankings cover a whole congress or group: staff, analysts and admins of its region. */
export function requireRankingReader(ctx: ServiceContext, regionCode: string): void {
  const viewer = requireViewer(ctx.viewer);
  if (!canReadRegion(viewer, regionCode))
    throw forbidden(`Rankings of region ${regionCode} are for its staff and analysts.`);
}

export interface Ranked<T> {
  rank: number;
  subject: T;
  points: Points;
}

/** Best first; equal totals share a rank (1, 2, 2, 4). */
export async function rank<T>(subjects: T[], pointsOf: (s: T) => Promise<Points>): Promise<Ranked<T>[]> {
  const points = await Promise.all(subjects.map(pointsOf));
  const rows = subjects
    .map((subject, i) => ({ subject, points: points[i]! }))
    .sort((a, b) => b.points.total - a.points.total);
  return rows.map((row) => ({ ...row, rank: rows.findIndex((r) => r.points.total === row.points.total) + 1 }));
}
