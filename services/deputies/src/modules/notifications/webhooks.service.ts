import { covers, requireRole, requireWriteIn } from '@renda/auth/guards';
import { isId, newId } from '@renda/db/ids';
import { badInput, conflict, forbidden, notFound } from '@renda/errors/errors';
import type { ServiceContext } from '@renda/server-kit/context';
import { decodeCursor, pageById, pageSize, toConnection, type Connection } from '@renda/server-kit/pagination';
import { optionalText, requireRegionCode } from '@renda/server-kit/validate';
import { eventTypePattern } from './envelope.ts';
import {
  WebhookAttemptSchema,
  WebhookDeliverySchema,
  WebhookSchema,
  type DeliveryStatus,
  type Webhook,
  type WebhookAttempt,
  type WebhookDelivery,
} from './notification.entity.ts';
import { newWebhookSecret } from './signature.ts';

export interface RegisterWebhookInput {
  url: string;
  regionCode: string;
  eventTypes: readonly string[];
  description?: string | null;
}

/** The URL a webhook posts to: http or https, no credentials in it, at most 2000 characters. */
export function requireWebhookUrl(value: string, field: string): string {
  const text = value.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // No scheme-and-slashes in messages: the gateway masks any that look like an address.
    throw badInput(`${JSON.stringify(value)} is not a URL: give a web address with the http or https scheme.`, field);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw badInput(`A webhook URL must use the http or https scheme, not ${url.protocol.replace(/:$/, '')}.`, field);
  }
  if (url.username || url.password)
    throw badInput('A webhook URL must not carry a user name or password: deliveries are signed instead.', field);
  if (text.length > 2000) throw badInput('A webhook URL is at most 2000 characters.', field);
  return url.toString();
}

function requireEventTypes(types: readonly string[], field: string): string[] {
  const list = [...new Set(types.map((t) => t.trim()))];
  if (list.length < 1 || list.length > 50) throw badInput('Name 1 to 50 event types, such as suggestion.reply.', field);
  for (const type of list) {
    if (!eventTypePattern.test(type) || type.length > 100) {
      throw badInput(
        `${JSON.stringify(type)} is not an event type: use dotted lower-case words such as suggestion.reply.`,
        field,
      );
    }
  }
  return list;
}

/** Registers a webhook (STAFF, ADMIN of the region); the secret is in the answer and nowhere else. */
export async function registerWebhook(
  ctx: ServiceContext,
  input: RegisterWebhookInput,
): Promise<{ webhook: Webhook; secret: string }> {
  requireRole(ctx.viewer, ['ADMIN', 'STAFF'], 'register webhooks');
  const regionCode = requireRegionCode(input.regionCode, 'input.regionCode');
  const viewer = requireWriteIn(ctx.viewer, regionCode, 'register a webhook');
  const url = requireWebhookUrl(input.url, 'input.url');
  const eventTypes = requireEventTypes(input.eventTypes, 'input.eventTypes');
  const description = optionalText(input.description, 'input.description', 500);
  const now = ctx.clock.now();
  const secret = newWebhookSecret();
  const webhook = ctx.em.create(WebhookSchema, {
    id: newId(),
    url,
    regionCode,
    eventTypes,
    description,
    secret,
    enabled: true,
    createdBy: viewer.sub,
    createdAt: now,
    secretIssuedAt: now,
  });
  await ctx.em.flush();
  return { webhook, secret };
}

/** A webhook the viewer administers (STAFF, ADMIN of its region): NOT_FOUND when unknown, else FORBIDDEN. */
async function ownWebhook(ctx: ServiceContext, id: string, doing: string): Promise<Webhook> {
  requireRole(ctx.viewer, ['ADMIN', 'STAFF'], doing);
  const webhook = isId(id) ? await ctx.em.findOne(WebhookSchema, { id: id.toLowerCase() }) : null;
  if (!webhook) throw notFound('webhook', id, 'id');
  requireWriteIn(ctx.viewer, webhook.regionCode, doing);
  return webhook;
}

/** `webhook(id)`: null when unknown; FORBIDDEN outside the viewer's subtree. */
export async function findWebhook(ctx: ServiceContext, id: string): Promise<Webhook | null> {
  try {
    return await ownWebhook(ctx, id, 'read webhooks');
  } catch (e) {
    if ((e as { extensions?: { code?: string } }).extensions?.code === 'NOT_FOUND') return null;
    throw e;
  }
}

/** Webhooks of a subtree (default: the token's), in order of registration. STAFF and ADMIN. */
export async function listWebhooks(
  ctx: ServiceContext,
  regionCode: string | null | undefined,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Connection<Webhook>> {
  const viewer = requireRole(ctx.viewer, ['ADMIN', 'STAFF'], 'read webhooks');
  const scope = regionCode ? requireRegionCode(regionCode, 'regionCode') : viewer.region;
  if (scope !== null && !covers(viewer, scope))
    throw forbidden(`Region ${scope} is outside your region ${viewer.region}: you may not read its webhooks.`);
  return pageById(ctx.em, WebhookSchema, scope === null ? {} : { regionCode: { $like: `${scope}%` } }, first, after);
}

export async function rotateSecret(ctx: ServiceContext, id: string): Promise<{ webhook: Webhook; secret: string }> {
  const webhook = await ownWebhook(ctx, id, "rotate a webhook's secret");
  const secret = newWebhookSecret();
  webhook.secret = secret;
  webhook.secretIssuedAt = ctx.clock.now();
  await ctx.em.flush();
  return { webhook, secret };
}

export async function setEnabled(ctx: ServiceContext, id: string, enabled: boolean): Promise<Webhook> {
  const webhook = await ownWebhook(ctx, id, enabled ? 'enable a webhook' : 'disable a webhook');
  webhook.enabled = enabled;
  await ctx.em.flush();
  return webhook;
}

export async function deleteWebhook(ctx: ServiceContext, id: string): Promise<string> {
  const webhook = await ownWebhook(ctx, id, 'delete a webhook');
  // Its deliveries and their attempts go with it (foreign keys on delete cascade).
  await ctx.em.nativeDelete(WebhookSchema, { id: webhook.id });
  return webhook.id;
}

/** A webhook's deliveries, newest first, optionally of one status. */
export async function listDeliveries(
  ctx: ServiceContext,
  webhookId: string,
  first: number | null | undefined,
  after: string | null | undefined,
  status: DeliveryStatus | null | undefined,
): Promise<Connection<WebhookDelivery>> {
  const webhook = await ownWebhook(ctx, webhookId, 'read webhook deliveries');
  const limit = pageSize(first);
  const afterSeq = decodeCursor(after);
  if (afterSeq !== null && !/^\d{1,18}$/.test(afterSeq)) {
    throw badInput(
      '`after` is not a cursor this API issued; use a `cursor` or `endCursor` from an earlier page.',
      'after',
    );
  }
  const where = { webhookId: webhook.id, ...(status ? { status } : {}) };
  const [rows, total] = await Promise.all([
    limit === 0
      ? Promise.resolve([] as WebhookDelivery[])
      : ctx.em.find(WebhookDeliverySchema, afterSeq ? { ...where, seq: { $lt: afterSeq } } : where, {
          orderBy: { seq: 'desc' },
          limit: limit + 1,
        }),
    ctx.em.count(WebhookDeliverySchema, where),
  ]);
  return toConnection(rows, limit, total, (d) => String(d.seq));
}

/** The attempts of deliveries, first to last, batched per request. */
export function attemptsOf(ctx: ServiceContext, deliveryId: string): Promise<WebhookAttempt[]> {
  return ctx.loaders
    .get<string, WebhookAttempt[]>('WebhookDelivery.attempts', async (ids) => {
      const rows = await ctx.em.find(
        WebhookAttemptSchema,
        { deliveryId: { $in: [...ids] } },
        { orderBy: { deliveryId: 'asc', number: 'asc' } },
      );
      return ids.map((id) => rows.filter((r) => r.deliveryId === id));
    })
    .load(deliveryId);
}

/** Queues a PARKED delivery again, due now, with a fresh run of attempts; other states CONFLICT. */
export async function requeueDelivery(ctx: ServiceContext, id: string): Promise<WebhookDelivery> {
  requireRole(ctx.viewer, ['ADMIN', 'STAFF'], 're-queue webhook deliveries');
  const delivery = isId(id) ? await ctx.em.findOne(WebhookDeliverySchema, { id: id.toLowerCase() }) : null;
  if (!delivery) throw notFound('webhook delivery', id, 'id');
  await ownWebhook(ctx, delivery.webhookId, 're-queue webhook deliveries');
  // Conditional, so two requests at once queue it once.
  const changed = await ctx.em.nativeUpdate(
    WebhookDeliverySchema,
    { id: delivery.id, status: 'PARKED' },
    { status: 'PENDING', failures: 0, nextAttemptAt: ctx.clock.now() },
  );
  if (!changed)
    throw conflict(`Delivery ${delivery.id} is ${delivery.status}: only a PARKED delivery is queued again.`);
  await ctx.em.refresh(delivery);
  return delivery;
}
