import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Knex } from '@mikro-orm/postgresql';
import type { Names } from '@renda/db/tables';
import { Agent, request, type Dispatcher } from 'undici';
import type { Clock } from '@renda/server-kit/clock';
import type { Logger } from '@renda/server-kit/logger';
import { claimDue, insertAttempt, settleDelivery, type Claimed } from './notifications.store.ts';
import { signatureHeader } from './signature.ts';

/** How deliveries are sent and retried (settings, `src/env.ts`). */
export interface DeliverySettings {
  /** Failed attempts after which a delivery is parked. */
  maxAttempts: number;
  /** The wait after the first failure; each further failure doubles it… */
  retryBaseSeconds: number;
  /** …up to this. */
  retryMaxSeconds: number;
  /** The longest one attempt may take, connection to the end of the answer's excerpt. */
  timeoutMs: number;
  /** Send to loopback and private addresses too (tests, a receiver inside the cluster); off by default. */
  allowPrivateTargets: boolean;
  /** How often the worker looks for due deliveries; 0: no loop (a caller runs `runOnce`). */
  pollMs: number;
}

export const defaultDeliverySettings: DeliverySettings = {
  maxAttempts: 8,
  retryBaseSeconds: 30,
  retryMaxSeconds: 6 * 3600,
  timeoutMs: 10_000,
  allowPrivateTargets: false,
  pollMs: 1000,
};

/** The wait before the attempt that follows `failures` failed ones: base · 2^(failures−1), capped. */
export function retryDelaySeconds(
  settings: Pick<DeliverySettings, 'retryBaseSeconds' | 'retryMaxSeconds'>,
  failures: number,
): number {
  return Math.min(settings.retryMaxSeconds, settings.retryBaseSeconds * 2 ** Math.max(0, failures - 1));
}

const internal = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const) {
  internal.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const) {
  internal.addSubnet(net, bits, 'ipv6');
}

/** Loopback, private, link-local (cloud metadata), carrier-grade NAT, multicast or reserved. */
export function isInternalAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return isInternalAddress(mapped[1]!);
  const family = isIP(address);
  if (family === 4) return internal.check(address, 'ipv4');
  if (family === 6) return internal.check(address, 'ipv6');
  return true;
}

class RefusedAddress extends Error {
  constructor(host: string) {
    super(`refused: ${host} resolves to an internal address`);
  }
}

/** DNS lookup that refuses internal addresses: checked where the connection is made, so rebinding cannot slip by. */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
    if (err) return (callback as (e: Error) => void)(err);
    if (addresses.some((a) => isInternalAddress(a.address))) {
      return (callback as (e: Error) => void)(new RefusedAddress(hostname));
    }
    if ((options as { all?: boolean }).all) return (callback as (e: null, a: LookupAddress[]) => void)(null, addresses);
    const first = addresses[0]!;
    return (callback as (e: null, a: string, f: number) => void)(null, first.address, first.family);
  });
};

export interface AttemptOutcome {
  succeeded: boolean;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseExcerpt: string | null;
}

const excerptBytes = 256;

/** Reads at most the excerpt's bytes of an answer and drops the rest unread. */
async function excerptOf(body: Dispatcher.ResponseData['body']): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      chunks.push(chunk as Buffer);
      size += (chunk as Buffer).length;
      if (size >= excerptBytes) break;
    }
  } finally {
    body.destroy();
  }
  const text = Buffer.concat(chunks)
    .subarray(0, excerptBytes)
    .toString('utf8')
    .replace(/\uFFFD+$/, '');
  return text.length ? text : null;
}

/** A failure in words a receiver's owner can act on, never a stack or another host's details. */
function describe(e: unknown, timeoutMs: number): string {
  const err = e as { name?: string; code?: string; cause?: unknown; message?: string };
  const cause = (err.cause ?? null) as { code?: string } | null;
  if (e instanceof RefusedAddress) return e.message;
  if (cause instanceof RefusedAddress) return cause.message;
  if (err.name === 'TimeoutError' || err.name === 'AbortError' || err.code?.includes('TIMEOUT'))
    return `timed out after ${timeoutMs} ms`;
  const code = err.code ?? cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection reset';
  if (code?.startsWith('ERR_TLS') || code?.includes('CERT')) return 'TLS error';
  return `network error${code ? ` (${code})` : ''}`;
}

/** Sends one signed attempt; never follows a redirect, never waits beyond the timeout. */
export class WebhookSender {
  private readonly agent: Agent;

  constructor(private readonly settings: DeliverySettings) {
    this.agent = new Agent({
      headersTimeout: settings.timeoutMs,
      bodyTimeout: settings.timeoutMs,
      connectTimeout: settings.timeoutMs,
      ...(settings.allowPrivateTargets ? {} : { connect: { lookup: guardedLookup } }),
    });
  }

  async send(
    url: string,
    secret: string,
    headers: { event: string; delivery: string },
    body: string,
    at: Date,
  ): Promise<AttemptOutcome> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
      // An address written in the URL is never looked up, so it is checked here.
      if (!this.settings.allowPrivateTargets && isIP(host) && isInternalAddress(host)) throw new RefusedAddress(host);
      const response = await request(url, {
        method: 'POST',
        dispatcher: this.agent,
        signal: AbortSignal.timeout(this.settings.timeoutMs),
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'Renda-Webhooks/1',
          'x-renda-event': headers.event,
          'x-renda-delivery': headers.delivery,
          'x-renda-signature': signatureHeader(secret, body, at),
        },
        body,
      });
      const excerpt = await excerptOf(response.body);
      const code = response.statusCode;
      const succeeded = code >= 200 && code < 300;
      const error = succeeded
        ? null
        : code >= 300 && code < 400
          ? `HTTP ${code}: redirects are not followed`
          : `HTTP ${code}`;
      return { succeeded, statusCode: code, durationMs: elapsed(), error, responseExcerpt: excerpt };
    } catch (e) {
      return {
        succeeded: false,
        statusCode: null,
        durationMs: elapsed(),
        error: describe(e, this.settings.timeoutMs),
        responseExcerpt: null,
      };
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

/**
 * Sends due deliveries. Each copy of the service runs one; a delivery is claimed with
 * `FOR UPDATE SKIP LOCKED` and its next attempt moved past the timeout in the same statement, so two
 * copies never send the same attempt. A copy that dies mid-attempt leaves the delivery due again once
 * that lease has passed (at least once: receivers drop repeats by `X-Renda-Delivery`).
 */
export class DeliveryWorker {
  private readonly sender: WebhookSender;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = false;
  private failing = false;

  constructor(
    /** Where the tables' names come from (the ORM). */
    private readonly names: Names,
    private readonly knex: Knex,
    private readonly clock: Clock,
    private readonly settings: DeliverySettings,
    private readonly log: Logger,
    private readonly batchSize = 20,
  ) {
    this.sender = new WebhookSender(settings);
  }

  /** Claims the due deliveries (up to a batch), sends them at once and records each attempt; returns how many. */
  async runOnce(): Promise<number> {
    const now = this.clock.now();
    const lease = new Date(now.getTime() + this.settings.timeoutMs + 60_000);
    const rows = await claimDue(this.names, this.knex, now, this.batchSize, lease);
    await Promise.all(rows.map((row) => this.attempt(row, now)));
    return rows.length;
  }

  private async attempt(row: Claimed, at: Date): Promise<void> {
    const body = JSON.stringify(row.payload);
    const outcome = await this.sender.send(row.url, row.secret, { event: row.event_type, delivery: row.id }, body, at);
    const failures = outcome.succeeded ? row.failures : row.failures + 1;
    const parked = !outcome.succeeded && failures >= this.settings.maxAttempts;
    const done = this.clock.now();
    const next =
      outcome.succeeded || parked ? null : new Date(done.getTime() + retryDelaySeconds(this.settings, failures) * 1000);
    const status = outcome.succeeded ? 'SUCCEEDED' : parked ? 'PARKED' : 'PENDING';
    await this.knex.transaction(async (trx) => {
      await insertAttempt(this.names, trx, {
        deliveryId: row.id,
        number: row.attempts,
        attemptedAt: at,
        statusCode: outcome.statusCode,
        durationMs: outcome.durationMs,
        error: outcome.error,
        responseExcerpt: outcome.responseExcerpt,
        nextAttemptAt: next,
        succeeded: outcome.succeeded,
      });
      // Only while this attempt is still the latest: a lease that ran out was claimed again by another copy.
      await settleDelivery(this.names, trx, {
        id: row.id,
        attempts: row.attempts,
        status,
        failures,
        next,
        succeeded: outcome.succeeded,
        done,
      });
    });
    if (parked) this.log.warn({ delivery: row.id, webhook: row.webhook_id, failures }, 'webhook delivery parked');
  }

  /** Runs `runOnce` every `pollMs` (at once again while batches come full) until `stop`. */
  start(): void {
    if (this.settings.pollMs <= 0 || this.timer || this.stopped) return;
    const tick = async () => {
      this.timer = null;
      let claimed = 0;
      try {
        this.running = this.runOnce();
        claimed = (await this.running) as number;
        this.failing = false;
      } catch (e) {
        // One line per outage (the database away), not one a round.
        if (!this.failing) this.log.error({ err: e }, 'webhook worker: a round failed; retrying each round');
        this.failing = true;
      } finally {
        this.running = null;
      }
      if (!this.stopped)
        this.timer = setTimeout(() => void tick(), claimed >= this.batchSize ? 0 : this.settings.pollMs);
    };
    this.timer = setTimeout(() => void tick(), 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
    await this.sender.close();
  }
}
