import { badInput, conflict, notFound } from '@renda/errors/errors';
import { requireWriteIn } from '@renda/auth/guards';
import { isId, newId } from '@renda/db/ids';
import type { ServiceContext } from '@renda/server-kit/context';
import { listQuery } from '@renda/server-kit/pagination';
import { entityLoader, groupBy } from '@renda/server-kit/loaders';
import { requireRegionCode, requireText, requireYear, yearRange } from '@renda/server-kit/validate';
import { listScope } from '../common/access.ts';
import { requireNotFuture } from '../common/dates.ts';
import type { IdRef } from '../common/refs.ts';
import { requireUnit } from '../units/units.service.ts';
import { checkItems, createItems, type OpinionItemInput } from '../opinions/opinions.service.ts';
import { requireSiblingIds } from '../inspections/inspections.service.ts';
import {
  ActivityDeputySchema,
  ActivityUnitSchema,
  SupervisionActivitySchema,
  type ActivityKind,
  type SupervisionActivity,
} from './activity.entity.ts';

export const activityLoader = (ctx: ServiceContext) =>
  entityLoader<SupervisionActivity>(ctx, SupervisionActivitySchema, 'id', isId);

export interface HoldActivityInput {
  regionCode: string;
  kind: ActivityKind;
  subject: string;
  heldOn: string;
  deputyIds: string[];
  governmentUnitIds: string[];
}

/**
 * G-7: a visit, research or special inquiry of the region, held (not after today) with at least one
 * deputy invited (checked with the deputies subgraph) and at least one government unit of the region
 * or below taking part. Everything is checked before anything is written.
 */
export async function holdActivity(ctx: ServiceContext, input: HoldActivityInput): Promise<SupervisionActivity> {
  const regionCode = requireRegionCode(input.regionCode, 'input.regionCode');
  requireWriteIn(ctx.viewer, regionCode, 'record visits, research and special inquiries');
  const subject = requireText(input.subject, 'input.subject', 300);
  requireNotFuture(ctx, input.heldOn, 'input.heldOn');
  if (!input.deputyIds.length) throw badInput('Deputies are invited (G-7): name at least one.', 'input.deputyIds');
  if (!input.governmentUnitIds.length) {
    throw badInput('The government takes part (G-7): name at least one unit.', 'input.governmentUnitIds');
  }
  const unitIds = [...new Set(input.governmentUnitIds)];
  for (const [i, id] of input.governmentUnitIds.entries()) {
    const unit = await requireUnit(ctx, id, `input.governmentUnitIds[${i}]`);
    if (!unit.regionCode.startsWith(regionCode)) {
      throw badInput(
        `input.governmentUnitIds[${i}] is a unit outside region ${regionCode}.`,
        `input.governmentUnitIds[${i}]`,
      );
    }
  }
  const deputyIds = await requireSiblingIds(ctx, 'Deputy', input.deputyIds, 'input.deputyIds');
  const activity: SupervisionActivity = {
    id: newId(),
    regionCode,
    kind: input.kind,
    subject,
    heldOn: input.heldOn,
    findings: null,
  };
  // The activity row first, then its links (foreign keys), in one transaction.
  await ctx.em.transactional(async (em) => {
    em.create(SupervisionActivitySchema, activity);
    await em.flush();
    for (const deputyId of deputyIds) em.create(ActivityDeputySchema, { activityId: activity.id, deputyId });
    for (const unitId of unitIds) em.create(ActivityUnitSchema, { activityId: activity.id, unitId });
  });
  ctx.loaders.clearAll();
  return activity;
}

/** G-7 → G-3: the activity's report (findings) and the opinion items it assigns; recorded once. */
export async function addActivityOpinions(
  ctx: ServiceContext,
  activityId: string,
  findings: string,
  items: readonly OpinionItemInput[],
): Promise<SupervisionActivity> {
  if (!isId(activityId)) throw badInput(`${JSON.stringify(activityId)} is not an id.`, 'activityId');
  const activity = await ctx.em.findOne(SupervisionActivitySchema, { id: activityId });
  if (!activity) throw notFound('activity', activityId, 'activityId');
  requireWriteIn(ctx.viewer, activity.regionCode, 'record activity opinions');
  const text = requireText(findings, 'findings', 20000);
  const checked = await checkItems(ctx, items, activity.heldOn, 'items');
  if (activity.findings !== null) throw conflict("This activity's report and opinions are already recorded.");
  activity.findings = text;
  await createItems(ctx, 'ACTIVITY', activity.id, checked);
  await ctx.em.flush();
  ctx.loaders.clearAll();
  return activity;
}

/** Activities of a subtree (by kind and year when given), by date; readers of the region only. */
const activities = listQuery({
  entity: SupervisionActivitySchema,
  order: [
    { prop: 'heldOn', kind: 'date' },
    { prop: 'id', kind: 'id' },
  ],
  connectionField: 'activitiesConnection',
  where: (
    ctx: ServiceContext,
    regionCode: string,
    kind: ActivityKind | null | undefined,
    year: number | null | undefined,
  ) => {
    const scope = listScope(ctx.viewer, regionCode, 'Visits, research and special inquiries');
    if (scope.unitId) return null;
    const where: Record<string, unknown> = { regionCode: { $like: `${scope.prefix}%` } };
    if (kind) where.kind = kind;
    if (year != null) {
      const [from, to] = yearRange(requireYear(year));
      where.heldOn = { $gte: from, $lte: to };
    }
    return where;
  },
});
export const listActivities = activities.list;
export const activitiesConnection = activities.page;

export function activityDeputies(ctx: ServiceContext, activityId: string): Promise<IdRef[]> {
  return ctx.loaders
    .get<string, IdRef[]>('SupervisionActivity.deputies', async (ids) => {
      const rows = await ctx.em.find(
        ActivityDeputySchema,
        { activityId: { $in: [...ids] } },
        { orderBy: { deputyId: 'asc' } },
      );
      return groupBy(ids, rows, (r) => r.activityId).map((list) => list.map((r) => ({ id: r.deputyId })));
    })
    .load(activityId);
}

export function activityUnitIds(ctx: ServiceContext, activityId: string): Promise<string[]> {
  return ctx.loaders
    .get<string, string[]>('SupervisionActivity.units', async (ids) => {
      const rows = await ctx.em.find(
        ActivityUnitSchema,
        { activityId: { $in: [...ids] } },
        { orderBy: { unitId: 'asc' } },
      );
      return groupBy(ids, rows, (r) => r.activityId).map((list) => list.map((r) => r.unitId));
    })
    .load(activityId);
}
