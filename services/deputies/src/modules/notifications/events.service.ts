import type { Knex } from '@mikro-orm/postgresql';
import type { Names } from '@renda/db/tables';
import { newId } from '@renda/db/ids';
import type { Clock } from '@renda/server-kit/clock';
import { eventEnvelopeSchema, notificationText, type EventEnvelope } from './envelope.ts';
import { insertNotifications, markProcessed, queueDeliveries } from './notifications.store.ts';

/** What the hub did with a batch: events taken in, and copies of events it already had (dropped). */
export interface IntakeResult {
  accepted: number;
  duplicates: number;
}

/** An event that is not an envelope, with where it is in the batch and what is wrong. */
export class InvalidEvent extends Error {
  constructor(
    readonly index: number,
    readonly problems: string[],
  ) {
    super(`events[${index}] is not an event envelope: ${problems.join('; ')}`);
  }
}

/** Checks a batch before any of it is taken in: all envelopes, or an `InvalidEvent` for the first that is not. */
export function parseEvents(events: readonly unknown[]): EventEnvelope[] {
  return events.map((event, index) => {
    const parsed = eventEnvelopeSchema.safeParse(event);
    if (!parsed.success) {
      throw new InvalidEvent(
        index,
        parsed.error.issues.map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`),
      );
    }
    return parsed.data;
  });
}

/** The inboxes an event's audience names: each deputy, each unit, the staff of the region. */
export function recipientsOf(event: EventEnvelope): string[] {
  const audience = event.audience;
  if (!audience) return [];
  return [
    ...new Set([
      ...(audience.deputyIds ?? []).map((id) => `deputy:${id.toLowerCase()}`),
      ...(audience.unitIds ?? []).map((id) => `unit:${id}`),
      ...(audience.regionCode ? [`staff:${audience.regionCode}`] : []),
    ]),
  ];
}

/** Region codes whose subtree holds `code`: the code and each level above it (43, 4301, 430181 …). */
function enclosingCodes(code: string): string[] {
  return [2, 4, 6, 9].filter((n) => n <= code.length).map((n) => code.slice(0, n));
}

/**
 * Takes in events, each in its own transaction and at most once by id (whichever way it came, however
 * often): its notifications, for every inbox of the audience that has not turned the type off, and a
 * queued delivery for every enabled webhook of the event's region subtree that takes the type.
 */
export async function handleEvents(
  names: Names,
  knex: Knex,
  clock: Clock,
  events: readonly unknown[],
): Promise<IntakeResult> {
  const checked = parseEvents(events);
  const result: IntakeResult = { accepted: 0, duplicates: 0 };
  for (const event of checked) {
    const fresh = await knex.transaction((trx) => takeIn(names, trx, clock, event));
    if (fresh) result.accepted += 1;
    else result.duplicates += 1;
  }
  return result;
}

async function takeIn(names: Names, trx: Knex.Transaction, clock: Clock, event: EventEnvelope): Promise<boolean> {
  const now = clock.now();
  if (!(await markProcessed(names, trx, event, now))) return false;

  const recipients = recipientsOf(event);
  if (recipients.length) {
    const text = notificationText(event);
    // One statement for any audience size; inboxes that turned the type off are left out.
    await insertNotifications(
      names,
      trx,
      event,
      text,
      now,
      recipients,
      recipients.map(() => newId(now.getTime())),
    );
  }

  if (event.regionCode) await queueDeliveries(names, trx, event, now, enclosingCodes(event.regionCode));
  return true;
}
