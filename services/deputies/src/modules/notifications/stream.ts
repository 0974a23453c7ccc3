import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { connectRedis, type RedisTarget } from '@renda/cache/cache';
import type { Logger } from '@renda/server-kit/logger';
import { eventEnvelopeSchema, type EventEnvelope } from './envelope.ts';

/** The stream the services' outbox relays XADD to: `<prefix>events`, field `event` = the JSON envelope. */
export function eventStreamKey(prefix: string): string {
  return `${prefix}events`;
}

export const consumerGroup = 'deputies-notifications';

type Entry = [id: string, fields: string[]];

export interface StreamConsumerOptions {
  /** How long one XREADGROUP waits for new entries. */
  blockMs?: number;
  /** Entries pending this long under another consumer (a copy that died) are claimed by this one. */
  claimIdleMs?: number;
  count?: number;
}

/**
 * Reads the event stream in the consumer group `deputies-notifications`, one consumer per copy of the
 * service: new entries with XREADGROUP, entries another copy left pending with XAUTOCLAIM, each acked
 * (XACK) once taken in. Taking in is idempotent by event id, so an entry read twice does nothing twice.
 * A malformed entry is logged and acked (it can never succeed); a failed intake (the database away) is
 * not acked and is read again from this consumer's pending list.
 */
export class EventStreamConsumer {
  readonly key: string;
  readonly consumer = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly redis: Redis | Cluster;
  private readonly blockMs: number;
  private readonly claimIdleMs: number;
  private readonly count: number;
  private loop: Promise<void> | null = null;
  private stopping = false;
  private retryOwnPending = true;
  private lastClaim = 0;

  constructor(
    target: RedisTarget,
    prefix: string,
    private readonly intake: (events: EventEnvelope[]) => Promise<unknown>,
    private readonly log: Logger,
    options: StreamConsumerOptions = {},
  ) {
    this.key = eventStreamKey(prefix);
    this.blockMs = options.blockMs ?? 5000;
    this.claimIdleMs = options.claimIdleMs ?? 60_000;
    this.count = options.count ?? 100;
    // A blocking read holds its connection: this client is the consumer's own.
    this.redis = connectRedis(target, { lazyConnect: true, maxRetriesPerRequest: null });
    this.redis.on('error', (e: Error) => this.log.debug({ err: e }, 'event stream: Redis error'));
  }

  /**
   * Starts reading in the background: creates the group first (from the stream's start: intake drops what
   * it already has). Redis being away delays reading, never the service's start.
   */
  start(): void {
    this.loop = this.run();
  }

  private async ensureGroup(): Promise<void> {
    if (this.redis.status === 'wait') await this.redis.connect();
    try {
      await this.redis.xgroup('CREATE', this.key, consumerGroup, '0', 'MKSTREAM');
    } catch (e) {
      if (!String((e as Error).message).includes('BUSYGROUP')) throw e;
    }
  }

  private async run(): Promise<void> {
    let grouped = false;
    let failing = false;
    while (!this.stopping) {
      try {
        if (!grouped) {
          await this.ensureGroup();
          grouped = true;
        }
        await this.round();
        failing = false;
      } catch (e) {
        if (this.stopping) break;
        // One line per outage, not one a second.
        if (!failing) this.log.error({ err: e }, 'event stream: reading failed; retrying every second');
        failing = true;
        this.retryOwnPending = true;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  /** One round: stale entries of dead consumers, this consumer's own unacked ones, then new ones. */
  async round(): Promise<number> {
    let handled = 0;
    if (Date.now() - this.lastClaim >= Math.min(this.claimIdleMs, 30_000)) {
      this.lastClaim = Date.now();
      const claimed = (await this.redis.call(
        'XAUTOCLAIM',
        this.key,
        consumerGroup,
        this.consumer,
        String(this.claimIdleMs),
        '0-0',
        'COUNT',
        String(this.count),
      )) as [string, Entry[]];
      handled += await this.process(claimed[1] ?? []);
    }
    if (this.retryOwnPending) {
      const own = (await this.redis.call(
        'XREADGROUP',
        'GROUP',
        consumerGroup,
        this.consumer,
        'COUNT',
        String(this.count),
        'STREAMS',
        this.key,
        '0',
      )) as [string, Entry[]][] | null;
      const entries = own?.[0]?.[1] ?? [];
      handled += await this.process(entries);
      if (entries.length < this.count) this.retryOwnPending = false;
      return handled;
    }
    const fresh = (await this.redis.call(
      'XREADGROUP',
      'GROUP',
      consumerGroup,
      this.consumer,
      'COUNT',
      String(this.count),
      'BLOCK',
      String(this.blockMs),
      'STREAMS',
      this.key,
      '>',
    )) as [string, Entry[]][] | null;
    handled += await this.process(fresh?.[0]?.[1] ?? []);
    return handled;
  }

  private async process(entries: Entry[]): Promise<number> {
    if (!entries.length) return 0;
    const events: EventEnvelope[] = [];
    for (const [id, fields] of entries) {
      // XAUTOCLAIM answers a deleted entry with no fields.
      const at = fields ? fields.indexOf('event') : -1;
      const raw = at >= 0 && at % 2 === 0 ? fields[at + 1] : undefined;
      let parsed: ReturnType<typeof eventEnvelopeSchema.safeParse> | null = null;
      try {
        parsed = raw === undefined ? null : eventEnvelopeSchema.safeParse(JSON.parse(raw));
      } catch {
        parsed = null;
      }
      if (parsed?.success) events.push(parsed.data);
      else
        this.log.warn(
          { entry: id, stream: this.key },
          'event stream: an entry that is not an event envelope was dropped',
        );
    }
    if (events.length) {
      try {
        await this.intake(events);
      } catch (e) {
        this.retryOwnPending = true;
        throw e;
      }
    }
    await this.redis.xack(this.key, consumerGroup, ...entries.map(([id]) => id));
    return entries.length;
  }

  /** Stops reading (a blocked read is cut short); the consumer leaves the group when it holds nothing. */
  async stop(): Promise<void> {
    this.stopping = true;
    try {
      const pending = (await Promise.race([
        this.redis.call('XPENDING', this.key, consumerGroup, '-', '+', '1', this.consumer),
        new Promise((r) => setTimeout(() => r(null), 500)),
      ])) as unknown[] | null;
      if (Array.isArray(pending) && pending.length === 0) {
        await this.redis.call('XGROUP', 'DELCONSUMER', this.key, consumerGroup, this.consumer);
      }
    } catch {
      // Leaving the group is tidiness; a consumer left behind holds nothing.
    }
    this.redis.disconnect();
    await this.loop?.catch(() => undefined);
  }
}
