import { requireViewer, requireWriteIn } from '@renda/auth/guards';
import type { Viewer } from '@renda/auth/viewer';
import { isId, newId } from '@renda/db/ids';
import { badInput, conflict, forbidden } from '@renda/errors/errors';
import { correct } from '@renda/server-kit/corrections';
import type { ServiceContext } from '@renda/server-kit/context';
import { today } from '@renda/server-kit/dates';
import { entityLoader, groupBy } from '@renda/server-kit/loaders';
import { listQuery } from '@renda/server-kit/pagination';
import { requireText } from '@renda/server-kit/validate';
import { canReadRecord, listScope } from '../common/access.ts';
import { requireNotFuture, requirePlausibleDate } from '../common/dates.ts';
import { findById, findOrFail } from '../common/find.ts';
import { type Transitions, requireTransition } from '../common/transitions.ts';
import type { GovernmentUnit } from '../units/unit.entity.ts';
import { requireUnit } from '../units/units.service.ts';
import { SupervisionActivitySchema } from '../activities/activity.entity.ts';
import { WorkEvaluationSchema } from '../evaluations/evaluation.entity.ts';
import { LawInspectionSchema } from '../inspections/inspection.entity.ts';
import { ReportSchema } from '../reports/report.entity.ts';
import { ResolutionSchema } from '../resolutions/resolution.entity.ts';
import { recordOpinionItemEvent } from './events.ts';
import { overdueOn } from './opinions.store.ts';
import { opinionOverdueFilter } from './overdue.ts';
import { type OpinionItem, OpinionItemSchema, type OpinionSource, type OpinionStatus } from './opinion.entity.ts';

/** G-3: the unit reports what it did, then the committee closes (销号) the item; nothing is skipped. */
export const opinionTransitions: Transitions<OpinionStatus> = {
  OPEN: ['REPORTED'],
  REPORTED: ['CLOSED'],
  CLOSED: [],
};

export const itemLoader = (ctx: ServiceContext) => entityLoader<OpinionItem>(ctx, OpinionItemSchema, 'id', isId);

/**
 * G-3: whether an item is overdue today (the injected clock, Asia/Shanghai), by the one predicate
 * `opinionOverdueSql`: one statement for every item of a request.
 */
export function isOverdueToday(ctx: ServiceContext, item: Pick<OpinionItem, 'id'>): Promise<boolean> {
  return ctx.loaders
    .get<string, boolean>('OpinionItem.overdue', async (ids) => {
      const rows = await overdueOn(ctx.em, ids, today(ctx.clock));
      const overdue = new Map(rows.map((r) => [r.id, r.overdue]));
      return ids.map((id) => overdue.get(id) ?? false);
    })
    .load(item.id);
}

export interface OpinionItemInput {
  content: string;
  unitId: string;
  dueOn: string;
}

export interface CheckedItem {
  content: string;
  unit: GovernmentUnit;
  dueOn: string;
}

/** Checks every item before anything is written: the unit exists and is in the writer's region, the due date follows `since`. */
export async function checkItems(
  ctx: ServiceContext,
  items: readonly OpinionItemInput[],
  since: string,
  field: string,
): Promise<CheckedItem[]> {
  const checked: CheckedItem[] = [];
  for (const [i, item] of items.entries()) {
    const content = requireText(item.content, `${field}[${i}].content`, 4000);
    const unit = await requireUnit(ctx, item.unitId, `${field}[${i}].unitId`);
    requireWriteIn(ctx.viewer, unit.regionCode, 'assign opinion items to this unit');
    requirePlausibleDate(item.dueOn, `${field}[${i}].dueOn`);
    if (item.dueOn < since)
      throw badInput(`The item is due ${item.dueOn}, before it was issued (${since}).`, `${field}[${i}].dueOn`);
    checked.push({ content, unit, dueOn: item.dueOn });
  }
  return checked;
}

export async function createItems(
  ctx: ServiceContext,
  sourceKind: OpinionSource,
  sourceId: string,
  items: CheckedItem[],
): Promise<void> {
  for (const item of items) {
    const row = ctx.em.create(OpinionItemSchema, {
      id: newId(),
      sourceKind,
      sourceId,
      unitId: item.unit.id,
      regionCode: item.unit.regionCode,
      content: item.content,
      dueOn: item.dueOn,
      status: 'OPEN',
      reportedOn: null,
      closedOn: null,
    });
    await recordOpinionItemEvent(ctx, ctx.em, row, 'opinion-item.opened');
  }
}

/**
 * Opinion items of reports, inspections or evaluations, batched over their sources. Items are
 * assigned to many units: each shows only to readers of its region and to its own unit's HANDLER
 * (a handler who reads a report of their unit does not see other units' items through it).
 */
export async function opinionsOf(ctx: ServiceContext, sourceId: string): Promise<OpinionItem[]> {
  const rows = await itemsOfSource(ctx, sourceId);
  return rows.filter((item) => canReadRecord(ctx.viewer, item));
}

/** Every item of a source, whoever reads (for facts about the source, such as whether all are closed). */
export function itemsOfSource(ctx: ServiceContext, sourceId: string): Promise<OpinionItem[]> {
  return ctx.loaders
    .get<string, OpinionItem[]>('OpinionItem.sourceId', async (ids) => {
      const rows = await ctx.em.find(
        OpinionItemSchema,
        { sourceId: { $in: [...ids] } },
        { orderBy: { dueOn: 'asc', id: 'asc' } },
      );
      return groupBy(ids, rows, (r) => r.sourceId);
    })
    .load(sourceId);
}

function mayReportFor(viewer: Viewer, item: OpinionItem): boolean {
  return viewer.role === 'HANDLER' && !!viewer.unit && viewer.unit === item.unitId;
}

/** G-3: the unit reports what it did: the unit's HANDLER, or staff of the region on its behalf. */
export async function reportOpinionItem(ctx: ServiceContext, itemId: string, on: string): Promise<OpinionItem> {
  const item = await findOrFail(
    () => ctx.em.findOne(OpinionItemSchema, { id: itemId }),
    'opinion item',
    itemId,
    'itemId',
  );
  const viewer = requireViewer(ctx.viewer);
  if (!mayReportFor(viewer, item)) {
    if (viewer.role === 'HANDLER') throw forbidden("A handler reports on their own unit's items only.");
    requireWriteIn(viewer, item.regionCode, 'report on opinion items');
  }
  requireNotFuture(ctx, on, 'on');
  requireTransition(opinionTransitions, item.status, 'REPORTED', 'The opinion item');
  item.status = 'REPORTED';
  item.reportedOn = on;
  await recordOpinionItemEvent(ctx, ctx.em, item, 'opinion-item.reported');
  await ctx.em.flush();
  ctx.loaders.clearAll();
  return item;
}

/** G-3: 销号 by the committee's staff, after the unit reported. */
export async function closeOpinionItem(ctx: ServiceContext, itemId: string, on: string): Promise<OpinionItem> {
  const item = await findOrFail(
    () => ctx.em.findOne(OpinionItemSchema, { id: itemId }),
    'opinion item',
    itemId,
    'itemId',
  );
  requireWriteIn(ctx.viewer, item.regionCode, 'close opinion items');
  requireNotFuture(ctx, on, 'on');
  requireTransition(opinionTransitions, item.status, 'CLOSED', 'The opinion item');
  if (item.reportedOn && on < item.reportedOn)
    throw badInput(`The item cannot close (${on}) before the unit reported (${item.reportedOn}).`, 'on');
  item.status = 'CLOSED';
  item.closedOn = on;
  await recordOpinionItemEvent(ctx, ctx.em, item, 'opinion-item.closed');
  await ctx.em.flush();
  ctx.loaders.clearAll();
  return item;
}

/** G-3: items past due and not closed, in a subtree (a HANDLER sees their own unit's). */
const opinionItemOrder = [
  { prop: 'dueOn', kind: 'date' },
  { prop: 'id', kind: 'id' },
] as const;

const overdueItems = listQuery({
  entity: OpinionItemSchema,
  order: opinionItemOrder,
  connectionField: 'overdueOpinionItemsConnection',
  where: (ctx: ServiceContext, regionCode: string) => {
    const scope = listScope(ctx.viewer, regionCode, 'Opinion items');
    const where: Record<string, unknown> = {
      regionCode: { $like: `${scope.prefix}%` },
      ...opinionOverdueFilter(today(ctx.clock)),
    };
    if (scope.unitId) where.unitId = scope.unitId;
    return where;
  },
});

export const overdueOpinionItems = overdueItems.list;

export const overdueOpinionItemsConnection = overdueItems.page;

export const opinionItems = listQuery({
  entity: OpinionItemSchema,
  order: opinionItemOrder,
  connectionField: 'opinionItemsConnection',
  where: (
    ctx: ServiceContext,
    regionCode: string,
    status: OpinionStatus | null | undefined,
    unitId: string | null | undefined,
  ) => {
    const scope = listScope(ctx.viewer, regionCode, 'Opinion items');
    if (unitId && !isId(unitId)) throw badInput(`${JSON.stringify(unitId)} is not an id.`, 'unitId');
    if (scope.unitId && unitId && unitId !== scope.unitId) return null;
    const where: Record<string, unknown> = { regionCode: { $like: `${scope.prefix}%` } };
    const unit = scope.unitId ?? unitId;
    if (unit) where.unitId = unit;
    if (status) where.status = status;
    return where;
  },
});

export const listOpinionItems = opinionItems.list;

export const opinionItemsConnection = opinionItems.page;

// ---- corrections (issue 9): a clerk's slip in an opinion item is corrected with a trail while the item is open ----

/** What a clerk may have entered wrongly in an opinion item: its text and its due date. */
export interface CorrectOpinionItemInput {
  content?: string | null;
  dueOn?: string | null;
}

/** The day an item's source issued it: the earliest due date G-3 allows (as `checkItems` is given it). */
async function issuedOn(ctx: ServiceContext, item: OpinionItem): Promise<string | null> {
  const id = item.sourceId;
  switch (item.sourceKind) {
    case 'REPORT':
      return (await ctx.em.findOne(ReportSchema, { id }))?.heardOn ?? null;
    case 'INSPECTION':
      return (await ctx.em.findOne(LawInspectionSchema, { id }))?.startsOn ?? null;
    case 'EVALUATION': {
      const evaluation = await ctx.em.findOne(WorkEvaluationSchema, { id });
      return evaluation ? `${evaluation.year}-01-01` : null;
    }
    case 'RESOLUTION':
      return (await ctx.em.findOne(ResolutionSchema, { id }))?.adoptedOn ?? null;
    case 'ACTIVITY':
      return (await ctx.em.findOne(SupervisionActivitySchema, { id }))?.heldOn ?? null;
  }
}

/**
 * 更正 an opinion item's text or due date (staff of its region, who assign items), while it is not closed: a
 * CLOSED item is frozen (销号 is final), the refusal says so. The due date still follows the item's issue (G-3);
 * a corrected due date moves the item in the overdue figures. One audit entry, an `opinion-item.corrected` event.
 */
export async function correctOpinionItem(
  ctx: ServiceContext,
  id: string,
  version: number,
  input: CorrectOpinionItemInput,
  reason: string,
): Promise<OpinionItem> {
  const item = await findById(ctx, OpinionItemSchema, 'opinion item', id, 'id');
  requireWriteIn(ctx.viewer, item.regionCode, 'correct opinion items');
  if (item.status === 'CLOSED') {
    throw conflict(
      `A closed opinion item is frozen: it was closed (销号) on ${item.closedOn}, and a closed opinion item is not corrected.`,
    );
  }
  const content = input.content == null ? undefined : requireText(input.content, 'input.content', 4000);
  let dueOn: string | undefined;
  if (input.dueOn != null) {
    dueOn = requirePlausibleDate(input.dueOn, 'input.dueOn');
    const since = await issuedOn(ctx, item);
    if (since && dueOn < since)
      throw badInput(`The item is due ${dueOn}, before it was issued (${since}).`, 'input.dueOn');
  }
  correct(
    ctx.em,
    {
      kind: 'OpinionItem',
      record: item,
      id: item.id,
      regionCode: item.regionCode,
      expectedVersion: version,
      reason,
      viewer: requireViewer(ctx.viewer),
      at: ctx.clock.now(),
    },
    { content, dueOn },
  );
  await recordOpinionItemEvent(ctx, ctx.em, item, 'opinion-item.corrected');
  await ctx.em.flush();
  ctx.loaders.clearAll();
  return item;
}
