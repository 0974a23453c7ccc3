import type { MikroORM } from '@mikro-orm/postgresql';
import type { RedisTarget } from '@renda/cache/cache';
import type { EventService } from './envelope.ts';
import type { TaskLog } from './leader.ts';
import { installOutbox } from './record.ts';
import { EventBus, localTransport, OutboxRelay, redisTransport, type RelaySettings } from './relay.ts';
import { ReminderScheduler, type ReminderJob } from './reminders.ts';

/** A service's event settings, from its env module (EVENTS_*, REMINDERS_EVERY_MS). */
export interface EventSettings extends RelaySettings {
  /** How often the reminder scheduler's leader looks for deadlines. */
  remindersEveryMs: number;
}

export interface OutboxOptions {
  service: EventService;
  schema: string;
  orm: MikroORM;
  clock: { now(): Date };
  log: TaskLog;
  /** The subgraph secret, sent with `POST EVENTS_URL`. */
  secret: string;
  settings: EventSettings;
  jobs: ReminderJob[];
  /** Redis (REDIS_URL or REDIS_CLUSTER_NODES): events go to its stream; without it, in process and to EVENTS_URL. */
  redis?: RedisTarget | undefined;
  /** Isolates the stream like cache keys are isolated (`<prefix>events`); default `renda:`. */
  streamPrefix?: string;
  /** Whether this process runs the relay and the reminders (off: events are only recorded). */
  relay: boolean;
  reminders: boolean;
}

export interface RunningOutbox {
  /** In-process subscribers (fed by the relay when there is no Redis). */
  bus: EventBus;
  relay: OutboxRelay | null;
  reminders: ReminderScheduler | null;
  stop(): Promise<void>;
}

/** Installs the outbox on the ORM and starts this copy's relay and reminder scheduler (each leads or waits). */
export async function startOutbox(options: OutboxOptions): Promise<RunningOutbox> {
  const subscriber = await installOutbox(options.orm, options.schema, options.clock.now());
  const bus = new EventBus();
  const knex = options.orm.em.getConnection('write').getKnex();
  const relay = options.relay
    ? new OutboxRelay({
        service: options.service,
        schema: options.schema,
        knex,
        transport: options.redis
          ? redisTransport(options.redis, options.streamPrefix ?? 'renda:', options.settings.streamMaxLength)
          : localTransport(bus, options.settings.eventsUrl, options.secret),
        settings: options.settings,
        log: options.log,
        subscriber,
        now: () => options.clock.now(),
      })
    : null;
  const reminders =
    options.reminders && options.jobs.length
      ? new ReminderScheduler({
          service: options.service,
          schema: options.schema,
          knex,
          jobs: options.jobs,
          clock: options.clock,
          everyMs: options.settings.remindersEveryMs,
          log: options.log,
        })
      : null;
  relay?.start();
  reminders?.start();
  return {
    bus,
    relay,
    reminders,
    async stop() {
      await Promise.all([relay?.stop(), reminders?.stop()]);
    },
  };
}
