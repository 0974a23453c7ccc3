import { requireViewer, requireWriteIn } from '@renda/auth/guards';
import type { Viewer } from '@renda/auth/viewer';
import { isId, newId } from '@renda/db/ids';
import { badInput, forbidden } from '@renda/errors/errors';
import type { ServiceContext } from '@renda/server-kit/context';
import { today } from '@renda/server-kit/dates';
import { entityLoader, groupBy } from '@renda/server-kit/loaders';
import { listQuery } from '@renda/server-kit/pagination';
import { requireText } from '@renda/server-kit/validate';
import { canReadRecord, listScope } from '../common/access.ts';
import { requireNotFuture, requirePlausibleDate } from '../common/dates.ts';
import { findOrFail } from '../common/find.ts';
import { type Transitions, requireTransition } from '../common/transitions.ts';
import type { GovernmentUnit } from '../units/unit.entity.ts';
import { requireUnit } from '../units/units.service.ts';
import { recordOpinionItemEvent } from './events.ts';
import { opinionOverdueFilter, opinionOverdueParams, opinionOverdueSql } from './overdue.ts';
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
      const { rows } = (await ctx.em.getKnex().raw(
        `select oi.id, ${opinionOverdueSql('oi', '?::date')} as overdue from supervision.opinion_items oi
           where oi.id in (${ids.map(() => '?').join(', ')})`,
        [...opinionOverdueParams(today(ctx.clock)), ...ids],
      )) as { rows: { id: string; overdue: boolean }[] };
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
