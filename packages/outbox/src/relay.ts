import type { Cluster, Redis } from 'ioredis';
import type { Knex } from '@mikro-orm/postgresql';
import { connectRedis, type RedisTarget } from '@renda/cache/cache';
import { request } from 'undici';
import type { EventAudience, EventEnvelope, EventService } from './envelope.ts';
import { LeaderLoop, type LeaderConnection, type TaskLog } from './leader.ts';
import { ensurePartitions, type OutboxSubscriber } from './record.ts';
import { eventsTable, quoteIdent } from './table.ts';

export type EventHandler = (events: readonly EventEnvelope[]) => void | Promise<void>;

/**
 * In-process subscribers of one service process. Without Redis the relay hands each published
 * batch to them (in id order); a handler that throws makes the relay send the batch again later,
 * to every handler: make handlers idempotent (`idempotent` in consumers.ts).
 */
export class EventBus {
  private readonly handlers = new Set<EventHandler>();

  subscribe(handler: EventHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  async deliver(events: readonly EventEnvelope[]): Promise<void> {
    for (const handler of this.handlers) await handler(events);
  }
}

/** Relay settings, parsed from the service's env module (EVENTS_*). */
export interface RelaySettings {
  /** How often the leader looks for unpublished events (a commit in this process wakes it at once). */
  pollMs: number;
  /** Events read and published per round. */
  batchSize: number;
  /** Without Redis: where each batch is POSTed as `{ events }` (the deputies' notifications hub). */
  eventsUrl?: string | undefined;
  /** Approximate cap on the stream's length (XADD MAXLEN ~); 0 keeps everything. */
  streamMaxLength: number;
}

/** The stream of every service's events: one key, so one slot on a cluster. */
export function eventStreamKey(prefix = 'renda:'): string {
  return `${prefix}events`;
}

export interface Transport {
  readonly kind: 'redis' | 'local';
  publish(events: readonly EventEnvelope[]): Promise<void>;
  close(): Promise<void>;
}

/** XADD each event to `<prefix>events`, fields `id`, `service`, `type` and `event` (the envelope as JSON). */
export function redisTransport(target: RedisTarget, prefix: string, maxLength: number): Transport {
  const redis: Redis | Cluster = connectRedis(target, { maxRetriesPerRequest: 2 });
  redis.on('error', () => {
    // Publishing fails and is retried by the relay; ioredis reconnects on its own.
  });
  const key = eventStreamKey(prefix);
  return {
    kind: 'redis',
    async publish(events) {
      if (!events.length) return;
      const pipeline = redis.pipeline();
      for (const e of events) {
        const fields = ['id', e.id, 'service', e.service, 'type', e.type, 'event', JSON.stringify(e)];
        if (maxLength > 0) pipeline.xadd(key, 'MAXLEN', '~', maxLength, '*', ...fields);
        else pipeline.xadd(key, '*', ...fields);
      }
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([error]) => error);
      if (failed) throw failed[0];
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** In-process subscribers, then `POST eventsUrl` with the subgraph secret when one is set. */
export function localTransport(bus: EventBus, eventsUrl: string | undefined, secret: string): Transport {
  return {
    kind: 'local',
    async publish(events) {
      if (!events.length) return;
      await bus.deliver(events);
      if (!eventsUrl) return;
      const response = await request(eventsUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-subgraph-secret': secret },
        body: JSON.stringify({ events }),
        headersTimeout: 10_000,
        bodyTimeout: 10_000,
      });
      await response.body.dump();
      if (response.statusCode < 200 || response.statusCode >= 300) {
        throw new Error(`EVENTS_URL answered ${response.statusCode}`);
      }
    },
    async close() {},
  };
}

interface OutboxRow {
  id: string;
  event_id: string;
  type: string;
  aggregate_type: string;
  aggregate_id: string;
  region_code: string | null;
  occurred_at: Date | string;
  data: Record<string, unknown>;
  audience: EventAudience | null;
}

export interface RelayOptions {
  service: EventService;
  schema: string;
  knex: Knex;
  transport: Transport;
  settings: RelaySettings;
  log: TaskLog;
  /** Wakes the relay when this process commits events. */
  subscriber?: OutboxSubscriber;
  /** For the partitions made ahead (this year's and next). */
  now: () => Date;
}

/**
 * The outbox relay of one service process: while this copy leads (advisory lock), it reads
 * unpublished events in id order, publishes them and marks them published. At least once: a copy
 * that stops between publishing and marking leaves the batch to be published again.
 */
export class OutboxRelay {
  private readonly loop: LeaderLoop;
  private readonly unsubscribe: (() => void) | undefined;
  private partitionsYear = 0;

  constructor(private readonly options: RelayOptions) {
    quoteIdent(options.schema);
    this.loop = new LeaderLoop({
      name: `${options.service} outbox relay`,
      lockKey: `renda:outbox-relay:${options.schema}`,
      knex: options.knex,
      intervalMs: options.settings.pollMs,
      log: options.log,
      tick: (connection) => this.publishBatch(connection),
    });
    this.unsubscribe = options.subscriber?.onCommit(() => this.loop.nudge());
  }

  get isLeader(): boolean {
    return this.loop.isLeader;
  }

  start(): void {
    this.loop.start();
  }

  /** One round now, waited for (tests). */
  runOnce(): Promise<void> {
    return this.loop.runOnce();
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    await this.loop.stop();
    await this.options.transport.close();
  }

  /** Publishes up to one batch; true when a full batch went out (there may be more). */
  private async publishBatch(connection: LeaderConnection): Promise<boolean> {
    const { schema, settings, service } = this.options;
    await this.partitionsAhead();
    // Literals only (simple protocol): the embedded database's socket serves those best outside a transaction.
    const { rows } = (await connection.query(
      `select o."id"::text as "id", o."event_id", o."type", o."aggregate_type", o."aggregate_id", o."region_code", o."occurred_at", o."data", o."audience"
       from ${eventsTable(schema)} o where o."published_at" is null order by o."id" limit ${Math.trunc(settings.batchSize)}`,
    )) as unknown as { rows: OutboxRow[] };
    if (!rows.length) return false;
    const events: EventEnvelope[] = rows.map((r) => ({
      id: r.event_id,
      service,
      type: r.type,
      aggregateType: r.aggregate_type,
      aggregateId: r.aggregate_id,
      regionCode: r.region_code,
      occurredAt: new Date(r.occurred_at).toISOString(),
      data: r.data ?? {},
      audience: r.audience,
    }));
    await this.options.transport.publish(events);
    const ids = rows.map((r) => r.id).filter((id) => /^\d+$/.test(id));
    await connection.query(
      `update ${eventsTable(schema)} set "published_at" = now() where "id" in (${ids.join(', ')}) and "published_at" is null`,
    );
    return rows.length >= settings.batchSize;
  }

  /** The leader keeps next year's partition made ahead, checked once per year of the clock. */
  private async partitionsAhead(): Promise<void> {
    const year = this.options.now().getUTCFullYear();
    if (year === this.partitionsYear) return;
    await ensurePartitions(this.options.knex, this.options.schema, [year, year + 1]);
    this.partitionsYear = year;
  }
}
