/** The services whose outboxes feed the event stream. */
export type EventService = 'deputies' | 'suggestions' | 'supervision' | 'voting';

/** Whom an event concerns, so notifications can target people: deputies, handling units, a region's staff. */
export interface EventAudience {
  deputyIds?: string[];
  unitIds?: string[];
  regionCode?: string;
}

/**
 * One event as it leaves a service's outbox (Redis Stream, in-process subscribers, `POST EVENTS_URL`).
 * Webhooks and notifications are built against this shape: add fields, never change these.
 */
export interface EventEnvelope {
  /** A uuid: consumers deduplicate by it (delivery is at least once). */
  id: string;
  service: EventService;
  /** `suggestion.step`, `sheet.issued`, `ballot.closed`, `reminder.reply-due` … (README: Events and reminders). */
  type: string;
  aggregateType: string;
  aggregateId: string;
  regionCode: string | null;
  /** ISO 8601 instant, from the service's injected clock. */
  occurredAt: string;
  data: Record<string, unknown>;
  audience: EventAudience | null;
}

/** What a write records: the envelope without the service (the outbox's schema says it) and with an optional id. */
export interface NewEvent {
  /** Default: a new uuid. */
  id?: string;
  type: string;
  aggregateType: string;
  aggregateId: string;
  regionCode?: string | null;
  occurredAt: Date | string;
  data?: Record<string, unknown>;
  audience?: EventAudience | null;
}

/** Drops empty lists and duplicates so `audience` says only what it has; null when it has nothing. */
export function audienceOf(audience: EventAudience | null | undefined): EventAudience | null {
  if (!audience) return null;
  const out: EventAudience = {};
  const ids = (list: (string | null | undefined)[] | undefined) => [
    ...new Set((list ?? []).filter((x): x is string => !!x)),
  ];
  const deputyIds = ids(audience.deputyIds);
  const unitIds = ids(audience.unitIds);
  if (deputyIds.length) out.deputyIds = deputyIds;
  if (unitIds.length) out.unitIds = unitIds;
  if (audience.regionCode) out.regionCode = audience.regionCode;
  return Object.keys(out).length ? out : null;
}
