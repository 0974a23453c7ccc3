import { defineEntity, type InferEntity, p } from '@mikro-orm/postgresql';

/** An event the hub has taken in: the idempotency record (a second copy of the same id does nothing). */
export const ProcessedEventSchema = defineEntity({
  name: 'ProcessedEvent',
  tableName: 'processed_events',
  properties: {
    eventId: p.uuid().primary(),
    service: p.string().length(20),
    type: p.string().length(100),
    receivedAt: p.datetime(),
  },
});

/** Webhook 回调: events of some types in a region subtree, POSTed to a URL and signed with the secret. */
export const WebhookSchema = defineEntity({
  name: 'Webhook',
  tableName: 'webhooks',
  indexes: [
    {
      name: 'webhooks_region_code_index',
      expression:
        'create index "webhooks_region_code_index" on "deputies"."webhooks" ("region_code" varchar_pattern_ops)',
    },
  ],
  checks: [
    { name: 'webhooks_url_check', expression: `"url" ~ '^https?://'` },
    {
      name: 'webhooks_event_types_check',
      expression: `cardinality("event_types") >= 1 and cardinality("event_types") <= 50`,
    },
  ],
  properties: {
    id: p.uuid().primary(),
    url: p.string().length(2000),
    regionCode: p.string().length(12),
    eventTypes: p.array().columnType('text[]'),
    description: p.string().length(500).nullable(),
    /** HMAC key; shown once at registration or rotation, never read by a query. */
    secret: p.string().length(100).lazy(true, false),
    enabled: p.boolean().default(true),
    createdBy: p.string().length(200),
    createdAt: p.datetime(),
    secretIssuedAt: p.datetime(),
  },
});
export type Webhook = InferEntity<typeof WebhookSchema>;

export const deliveryStatuses = ['PENDING', 'SUCCEEDED', 'PARKED'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/** One event for one webhook: retried until the receiver answers 2xx, parked after the set failures. */
export const WebhookDeliverySchema = defineEntity({
  name: 'WebhookDelivery',
  tableName: 'webhook_deliveries',
  uniques: [{ properties: ['webhookId', 'eventId'] }],
  indexes: [
    // The worker's claim: due PENDING deliveries in the order they fall due.
    {
      name: 'webhook_deliveries_due_index',
      expression:
        'create index "webhook_deliveries_due_index" on "deputies"."webhook_deliveries" ("next_attempt_at") where "status" = \'PENDING\'',
    },
    { name: 'webhook_deliveries_webhook_index', properties: ['webhookId', 'seq'] },
  ],
  checks: [
    { name: 'webhook_deliveries_attempts_check', expression: '"attempts" >= 0' },
    { name: 'webhook_deliveries_failures_check', expression: '"failures" >= 0' },
    {
      name: 'webhook_deliveries_next_attempt_check',
      expression: `("status" = 'PENDING') = ("next_attempt_at" is not null)`,
    },
  ],
  properties: {
    id: p.uuid().primary(),
    seq: p.bigint('string').autoincrement().unique(),
    webhookId: () =>
      p.manyToOne(WebhookSchema).mapToPk().fieldName('webhook_id').updateRule('no action').deleteRule('cascade'),
    eventId: p.uuid(),
    eventType: p.string().length(100),
    payload: p.json<Record<string, unknown>>(),
    status: p.enum([...deliveryStatuses]).columnType('varchar(10)'),
    /** Attempts made in all (numbers the log). */
    attempts: p.integer().default(0),
    /** Failed attempts since the delivery was last queued (parks at the limit; a re-queue resets it). */
    failures: p.integer().default(0),
    nextAttemptAt: p.datetime().nullable(),
    createdAt: p.datetime(),
    deliveredAt: p.datetime().nullable(),
  },
});
export type WebhookDelivery = InferEntity<typeof WebhookDeliverySchema>;

/** One attempt of a delivery, as the log shows it. */
export const WebhookAttemptSchema = defineEntity({
  name: 'WebhookAttempt',
  tableName: 'webhook_attempts',
  checks: [
    { name: 'webhook_attempts_number_check', expression: '"number" >= 1' },
    { name: 'webhook_attempts_duration_ms_check', expression: '"duration_ms" >= 0' },
  ],
  properties: {
    deliveryId: () =>
      p
        .manyToOne(WebhookDeliverySchema)
        .mapToPk()
        .primary()
        .fieldName('delivery_id')
        .updateRule('no action')
        .deleteRule('cascade'),
    number: p.integer().primary(),
    attemptedAt: p.datetime(),
    statusCode: p.integer().nullable(),
    durationMs: p.integer(),
    error: p.string().length(500).nullable(),
    responseExcerpt: p.string().length(256).nullable(),
    nextAttemptAt: p.datetime().nullable(),
    succeeded: p.boolean(),
  },
});
export type WebhookAttempt = InferEntity<typeof WebhookAttemptSchema>;

/** 通知: one event in one inbox (`deputy:<id>`, `unit:<id>` or `staff:<region code>`). */
export const NotificationSchema = defineEntity({
  name: 'Notification',
  tableName: 'notifications',
  uniques: [{ properties: ['eventId', 'recipient'] }],
  indexes: [
    { name: 'notifications_inbox_index', properties: ['recipient', 'seq'] },
    {
      name: 'notifications_unread_index',
      expression:
        'create index "notifications_unread_index" on "deputies"."notifications" ("recipient") where "read_at" is null',
    },
  ],
  properties: {
    id: p.uuid().primary(),
    seq: p.bigint('string').autoincrement().unique(),
    recipient: p.string().length(120),
    eventId: p.uuid(),
    eventType: p.string().length(100),
    title: p.string().length(100),
    body: p.string().length(500).nullable(),
    regionCode: p.string().length(12).nullable(),
    aggregateType: p.string().length(100),
    aggregateId: p.string().length(100),
    occurredAt: p.datetime(),
    createdAt: p.datetime(),
    readAt: p.datetime().nullable(),
  },
});
export type Notification = InferEntity<typeof NotificationSchema>;

/** 通知订阅: an inbox turned one event type's notifications off (or back on). */
export const NotificationPreferenceSchema = defineEntity({
  name: 'NotificationPreference',
  tableName: 'notification_preferences',
  properties: {
    recipient: p.string().length(120).primary(),
    eventType: p.string().length(100).primary(),
    inApp: p.boolean(),
    updatedAt: p.datetime(),
  },
});
