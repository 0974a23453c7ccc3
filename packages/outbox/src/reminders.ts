import type { Knex } from '@mikro-orm/postgresql';
import type { NewEvent } from './envelope.ts';
import { LeaderLoop, type TaskLog } from './leader.ts';
import { recordEvent } from './record.ts';
import { quoteIdent } from './table.ts';

/** One deadline to remind of: raised once per (job kind, subject, deadline), whatever the copies or rounds. */
export interface Reminder {
  subjectId: string;
  /** The deadline's calendar day (YYYY-MM-DD): part of the once-only key. */
  deadline: string;
  event: Omit<NewEvent, 'occurredAt'>;
}

/**
 * A kind of deadline a service reminds of. `due` answers the deadlines that call for a reminder at
 * `now` and have none yet (it should leave out those in `reminder_sent`, so each round finds only
 * new ones, and stay below a few hundred rows per call).
 */
export interface ReminderJob {
  kind: string;
  due(knex: Knex, now: Date): Promise<Reminder[]>;
}

export interface ReminderSchedulerOptions {
  service: string;
  schema: string;
  knex: Knex;
  jobs: ReminderJob[];
  clock: { now(): Date };
  everyMs: number;
  log: TaskLog;
}

/**
 * Raises deadline events into the outbox, in the copy of the service that leads (advisory lock).
 * Each reminder's row in `reminder_sent` (unique per kind, subject and deadline) is inserted in the
 * same transaction as its event, so two copies, or a round run twice, raise it once.
 */
export class ReminderScheduler {
  private readonly loop: LeaderLoop;

  constructor(private readonly options: ReminderSchedulerOptions) {
    quoteIdent(options.schema);
    this.loop = new LeaderLoop({
      name: `${options.service} reminders`,
      lockKey: `renda:reminders:${options.schema}`,
      knex: options.knex,
      intervalMs: options.everyMs,
      log: options.log,
      tick: () => this.round().then(() => false),
    });
  }

  get isLeader(): boolean {
    return this.loop.isLeader;
  }

  start(): void {
    this.loop.start();
  }

  /** One round as leader now, if this copy leads (tests). */
  runOnce(): Promise<void> {
    return this.loop.runOnce();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Every job once at the clock's `now`; returns how many reminders were raised. Safe to run in several copies. */
  async round(): Promise<number> {
    const { knex, schema, clock } = this.options;
    const now = clock.now();
    let raised = 0;
    for (const job of this.options.jobs) {
      for (const reminder of await job.due(knex, now)) {
        const done = await knex.transaction(async (trx) => {
          const { rows } = (await trx.raw(
            `insert into ${quoteIdent(schema)}."reminder_sent" ("kind", "subject_id", "deadline", "event_id", "sent_at")
             values (?, ?, ?::date, gen_random_uuid(), ?::timestamptz) on conflict do nothing returning "event_id"`,
            [job.kind, reminder.subjectId, reminder.deadline, now.toISOString()],
          )) as { rows: { event_id: string }[] };
          const eventId = rows[0]?.event_id;
          if (!eventId) return false;
          const data = { kind: job.kind, deadline: reminder.deadline, ...reminder.event.data };
          await recordEvent(trx, { ...reminder.event, id: eventId, data, occurredAt: now }, { schema });
          return true;
        });
        if (done) raised++;
      }
    }
    return raised;
  }
}

/** `and not exists (…)`: leaves out the subjects already reminded of this kind and deadline. */
export function notYetReminded(schema: string, kind: string, subjectSql: string, deadlineSql: string): string {
  return `not exists (select 1 from ${quoteIdent(schema)}."reminder_sent" r where r."kind" = '${kind.replaceAll("'", "''")}' and r."subject_id" = (${subjectSql})::text and r."deadline" = (${deadlineSql})::date)`;
}
