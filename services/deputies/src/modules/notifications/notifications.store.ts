import type { Knex } from '@mikro-orm/postgresql';
import { sqlTable, type Names } from '@renda/db/tables';
import type { EventEnvelope } from './envelope.ts';
import {
  NotificationPreferenceSchema,
  NotificationSchema,
  ProcessedEventSchema,
  WebhookAttemptSchema,
  WebhookDeliverySchema,
  WebhookSchema,
} from './notification.entity.ts';

/**
 * The statements of the notification hub: taking in events (`events.service.ts`) and the webhook delivery
 * worker (`delivery.ts`). Both run on a bare knex (the hub's intake and a background loop, no EntityManager);
 * their tables are named from the ORM's metadata (`names`: the ORM itself).
 */
const tables = (names: Names) => ({
  processedEvents: sqlTable(names, ProcessedEventSchema),
  notifications: sqlTable(names, NotificationSchema),
  preferences: sqlTable(names, NotificationPreferenceSchema),
  webhooks: sqlTable(names, WebhookSchema),
  deliveries: sqlTable(names, WebhookDeliverySchema),
  attempts: sqlTable(names, WebhookAttemptSchema),
});

/** Marks the event taken in; false when it already was (a copy: nothing else is to be done). */
export async function markProcessed(names: Names, trx: Knex, event: EventEnvelope, now: Date): Promise<boolean> {
  const t = tables(names);
  const { rows: first } = (await trx.raw(
    `insert into ${t.processedEvents} (event_id, service, type, received_at) values (?, ?, ?, ?)
     on conflict (event_id) do nothing returning event_id`,
    [event.id, event.service, event.type, now],
  )) as { rows: unknown[] };
  return first.length > 0;
}

/** One statement for any audience size: a notification per inbox (`ids[i]` for `recipients[i]`), leaving out inboxes that turned the type off. */
export async function insertNotifications(
  names: Names,
  trx: Knex,
  event: EventEnvelope,
  text: { title: string; body: string | null },
  now: Date,
  recipients: string[],
  ids: string[],
): Promise<void> {
  const t = tables(names);
  await trx.raw(
    `insert into ${t.notifications} (id, recipient, event_id, event_type, title, body, region_code,
         aggregate_type, aggregate_id, occurred_at, created_at)
       select r.id, r.recipient, ?, ?, ?, ?, ?, ?, ?, ?, ?
       from unnest(?::text[], ?::uuid[]) as r(recipient, id)
       where not exists (select 1 from ${t.preferences} p
                         where p.recipient = r.recipient and p.event_type = ? and not p.in_app)
       on conflict (event_id, recipient) do nothing`,
    [
      event.id,
      event.type,
      text.title,
      text.body,
      event.regionCode,
      event.aggregateType,
      event.aggregateId,
      new Date(event.occurredAt),
      now,
      recipients,
      ids,
      event.type,
    ],
  );
}

/** A queued delivery for every enabled webhook of the regions `codes` that takes the event's type. */
export async function queueDeliveries(
  names: Names,
  trx: Knex,
  event: EventEnvelope,
  now: Date,
  codes: string[],
): Promise<void> {
  const t = tables(names);
  await trx.raw(
    `insert into ${t.deliveries} (id, webhook_id, event_id, event_type, payload, status, next_attempt_at, created_at)
       select gen_random_uuid(), w.id, ?, ?, ?::jsonb, 'PENDING', ?, ?
       from ${t.webhooks} w
       where w.enabled and w.region_code = any(?::text[]) and ? = any(w.event_types)
       on conflict (webhook_id, event_id) do nothing`,
    [event.id, event.type, JSON.stringify(event), now, now, codes, event.type],
  );
}

/** A delivery claimed for an attempt, with its webhook's address and secret. */
export interface Claimed {
  id: string;
  webhook_id: string;
  event_type: string;
  payload: unknown;
  attempts: number;
  failures: number;
  url: string;
  secret: string;
}

/** Claims up to `batchSize` deliveries due at `now` (their attempt counted, leased until `lease`), skipping those locked by another copy. */
export async function claimDue(
  names: Names,
  knex: Knex,
  now: Date,
  batchSize: number,
  lease: Date,
): Promise<Claimed[]> {
  const t = tables(names);
  const { rows } = (await knex.raw(
    `with due as (
         select d.id from ${t.deliveries} d join ${t.webhooks} w on w.id = d.webhook_id
         where d.status = 'PENDING' and d.next_attempt_at <= ? and w.enabled
         order by d.next_attempt_at, d.seq limit ? for update of d skip locked)
       update ${t.deliveries} d set attempts = d.attempts + 1, next_attempt_at = ?
       from due, ${t.webhooks} w
       where d.id = due.id and w.id = d.webhook_id
       returning d.id, d.webhook_id, d.event_type, d.payload, d.attempts, d.failures, w.url, w.secret`,
    [now, batchSize, lease],
  )) as { rows: Claimed[] };
  return rows;
}

/** One attempt of a delivery, as sent. */
export interface AttemptRow {
  deliveryId: string;
  number: number;
  attemptedAt: Date;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseExcerpt: string | null;
  nextAttemptAt: Date | null;
  succeeded: boolean;
}

/** Records an attempt (once per delivery and number). */
export async function insertAttempt(names: Names, trx: Knex, a: AttemptRow): Promise<void> {
  const t = tables(names);
  await trx.raw(
    `insert into ${t.attempts} (delivery_id, number, attempted_at, status_code, duration_ms, error,
           response_excerpt, next_attempt_at, succeeded)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing`,
    [
      a.deliveryId,
      a.number,
      a.attemptedAt,
      a.statusCode,
      a.durationMs,
      a.error,
      a.responseExcerpt,
      a.nextAttemptAt,
      a.succeeded,
    ],
  );
}

/** The delivery's state after attempt `attempts`, only while that attempt is still the latest (a lease that ran out was claimed again by another copy). */
export async function settleDelivery(
  names: Names,
  trx: Knex,
  s: {
    id: string;
    attempts: number;
    status: string;
    failures: number;
    next: Date | null;
    succeeded: boolean;
    done: Date;
  },
): Promise<void> {
  const t = tables(names);
  await trx.raw(
    `update ${t.deliveries} set status = ?, failures = ?, next_attempt_at = ?,
           delivered_at = case when ? then ?::timestamptz else delivered_at end
         where id = ? and attempts = ? and status = 'PENDING'`,
    [s.status, s.failures, s.next, s.succeeded, s.done, s.id, s.attempts],
  );
}
