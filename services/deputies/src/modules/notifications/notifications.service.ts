import type { Viewer } from '@renda/auth/viewer';
import { requireViewer } from '@renda/auth/guards';
import { isId } from '@renda/db/ids';
import { badInput, forbidden, notFound } from '@renda/errors/errors';
import type { ServiceContext } from '@renda/server-kit/context';
import { decodeCursor, pageSize, toConnection, type Connection } from '@renda/server-kit/pagination';
import { eventTypePattern, knownEventTypes, labelOf } from './envelope.ts';
import { NotificationPreferenceSchema, NotificationSchema, type Notification } from './notification.entity.ts';

/**
 * The viewer's inbox: a deputy's own (`deputy:<id>`), a handler's unit's (`unit:<id>`), or the staff
 * inbox of the token's region (`staff:<code>`, for STAFF and an ADMIN with a region). Others have none.
 */
export function inboxOf(viewer: Viewer | null): string {
  const v = requireViewer(viewer);
  if (v.role === 'DEPUTY' && v.deputy) return `deputy:${v.deputy.toLowerCase()}`;
  if (v.role === 'HANDLER' && v.unit) return `unit:${v.unit}`;
  if ((v.role === 'STAFF' || v.role === 'ADMIN') && v.region) return `staff:${v.region}`;
  throw forbidden(
    v.role === 'ADMIN'
      ? 'An ADMIN token without a region has no inbox: staff inboxes belong to a region (use a token with `region`).'
      : `A ${v.role} has no notifications: they go to deputies, handling units and the staff of a region.`,
  );
}

export type NotificationPage = Connection<Notification> & { unreadCount: number };

/** One page of an inbox, newest first (keyset on the insertion order), with its unread count. */
export async function inboxPage(
  ctx: ServiceContext,
  inbox: string,
  first: number | null | undefined,
  after: string | null | undefined,
  unreadOnly: boolean | null | undefined,
): Promise<NotificationPage> {
  const limit = pageSize(first);
  const afterSeq = decodeCursor(after);
  if (afterSeq !== null && !/^\d{1,18}$/.test(afterSeq)) {
    throw badInput(
      '`after` is not a cursor this API issued; use a `cursor` or `endCursor` from an earlier page.',
      'after',
    );
  }
  const where = { recipient: inbox, ...(unreadOnly ? { readAt: null } : {}) };
  const [rows, totalCount, unreadCount] = await Promise.all([
    limit === 0
      ? Promise.resolve([] as Notification[])
      : ctx.em.find(NotificationSchema, afterSeq ? { ...where, seq: { $lt: afterSeq } } : where, {
          orderBy: { seq: 'desc' },
          limit: limit + 1,
        }),
    ctx.em.count(NotificationSchema, where),
    unreadOnly ? null : ctx.em.count(NotificationSchema, { recipient: inbox, readAt: null }),
  ]);
  return { ...toConnection(rows, limit, totalCount, (n) => String(n.seq)), unreadCount: unreadCount ?? totalCount };
}

export function viewerNotifications(
  ctx: ServiceContext,
  first: number | null | undefined,
  after: string | null | undefined,
  unreadOnly: boolean | null | undefined,
) {
  return inboxPage(ctx, inboxOf(ctx.viewer), first, after, unreadOnly);
}

/** `Deputy.notifications`: the deputy's own inbox, for the deputy themself only. */
export function deputyNotifications(
  ctx: ServiceContext,
  deputyId: string,
  first: number | null | undefined,
  after: string | null | undefined,
  unreadOnly: boolean | null | undefined,
) {
  const v = requireViewer(ctx.viewer);
  if (v.role !== 'DEPUTY' || v.deputy?.toLowerCase() !== deputyId.toLowerCase()) {
    throw forbidden("A deputy's notifications are for the deputy themself.");
  }
  return inboxPage(ctx, `deputy:${deputyId.toLowerCase()}`, first, after, unreadOnly);
}

/** Marks notifications of the viewer's inbox read; an id not in it is NOT_FOUND and nothing changes. */
export async function markRead(ctx: ServiceContext, ids: readonly string[]): Promise<Notification[]> {
  const inbox = inboxOf(ctx.viewer);
  if (ids.length > 100) throw badInput('Mark at most 100 notifications at once.', 'ids');
  const wanted = [...new Set(ids.map((id) => id.toLowerCase()))];
  for (const id of wanted) if (!isId(id)) throw notFound('notification', id, 'ids');
  const rows = wanted.length
    ? await ctx.em.find(NotificationSchema, { id: { $in: wanted }, recipient: inbox }, { orderBy: { seq: 'desc' } })
    : [];
  const missing = wanted.find((id) => !rows.some((r) => r.id === id));
  // Another inbox's notification is as unknown as one that does not exist.
  if (missing) throw notFound('notification', missing, 'ids');
  const now = ctx.clock.now();
  for (const row of rows) row.readAt ??= now;
  await ctx.em.flush();
  return rows;
}

/** Marks every unread notification of the viewer's inbox read; returns how many. */
export async function markAllRead(ctx: ServiceContext): Promise<number> {
  const inbox = inboxOf(ctx.viewer);
  return ctx.em.nativeUpdate(NotificationSchema, { recipient: inbox, readAt: null }, { readAt: ctx.clock.now() });
}

export interface PreferenceView {
  eventType: string;
  label: string;
  inApp: boolean;
}

/** Every known event type, and any other the inbox set, with the inbox's choice (on unless turned off). */
export async function preferences(ctx: ServiceContext): Promise<PreferenceView[]> {
  const inbox = inboxOf(ctx.viewer);
  const stored = await ctx.em.find(NotificationPreferenceSchema, { recipient: inbox });
  const choice = new Map(stored.map((p) => [p.eventType, p.inApp]));
  const types = [...new Set([...Object.keys(knownEventTypes), ...choice.keys()])];
  return types.map((eventType) => ({ eventType, label: labelOf(eventType), inApp: choice.get(eventType) ?? true }));
}

/** Turns one event type's notifications on or off for the viewer's inbox, from the next event on. */
export async function setPreference(ctx: ServiceContext, eventType: string, inApp: boolean): Promise<PreferenceView> {
  const inbox = inboxOf(ctx.viewer);
  const type = eventType.trim();
  if (!eventTypePattern.test(type) || type.length > 100) {
    throw badInput(
      `${JSON.stringify(eventType)} is not an event type: use dotted lower-case words such as suggestion.reply.`,
      'eventType',
    );
  }
  await ctx.em.upsert(NotificationPreferenceSchema, {
    recipient: inbox,
    eventType: type,
    inApp,
    updatedAt: ctx.clock.now(),
  });
  return { eventType: type, label: labelOf(type), inApp };
}
