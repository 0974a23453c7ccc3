import type { EntityManager } from '@mikro-orm/postgresql';
import type { ServiceContext } from '@renda/server-kit/context';
import { recordEvent } from '@renda/outbox/record';
import { unitsOf } from './loaders.ts';
import type { Suggestion } from './suggestion.entity.ts';

/**
 * Events of an item (README: Events and reminders). The aggregate is the item: its steps, sheets,
 * replies and evaluations come out in the order they were written. The audience is the lead deputy,
 * the handling units and the item's region (its staff).
 */
type Announce = (em: EntityManager) => Promise<void>;

const queued = new WeakMap<ServiceContext, Announce[]>();

/** Queues an event of `item` for the mutation's next `announceQueued` (just before its flush). */
export function queueItemEvent(
  ctx: ServiceContext,
  item: Suggestion,
  type: string,
  data: Record<string, unknown>,
  unitIds?: string[],
): void {
  const list = queued.get(ctx) ?? [];
  // Snapshot what the item says now: a later step of the same mutation changes it.
  const facts = { serial: item.serialNumber, kind: item.kind, title: item.title, stage: item.stage, round: item.round };
  list.push((em) => recordItemEvent(ctx, em, item, type, { ...facts, ...data }, unitIds));
  queued.set(ctx, list);
}

/** Records the queued events in `em`'s transaction, in the order they were queued. */
export async function announceQueued(ctx: ServiceContext, em: EntityManager): Promise<void> {
  const list = queued.get(ctx) ?? [];
  queued.delete(ctx);
  for (const announce of list) await announce(em);
}

/** Forgets queued events of a mutation that failed before its flush. */
export function dropQueued(ctx: ServiceContext): void {
  queued.delete(ctx);
}

export async function recordItemEvent(
  ctx: ServiceContext,
  em: EntityManager,
  item: Suggestion,
  type: string,
  data: Record<string, unknown>,
  unitIds?: string[],
): Promise<void> {
  const units = unitIds ?? (item.leadUnitId ? (await unitsOf(ctx, item.id)).map((u) => u.unitId) : []);
  await recordEvent(em, {
    type,
    aggregateType: 'suggestion',
    aggregateId: item.id,
    regionCode: item.regionCode,
    occurredAt: ctx.clock.now(),
    data,
    audience: { deputyIds: item.leadDeputyId ? [item.leadDeputyId] : [], unitIds: units, regionCode: item.regionCode },
  });
}
