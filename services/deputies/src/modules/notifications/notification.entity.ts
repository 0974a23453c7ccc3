import { EntitySchema } from '@mikro-orm/postgresql';

/** An event the hub has taken in: the idempotency record (a second copy of the same id does nothing). */
export interface ProcessedEvent {
  eventId: string;
  service: string;
  type: string;
  receivedAt: Date;
}

export const ProcessedEventSchema = new EntitySchema<ProcessedEvent>({
  name: 'ProcessedEvent',
  tableName: 'processed_events',
  properties: {
    eventId: { type: 'uuid', primary: true },
    service: { type: 'string', length: 20 },
    type: { type: 'string', length: 100 },
    receivedAt: { type: 'datetime' },
  },
});

/** Webhook 回调: events of some types in a region subtree, POSTed to a URL and signed with the secret. */
export interface Webhook {
  id: string;
  url: string;
  regionCode: string;
  eventTypes: string[];
  description: string | null;
  /** HMAC key; shown once at registration or rotation, never read by a query. */
  secret: string;
  enabled: boolean;
  createdBy: string;
  createdAt: Date;
  secretIssuedAt: Date;
}

export const WebhookSchema = new EntitySchema<Webhook>({
  name: 'Webhook',
  tableName: 'webhooks',
  properties: {
    id: { type: 'uuid', primary: true },
    url: { type: 'string', length: 2000 },
    regionCode: { type: 'string', length: 12 },
    eventTypes: { type: 'string[]', columnType: 'text[]' },
    description: { type: 'string', length: 500, nullable: true },
    secret: { type: 'string', length: 100, lazy: true },
    enabled: { type: 'boolean', default: true },
    createdBy: { type: 'string', length: 200 },
    createdAt: { type: 'datetime' },
    secretIssuedAt: { type: 'datetime' },
  },
});

export type DeliveryStatus = 'PENDING' | 'SUCCEEDED' | 'PARKED';

/** One event for one webhook: retried until the receiver answers 2xx, parked after the set failures. */
export interface WebhookDelivery {
  id: string;
  seq: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  payload: Record<string, unknown>;
  status: DeliveryStatus;
  /** Attempts made in all (numbers the log). */
  attempts: number;
  /** Failed attempts since the delivery was last queued (parks at the limit; a re-queue resets it). */
  failures: number;
  nextAttemptAt: Date | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

export const WebhookDeliverySchema = new EntitySchema<WebhookDelivery>({
  name: 'WebhookDelivery',
  tableName: 'webhook_deliveries',
  properties: {
    id: { type: 'uuid', primary: true },
    seq: { type: 'bigint', autoincrement: true, unique: true },
    webhookId: { type: 'uuid' },
    eventId: { type: 'uuid' },
    eventType: { type: 'string', length: 100 },
    payload: { type: 'json' },
    status: { type: 'string', length: 10 },
    attempts: { type: 'integer', default: 0 },
    failures: { type: 'integer', default: 0 },
    nextAttemptAt: { type: 'datetime', nullable: true },
    createdAt: { type: 'datetime' },
    deliveredAt: { type: 'datetime', nullable: true },
  },
  uniques: [{ properties: ['webhookId', 'eventId'] }],
});

/** One attempt of a delivery, as the log shows it. */
export interface WebhookAttempt {
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

export const WebhookAttemptSchema = new EntitySchema<WebhookAttempt>({
  name: 'WebhookAttempt',
  tableName: 'webhook_attempts',
  properties: {
    deliveryId: { type: 'uuid', primary: true },
    number: { type: 'integer', primary: true },
    attemptedAt: { type: 'datetime' },
    statusCode: { type: 'integer', nullable: true },
    durationMs: { type: 'integer' },
    error: { type: 'string', length: 500, nullable: true },
    responseExcerpt: { type: 'string', length: 256, nullable: true },
    nextAttemptAt: { type: 'datetime', nullable: true },
    succeeded: { type: 'boolean' },
  },
});

/** 通知: one event in one inbox (`deputy:<id>`, `unit:<id>` or `staff:<region code>`). */
export interface Notification {
  id: string;
  seq: string;
  recipient: string;
  eventId: string;
  eventType: string;
  title: string;
  body: string | null;
  regionCode: string | null;
  aggregateType: string;
  aggregateId: string;
  occurredAt: Date;
  createdAt: Date;
  readAt: Date | null;
}

export const NotificationSchema = new EntitySchema<Notification>({
  name: 'Notification',
  tableName: 'notifications',
  properties: {
    id: { type: 'uuid', primary: true },
    seq: { type: 'bigint', autoincrement: true, unique: true },
    recipient: { type: 'string', length: 120 },
    eventId: { type: 'uuid' },
    eventType: { type: 'string', length: 100 },
    title: { type: 'string', length: 100 },
    body: { type: 'string', length: 500, nullable: true },
    regionCode: { type: 'string', length: 12, nullable: true },
    aggregateType: { type: 'string', length: 100 },
    aggregateId: { type: 'string', length: 100 },
    occurredAt: { type: 'datetime' },
    createdAt: { type: 'datetime' },
    readAt: { type: 'datetime', nullable: true },
  },
  uniques: [{ properties: ['eventId', 'recipient'] }],
});

/** 通知订阅: an inbox turned one event type's notifications off (or back on). */
export interface NotificationPreference {
  recipient: string;
  eventType: string;
  inApp: boolean;
  updatedAt: Date;
}

export const NotificationPreferenceSchema = new EntitySchema<NotificationPreference>({
  name: 'NotificationPreference',
  tableName: 'notification_preferences',
  properties: {
    recipient: { type: 'string', length: 120, primary: true },
    eventType: { type: 'string', length: 100, primary: true },
    inApp: { type: 'boolean' },
    updatedAt: { type: 'datetime' },
  },
});
