import { UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { badInput, conflict, notFound } from '@renda/errors/errors';
import { requireViewer, requireWriteIn } from '@renda/auth/guards';
import type { ServiceContext } from '@renda/server-kit/context';
import { correct } from '@renda/server-kit/corrections';
import { today } from '@renda/server-kit/dates';
import { requireText, requireYear, yearRange } from '@renda/server-kit/validate';
import type { DeputyGroup } from '../deputies/deputy.entity.ts';
import { groupLoader, groupMembers } from '../deputies/deputies.service.ts';
import { GroupReviewSchema, type GroupReview } from './group-review.entity.ts';
import { groupActivityCounts } from './groups.store.ts';

/** D-14: a deputy group's activity in a year and the staff's check of it. */
export interface GroupActivityYear {
  groupId: string;
  year: number;
  /** Distinct activities: GROUP_ACTIVITY contacts of the group on distinct days and subjects. */
  activities: number;
  /** Members' participations: one GROUP_ACTIVITY contact each. */
  participations: number;
  members: number;
  /** participations / (activities × members), 4 places; null with nothing to count (F-2). */
  participationRate: number | null;
  review: GroupReview | null;
}

export async function groupActivity(ctx: ServiceContext, group: DeputyGroup, year: number): Promise<GroupActivityYear> {
  requireYear(year);
  const [from, to] = yearRange(year);
  const [counts, members, review] = await Promise.all([
    groupActivityCounts(ctx.em, group.id, from, to),
    groupMembers(ctx, group.id),
    ctx.em.findOne(GroupReviewSchema, { groupId: group.id, year }),
  ]);
  const activities = Number(counts.activities);
  const participations = Number(counts.participations);
  const slots = activities * members.length;
  return {
    groupId: group.id,
    year,
    activities,
    participations,
    members: members.length,
    participationRate: slots === 0 ? null : Math.round((participations / slots) * 10_000) / 10_000,
    review,
  };
}

/**
 * D-14: staff check a group's year once it has begun, with a comment. A year already checked is CONFLICT: its
 * comment changes only through `correctGroupReview`, which keeps the previous one in the audit log.
 */
export async function reviewGroup(
  ctx: ServiceContext,
  groupId: string,
  year: number,
  comment: string,
): Promise<DeputyGroup> {
  const group = await groupLoader(ctx).load(groupId);
  if (!group) throw badInput(`No deputy group with id ${JSON.stringify(groupId)}.`, 'groupId');
  const viewer = requireViewer(ctx.viewer);
  requireWriteIn(viewer, group.regionCode, 'check deputy groups');
  requireYear(year);
  const on = today(ctx.clock);
  if (year > Number(on.slice(0, 4)))
    throw badInput(`${year} has not begun: a group's year is checked once it is under way or over.`, 'year');
  const text = requireText(comment, 'comment', 2000);
  const existing = await ctx.em.findOne(GroupReviewSchema, { groupId: group.id, year });
  if (existing)
    throw conflict(
      `${group.name}'s ${year} was already checked on ${existing.reviewedOn} (version ${existing.version}); change its comment with correctGroupReview, giving that version and a reason.`,
    );
  ctx.em.create(GroupReviewSchema, {
    groupId: group.id,
    year,
    comment: text,
    reviewedOn: on,
    reviewedBy: viewer.sub,
  });
  try {
    await ctx.em.flush();
  } catch (e) {
    // Two first checks at once: the second finds the key taken.
    if (e instanceof UniqueConstraintViolationException)
      throw conflict(`${group.name}'s ${year} was just checked; change its comment with correctGroupReview.`);
    throw e;
  }
  return group;
}

/**
 * 更正 D-14: the comment of a group's yearly check, against the version read, with a reason; the previous comment
 * stays in the audit log (entity `GroupReview`, id `<groupId>:<year>`). STAFF/ADMIN of the group's region.
 */
export async function correctGroupReview(
  ctx: ServiceContext,
  groupId: string,
  year: number,
  version: number,
  comment: string,
  reason: string,
): Promise<DeputyGroup> {
  const group = await groupLoader(ctx).load(groupId);
  if (!group) throw notFound('deputy group', groupId, 'groupId');
  const viewer = requireWriteIn(ctx.viewer, group.regionCode, 'correct group checks');
  requireYear(year);
  const review = await ctx.em.findOne(GroupReviewSchema, { groupId: group.id, year });
  if (!review) throw notFound(`${year} check (年度检查) of the deputy group`, groupId, 'year');
  const text = requireText(comment, 'comment', 2000);
  correct(
    ctx.em,
    {
      kind: 'GroupReview',
      record: review,
      id: `${group.id}:${year}`,
      regionCode: group.regionCode,
      expectedVersion: version,
      reason,
      viewer,
      at: ctx.clock.now(),
    },
    { comment: text },
  );
  await ctx.em.flush();
  return group;
}
