import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { databaseKeyPrefix } from '@renda/cache/cache';
import { newId } from '@renda/db/ids';
import { countStatements } from '@renda/db/orm';
import { devSubgraphSecret } from '@renda/server-kit/env';
import { createLogger } from '@renda/server-kit/logger';
import { startTestServices, type TestStack } from '@renda/testing/services';
import { tokens } from '@renda/testing/tokens';
import { fails, ok } from '@renda/testing/graphql';
import { deputiesService } from '../src/server.ts';
import { readSettings } from '../src/env.ts';
import { DeliveryWorker, type DeliverySettings } from '../src/modules/notifications/delivery.ts';
import { attachNotificationHub, type NotificationHub } from '../src/modules/notifications/hub.ts';
import {
  NotificationSchema,
  WebhookDeliverySchema,
  WebhookSchema,
} from '../src/modules/notifications/notification.entity.ts';
import { verifySignature } from '../src/modules/notifications/signature.ts';
import { consumerGroup, eventStreamKey } from '../src/modules/notifications/stream.ts';
import { countRows, createCongress, createDeputy, createRegions, subgraphOf } from './fixtures.ts';

const delivery: DeliverySettings = {
  maxAttempts: 3,
  retryBaseSeconds: 10,
  retryMaxSeconds: 600,
  timeoutMs: 3000,
  // The receiver of these tests listens on 127.0.0.1; the refusal of internal addresses has its own test.
  allowPrivateTargets: true,
  pollMs: 0,
};

let stack: TestStack;
let sg: ReturnType<typeof subgraphOf>;
let hub: NotificationHub;
let admin: string;
let staff: string;
let otherStaff: string;
let deputyA: string;
let deputyB: string;
let tokenA: string;
let tokenB: string;
const unitA = newId();
const unitB = newId();

/** A receiving system: answers from a script per path, checks every signature, applies each delivery once. */
class Receiver {
  server: Server;
  base = '';
  secrets = new Map<string, string>();
  script = new Map<string, number[]>();
  requests: { path: string; delivery: string; event: string; body: string; signature: string; signed: boolean }[] = [];
  applied = new Map<string, number>();

  constructor() {
    this.server = createServer((req, res) => void this.answer(req, res.writeHead.bind(res), res.end.bind(res)));
  }

  async start() {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private async answer(
    req: IncomingMessage,
    head: (code: number, headers?: Record<string, string>) => unknown,
    end: (body?: string) => unknown,
  ) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const path = req.url ?? '/';
    const delivery = String(req.headers['x-renda-delivery']);
    const secret = this.secrets.get(path) ?? '';
    const signature = String(req.headers['x-renda-signature'] ?? '');
    const signed = verifySignature(secret, body, signature, stack.clock.now());
    this.requests.push({ path, delivery, event: String(req.headers['x-renda-event']), body, signature, signed });
    const code = this.script.get(path)?.shift() ?? 200;
    if (code === 302) {
      head(302, { location: `${this.base}/redirected` });
      end();
      return;
    }
    // The receiver's own idempotency: a delivery id is applied once, whatever arrives again.
    if (code === 200 && signed && !this.applied.has(delivery)) this.applied.set(delivery, 1);
    head(code, { 'content-type': 'text/plain' });
    end(`${code === 200 ? 'ok' : 'failed'} `.repeat(200));
  }

  to(path: string) {
    return this.requests.filter((r) => r.path === path);
  }
}

let receiver: Receiver;

const registerMutation = `mutation($i: RegisterWebhookInput!) {
  registerWebhook(input: $i) { secret webhook { id url regionCode eventTypes enabled } } }`;

async function register(path: string, eventTypes: string[], regionCode = '430181', token = staff) {
  const data = await ok(
    sg,
    registerMutation,
    { i: { url: `${receiver.base}${path}`, regionCode, eventTypes, description: '短信网关' } },
    token,
  );
  receiver.secrets.set(path, data.registerWebhook.secret);
  return data.registerWebhook.webhook.id as string;
}

async function disable(id: string) {
  await ok(sg, `mutation($id: ID!) { disableWebhook(id: $id) { enabled } }`, { id }, staff);
}

function event(type: string, extra: Record<string, unknown> = {}) {
  return {
    id: randomUUID(),
    service: 'suggestions',
    type,
    aggregateType: 'Suggestion',
    aggregateId: newId(),
    regionCode: '430181',
    occurredAt: '2026-06-15T01:59:00Z',
    data: { title: '关于修缮永安镇道路的建议' },
    audience: null,
    ...extra,
  };
}

const deliveriesQuery = `query($id: ID!, $status: WebhookDeliveryStatus) {
  webhookDeliveries(webhookId: $id, status: $status) { totalCount edges { node {
    id eventId status attemptCount nextAttemptAt deliveredAt
    attempts { number statusCode durationMs error responseExcerpt nextAttemptAt succeeded } } } } }`;

async function deliveriesOf(id: string, token = staff) {
  return (await ok(sg, deliveriesQuery, { id }, token)).webhookDeliveries;
}

function advance(seconds: number) {
  stack.clock.set(new Date(stack.clock.now().getTime() + seconds * 1000).toISOString());
}

async function postEvents(body: unknown, headers: Record<string, string>) {
  const url = stack.services.deputies!.url.replace(/\/graphql$/, '/internal/events');
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  receiver = new Receiver();
  await receiver.start();
  stack = await startTestServices([deputiesService], {
    redis: true,
    settings: { deputies: { ...readSettings({}), delivery, stream: { claimIdleMs: 300, blockMs: 200 } } },
  });
  sg = subgraphOf(stack);
  hub = stack.services.deputies!.attached as NotificationHub;
  admin = await tokens.admin();
  staff = await tokens.staff('430181');
  otherStaff = await tokens.staff('4306');
  await createRegions(sg, admin);
  const congress = await createCongress(sg, admin, {
    regionCode: '430181',
    termNumber: 18,
    name: '浏阳市第十八届人民代表大会',
    startsOn: '2024-01-10',
    endsOn: '2029-01-09',
  });
  deputyA = await createDeputy(sg, admin, { congressId: congress, regionCode: '430181', name: '周建国' });
  deputyB = await createDeputy(sg, admin, { congressId: congress, regionCode: '430181', name: '吴秀英' });
  tokenA = await tokens.deputy('430181', deputyA);
  tokenB = await tokens.deputy('430181', deputyB);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await new Promise((r) => receiver?.server.close(r));
});

describe('webhooks: registering', () => {
  it('the secret is answered once: no query can read it, and a rotation makes a new one that signs from then on', async () => {
    const id = await register('/secret', ['test.secret']);
    const secret = receiver.secrets.get('/secret')!;
    expect(secret).toMatch(/^whsec_/);
    // The type has no field for it: asking is a validation error, not a null.
    const asked = await sg.execute(`query($id: ID!) { webhook(id: $id) { id secret } }`, { id }, staff);
    expect(asked.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const read = await ok(
      sg,
      `query($id: ID!) { webhook(id: $id) { id url eventTypes } webhooks(regionCode: "430181") { edges { node { id } } } }`,
      { id },
      staff,
    );
    expect(JSON.stringify(read)).not.toContain(secret);
    const rotated = await ok(
      sg,
      `mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret webhook { id } } }`,
      { id },
      staff,
    );
    const fresh = rotated.rotateWebhookSecret.secret as string;
    expect(fresh).not.toBe(secret);
    // The next delivery is signed with the new secret, not the old one.
    await hub.handleEvents([event('test.secret')]);
    await hub.worker.runOnce();
    const [sent] = receiver.to('/secret');
    expect(sent).toBeDefined();
    expect(sent!.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifySignature(secret, sent!.body, sent!.signature, stack.clock.now())).toBe(false);
    expect(verifySignature(fresh, sent!.body, sent!.signature, stack.clock.now())).toBe(true);
    await disable(id);
  });

  it('a URL that is not http(s) is BAD_USER_INPUT and nothing is stored', async () => {
    const before = await countRows(stack, WebhookSchema);
    for (const url of [
      'ftp://example.cn/hook',
      'javascript:alert(1)',
      'file:///etc/passwd',
      'not a url',
      'https://user:pw@example.cn/hook',
    ]) {
      await fails(
        sg,
        'BAD_USER_INPUT',
        registerMutation,
        { i: { url, regionCode: '430181', eventTypes: ['suggestion.reply'] } },
        staff,
        'input.url',
      );
    }
    expect(await countRows(stack, WebhookSchema)).toBe(before);
  });

  it("a region outside the token's subtree is FORBIDDEN, other roles too, and nothing is stored", async () => {
    const before = await countRows(stack, WebhookSchema);
    const i = { url: 'https://sms.example.cn/hook', regionCode: '430181', eventTypes: ['suggestion.reply'] };
    await fails(sg, 'FORBIDDEN', registerMutation, { i }, otherStaff);
    await fails(sg, 'FORBIDDEN', registerMutation, { i }, await tokens.handler('430181', unitA));
    await fails(sg, 'FORBIDDEN', registerMutation, { i }, await tokens.analyst('430181'));
    await fails(sg, 'UNAUTHENTICATED', registerMutation, { i });
    expect(await countRows(stack, WebhookSchema)).toBe(before);
    // Staff of another subtree neither read nor manage this region's webhooks.
    const id = await register('/forbidden', ['test.forbidden']);
    await fails(sg, 'FORBIDDEN', `query($id: ID!) { webhook(id: $id) { id } }`, { id }, otherStaff);
    await fails(sg, 'FORBIDDEN', deliveriesQuery, { id }, otherStaff);
    await fails(sg, 'FORBIDDEN', `mutation($id: ID!) { deleteWebhook(id: $id) }`, { id }, otherStaff);
    await fails(sg, 'FORBIDDEN', `query { webhooks(regionCode: "430181") { totalCount } }`, {}, otherStaff);
    // The province's staff administer the subtree's webhooks.
    const province = await ok(
      sg,
      `query { webhooks(regionCode: "4301") { edges { node { id } } } }`,
      {},
      await tokens.staff('43'),
    );
    expect(province.webhooks.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(id);
    expect(await ok(sg, `mutation($id: ID!) { deleteWebhook(id: $id) }`, { id }, staff)).toEqual({ deleteWebhook: id });
    expect(await ok(sg, `query($id: ID!) { webhook(id: $id) { id } }`, { id }, staff)).toEqual({ webhook: null });
  });
});

describe('webhooks: delivering', () => {
  it("headers like Stripe's, retried with backoff on the injected clock (500, 500, 200), every attempt in the log, applied once", async () => {
    const id = await register('/retry', ['suggestion.reply']);
    receiver.script.set('/retry', [500, 500, 200]);
    const sent = event('suggestion.reply');
    await hub.handleEvents([sent]);
    const start = stack.clock.now().getTime();

    expect(await hub.worker.runOnce()).toBe(1);
    let [d] = (await deliveriesOf(id)).edges.map((e: { node: unknown }) => e.node);
    expect(d.status).toBe('PENDING');
    expect(new Date(d.nextAttemptAt).getTime() - start).toBe(delivery.retryBaseSeconds * 1000);
    // Not due yet: nothing is sent until the clock reaches the next attempt.
    expect(await hub.worker.runOnce()).toBe(0);
    advance(delivery.retryBaseSeconds);
    expect(await hub.worker.runOnce()).toBe(1);
    [d] = (await deliveriesOf(id)).edges.map((e: { node: unknown }) => e.node);
    // The second failure waits twice as long.
    expect(new Date(d.nextAttemptAt).getTime() - stack.clock.now().getTime()).toBe(
      2 * delivery.retryBaseSeconds * 1000,
    );
    advance(delivery.retryBaseSeconds);
    expect(await hub.worker.runOnce()).toBe(0);
    advance(delivery.retryBaseSeconds);
    expect(await hub.worker.runOnce()).toBe(1);

    const requests = receiver.to('/retry');
    expect(requests.map((r) => r.signed)).toEqual([true, true, true]);
    expect(new Set(requests.map((r) => r.delivery)).size).toBe(1);
    expect(requests.every((r) => r.event === 'suggestion.reply')).toBe(true);
    expect(JSON.parse(requests[0]!.body)).toMatchObject({
      id: sent.id,
      type: 'suggestion.reply',
      regionCode: '430181',
    });
    expect(receiver.applied.get(requests[0]!.delivery)).toBe(1);
    expect([...receiver.applied.keys()].filter((k) => k === requests[0]!.delivery)).toHaveLength(1);

    [d] = (await deliveriesOf(id)).edges.map((e: { node: unknown }) => e.node);
    expect(d).toMatchObject({
      id: requests[0]!.delivery,
      eventId: sent.id,
      status: 'SUCCEEDED',
      attemptCount: 3,
      nextAttemptAt: null,
    });
    expect(d.deliveredAt).not.toBeNull();
    expect(
      d.attempts.map((a: { number: number; statusCode: number; succeeded: boolean; error: string | null }) => [
        a.number,
        a.statusCode,
        a.succeeded,
        a.error,
      ]),
    ).toEqual([
      [1, 500, false, 'HTTP 500'],
      [2, 500, false, 'HTTP 500'],
      [3, 200, true, null],
    ]);
    // Only a short excerpt of the receiver's answer is kept.
    for (const a of d.attempts) expect(a.responseExcerpt.length).toBeLessThanOrEqual(256);
    expect(d.attempts[0].nextAttemptAt).not.toBeNull();
    expect(d.attempts[2].nextAttemptAt).toBeNull();
    await disable(id);
  });

  it('parked after the set number of failures; staff queue it again and it is delivered; only a parked one', async () => {
    const id = await register('/park', ['sheet.issued']);
    receiver.script.set('/park', Array(delivery.maxAttempts).fill(503));
    await hub.handleEvents([event('sheet.issued')]);
    for (let i = 0; i < delivery.maxAttempts; i++) {
      expect(await hub.worker.runOnce()).toBe(1);
      advance(delivery.retryMaxSeconds);
    }
    // Parked: however late, no further attempt.
    expect(await hub.worker.runOnce()).toBe(0);
    const parked = await ok(sg, deliveriesQuery, { id, status: 'PARKED' }, staff);
    expect(parked.webhookDeliveries.totalCount).toBe(1);
    const d = parked.webhookDeliveries.edges[0].node;
    expect(d).toMatchObject({ status: 'PARKED', attemptCount: delivery.maxAttempts, nextAttemptAt: null });
    expect(receiver.to('/park')).toHaveLength(delivery.maxAttempts);

    const requeue = `mutation($id: ID!) { requeueWebhookDelivery(id: $id) { id status attemptCount } }`;
    await fails(sg, 'FORBIDDEN', requeue, { id: d.id }, otherStaff);
    expect((await ok(sg, requeue, { id: d.id }, staff)).requeueWebhookDelivery).toMatchObject({ status: 'PENDING' });
    expect(await hub.worker.runOnce()).toBe(1);
    const after = (await deliveriesOf(id)).edges[0].node;
    expect(after).toMatchObject({ status: 'SUCCEEDED', attemptCount: delivery.maxAttempts + 1 });
    expect(receiver.applied.get(d.id)).toBe(1);
    await fails(sg, 'CONFLICT', requeue, { id: d.id }, staff);
    await disable(id);
  });

  it('two workers at once (two copies of the service) never send the same delivery twice', async () => {
    const id = await register('/race', ['ballot.opened']);
    const events = Array.from({ length: 12 }, () => event('ballot.opened'));
    await hub.handleEvents(events);
    const log = createLogger('test', 'silent');
    const knex = stack.services.deputies!.orm.em.getKnex();
    const copies = [
      new DeliveryWorker(stack.services.deputies!.orm, knex, stack.clock, delivery, log, 5),
      new DeliveryWorker(stack.services.deputies!.orm, knex, stack.clock, delivery, log, 5),
    ];
    let sent = 0;
    for (let round = 0; round < 4; round++)
      sent += (await Promise.all(copies.map((w) => w.runOnce()))).reduce((a, b) => a + b, 0);
    await Promise.all(copies.map((w) => w.stop()));
    const requests = receiver.to('/race');
    expect(sent).toBe(12);
    expect(requests).toHaveLength(12);
    expect(new Set(requests.map((r) => r.delivery)).size).toBe(12);
    expect((await ok(sg, deliveriesQuery, { id, status: 'SUCCEEDED' }, staff)).webhookDeliveries.totalCount).toBe(12);
    await disable(id);
  });

  it("the hub's sender loop sends without being asked, on a pool of its own; a disabled webhook gets nothing", async () => {
    const id = await register('/loop', ['filing.recorded']);
    const running = stack.services.deputies!;
    const copy = await attachNotificationHub({
      orm: running.orm,
      clock: stack.clock,
      log: createLogger('test', 'silent'),
      secret: devSubgraphSecret,
      settings: { delivery: { ...delivery, pollMs: 20 } },
      keyPrefix: 'renda:unused:',
    });
    // The service's own pool sees none of the loop's statements (request counts stay exact).
    const counter = countStatements(running.orm);
    try {
      await copy.handleEvents([event('filing.recorded')]);
      await expect.poll(() => receiver.to('/loop').length, { timeout: 5000 }).toBe(1);
      await new Promise((r) => setTimeout(r, 100));
      expect(counter.count()).toBe(0);
    } finally {
      counter.stop();
    }
    await disable(id);
    await copy.handleEvents([event('filing.recorded')]);
    await new Promise((r) => setTimeout(r, 200));
    await copy.stop();
    expect(receiver.to('/loop')).toHaveLength(1);
  });

  it('never to an internal address (by IP or by name) unless allowed, and never through a redirect', async () => {
    const id = await register('/guarded', ['test.guarded']);
    const byName = await ok(
      sg,
      registerMutation,
      {
        i: {
          url: `${receiver.base.replace('127.0.0.1', 'localhost')}/guarded`,
          regionCode: '430181',
          eventTypes: ['test.guarded'],
        },
      },
      staff,
    );
    const strict = new DeliveryWorker(
      stack.services.deputies!.orm,
      stack.services.deputies!.orm.em.getKnex(),
      stack.clock,
      { ...delivery, allowPrivateTargets: false },
      createLogger('test', 'silent'),
    );
    await hub.handleEvents([event('test.guarded')]);
    expect(await strict.runOnce()).toBe(2);
    await strict.stop();
    expect(receiver.to('/guarded')).toHaveLength(0);
    for (const webhook of [id, byName.registerWebhook.webhook.id]) {
      const [attempt] = (await deliveriesOf(webhook)).edges[0].node.attempts;
      expect(attempt).toMatchObject({ statusCode: null, succeeded: false });
      expect(attempt.error).toMatch(/^refused: .* internal address$/);
      await disable(webhook);
    }

    const redirecting = await register('/redirect', ['test.redirect']);
    receiver.script.set('/redirect', [302]);
    await hub.handleEvents([event('test.redirect')]);
    await hub.worker.runOnce();
    expect(receiver.to('/redirected')).toHaveLength(0);
    const [attempt] = (await deliveriesOf(redirecting)).edges[0].node.attempts;
    expect(attempt).toMatchObject({ statusCode: 302, succeeded: false, error: 'HTTP 302: redirects are not followed' });
    await disable(redirecting);
  });
});

describe('events in', () => {
  it('an event that arrives twice (in one batch, again in process, again over HTTP) makes one notification and one delivery', async () => {
    const id = await register('/twice', ['suggestion.step']);
    const twice = event('suggestion.step', { audience: { deputyIds: [deputyA] } });
    expect(await hub.handleEvents([twice, twice])).toEqual({ accepted: 1, duplicates: 1 });
    expect(await hub.handleEvents([twice])).toEqual({ accepted: 0, duplicates: 1 });
    expect((await postEvents({ events: [twice] }, { 'x-subgraph-secret': devSubgraphSecret })).body).toEqual({
      accepted: 0,
      duplicates: 1,
    });
    expect(await countRows(stack, NotificationSchema, { eventId: twice.id })).toBe(1);
    expect(await countRows(stack, WebhookDeliverySchema, { eventId: twice.id })).toBe(1);
    await hub.worker.runOnce();
    await hub.worker.runOnce();
    expect(receiver.to('/twice')).toHaveLength(1);
    await disable(id);
  });

  it('POST /internal/events needs the subgraph secret; a malformed event refuses the whole batch', async () => {
    const good = event('suggestion.reply', { audience: { deputyIds: [deputyB] } });
    expect(await postEvents({ events: [good] }, {})).toMatchObject({
      status: 403,
      body: { errors: [{ extensions: { code: 'FORBIDDEN' } }] },
    });
    expect(await postEvents({ events: [good] }, { 'x-subgraph-secret': 'not-the-secret-at-all' })).toMatchObject({
      status: 403,
    });
    expect(await countRows(stack, NotificationSchema, { eventId: good.id })).toBe(0);

    const bad = { ...event('suggestion.reply'), id: 'not-a-uuid' };
    const refused = await postEvents({ events: [good, bad] }, { 'x-subgraph-secret': devSubgraphSecret });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('events[1]');
    expect(await countRows(stack, NotificationSchema, { eventId: good.id })).toBe(0);

    expect(await postEvents({ events: [good] }, { 'x-subgraph-secret': devSubgraphSecret })).toEqual({
      status: 200,
      body: { accepted: 1, duplicates: 0 },
    });
    expect(await countRows(stack, NotificationSchema, { eventId: good.id, recipient: `deputy:${deputyB}` })).toBe(1);
  });

  it.skipIf(!process.env.REDIS_URL)(
    "the Redis stream: consumed in the group, acked, idempotent, a dead copy's pending entries reclaimed",
    async () => {
      expect(hub.consumer).not.toBeNull();
      const redis = new Redis(process.env.REDIS_URL!);
      const key = eventStreamKey(databaseKeyPrefix(stack.db.url));
      expect(hub.consumer!.key).toBe(key);
      try {
        const streamed = event('ballot.opened', { audience: { deputyIds: [deputyA] } });
        await redis.xadd(key, '*', 'event', JSON.stringify(streamed));
        await redis.xadd(key, '*', 'event', 'not json');
        await redis.xadd(key, '*', 'event', JSON.stringify(streamed));
        await expect
          .poll(() => countRows(stack, NotificationSchema, { eventId: streamed.id }), { timeout: 10_000 })
          .toBe(1);
        await expect
          .poll(async () => ((await redis.xpending(key, consumerGroup)) as [number])[0], { timeout: 10_000 })
          .toBe(0);
        expect(await countRows(stack, NotificationSchema, { eventId: streamed.id })).toBe(1);

        // Another copy read an entry and died before acking it: this copy claims it once it has been idle.
        const orphan = event('ballot.opened', { audience: { deputyIds: [deputyB] } });
        // Added and read by the dead copy in one transaction, before the live consumer's blocked read wakes.
        await redis
          .multi()
          .xadd(key, '*', 'event', JSON.stringify(orphan))
          .xreadgroup('GROUP', consumerGroup, 'dead-copy', 'COUNT', 1, 'STREAMS', key, '>')
          .exec();
        const held = (await redis.call('XPENDING', key, consumerGroup, '-', '+', '10', 'dead-copy')) as unknown[];
        expect(held.length).toBe(1);
        await expect
          .poll(() => countRows(stack, NotificationSchema, { eventId: orphan.id }), { timeout: 10_000 })
          .toBe(1);
        await expect
          .poll(async () => ((await redis.xpending(key, consumerGroup)) as [number])[0], { timeout: 10_000 })
          .toBe(0);
      } finally {
        redis.disconnect();
      }
    },
  );

  it('Redis away when the service starts: the hub starts at once and stops cleanly, reading nothing', async () => {
    const running = stack.services.deputies!;
    const away = await attachNotificationHub({
      orm: running.orm,
      clock: stack.clock,
      log: createLogger('test', 'silent'),
      secret: devSubgraphSecret,
      settings: { delivery },
      redis: 'redis://127.0.0.1:1',
      keyPrefix: 'renda:nowhere:',
    });
    expect(away.consumer).not.toBeNull();
    await away.stop();
  });
});

describe('in-app notifications', () => {
  const page = `query($unread: Boolean) { notifications(first: 10, unreadOnly: $unread) { totalCount unreadCount
    edges { cursor node { id eventType title body regionCode aggregateType aggregateId occurredAt readAt } } } }`;

  it("each recipient — the deputy, the unit, the region's staff — sees it; nobody else does", async () => {
    const e = event('suggestion.reply', { audience: { deputyIds: [deputyA], unitIds: [unitA], regionCode: '430181' } });
    await hub.handleEvents([e]);
    const idsOf = (data: { notifications: { edges: { node: { aggregateId: string } }[] } }) =>
      data.notifications.edges.map((x) => x.node.aggregateId);
    const mine = await ok(sg, page, {}, tokenA);
    expect(idsOf(mine as never)).toContain(e.aggregateId);
    const n = mine.notifications.edges.find(
      (x: { node: { aggregateId: string } }) => x.node.aggregateId === e.aggregateId,
    ).node;
    expect(n).toMatchObject({
      eventType: 'suggestion.reply',
      title: '您的建议已答复',
      regionCode: '430181',
      aggregateType: 'Suggestion',
      readAt: null,
    });
    expect(n.body).toContain('关于修缮永安镇道路的建议');
    const me = await ok(
      sg,
      `{ me { id notifications(first: 10, unreadOnly: true) { edges { node { aggregateId title } } } } }`,
      {},
      tokenA,
    );
    expect(me.me.notifications.edges.map((x: { node: { aggregateId: string } }) => x.node.aggregateId)).toContain(
      e.aggregateId,
    );
    expect(idsOf((await ok(sg, page, {}, await tokens.handler('430181', unitA))) as never)).toContain(e.aggregateId);
    expect(idsOf((await ok(sg, page, {}, staff)) as never)).toContain(e.aggregateId);

    expect(idsOf((await ok(sg, page, {}, tokenB)) as never)).not.toContain(e.aggregateId);
    expect(idsOf((await ok(sg, page, {}, await tokens.handler('430181', unitB))) as never)).not.toContain(
      e.aggregateId,
    );
    expect(idsOf((await ok(sg, page, {}, await tokens.staff('43'))) as never)).not.toContain(e.aggregateId);
    await fails(
      sg,
      'FORBIDDEN',
      `query($id: ID!) { deputy(id: $id) { notifications { totalCount } } }`,
      { id: deputyA },
      tokenB,
    );
    await fails(
      sg,
      'FORBIDDEN',
      `query($id: ID!) { deputy(id: $id) { notifications { totalCount } } }`,
      { id: deputyA },
      staff,
    );
    await fails(sg, 'FORBIDDEN', page, {}, await tokens.analyst('430181'));
    await fails(sg, 'UNAUTHENTICATED', page, {});
  });

  it("mark as read: one, then all; another inbox's id is NOT_FOUND and changes nothing", async () => {
    const events = [1, 2, 3].map(() => event('suggestion.step', { audience: { deputyIds: [deputyB] } }));
    await hub.handleEvents(events);
    const before = await ok(sg, page, { unread: true }, tokenB);
    const first = before.notifications.edges[0].node.id as string;
    await fails(
      sg,
      'NOT_FOUND',
      `mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) { id } }`,
      { ids: [first] },
      tokenA,
      'ids',
    );
    expect((await ok(sg, page, { unread: true }, tokenB)).notifications.unreadCount).toBe(
      before.notifications.unreadCount,
    );

    const marked = await ok(
      sg,
      `mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) { id readAt } }`,
      { ids: [first] },
      tokenB,
    );
    expect(marked.markNotificationsRead[0].readAt).not.toBeNull();
    const after = await ok(sg, page, { unread: true }, tokenB);
    expect(after.notifications.unreadCount).toBe(before.notifications.unreadCount - 1);
    expect(after.notifications.edges.map((x: { node: { id: string } }) => x.node.id)).not.toContain(first);

    const all = await ok(sg, `mutation { markAllNotificationsRead }`, {}, tokenB);
    expect(all.markAllNotificationsRead).toBe(before.notifications.unreadCount - 1);
    expect((await ok(sg, page, { unread: true }, tokenB)).notifications).toMatchObject({
      totalCount: 0,
      unreadCount: 0,
    });
    expect((await ok(sg, page, {}, tokenB)).notifications.totalCount).toBe(before.notifications.totalCount);
  });

  it('pages newest first with cursors, no overlap, nothing cut off; a foreign cursor is BAD_USER_INPUT', async () => {
    const handler = await tokens.handler('430181', unitB);
    const events = [1, 2, 3, 4, 5].map((n) =>
      event('sheet.issued', { data: { title: `交办单${n}` }, audience: { unitIds: [unitB] } }),
    );
    for (const e of events) await hub.handleEvents([e]);
    const q = `query($after: String) { notifications(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { aggregateId } } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const data: {
        notifications: {
          totalCount: number;
          pageInfo: { hasNextPage: boolean; endCursor: string };
          edges: { node: { aggregateId: string } }[];
        };
      } = await ok(sg, q, { after }, handler);
      expect(data.notifications.totalCount).toBe(5);
      seen.push(...data.notifications.edges.map((e) => e.node.aggregateId));
      if (!data.notifications.pageInfo.hasNextPage) break;
      after = data.notifications.pageInfo.endCursor;
    }
    expect(seen).toEqual(events.map((e) => e.aggregateId).reverse());
    await fails(sg, 'BAD_USER_INPUT', q, { after: 'bm90LWEtY3Vyc29y' }, handler, 'after');
  });

  it('a type turned off makes no notification for that inbox (others still get it); on again, it does', async () => {
    const setPref = `mutation($t: String!, $on: Boolean!) { setNotificationPreference(eventType: $t, inApp: $on) { eventType label inApp } }`;
    expect(
      (await ok(sg, setPref, { t: 'reminder.reply-due', on: false }, tokenA)).setNotificationPreference,
    ).toMatchObject({ eventType: 'reminder.reply-due', inApp: false });
    const prefs = await ok(sg, `{ notificationPreferences { eventType inApp } }`, {}, tokenA);
    expect(prefs.notificationPreferences).toContainEqual({ eventType: 'reminder.reply-due', inApp: false });
    expect(
      (await ok(sg, `{ notificationPreferences { eventType inApp } }`, {}, tokenB)).notificationPreferences,
    ).toContainEqual({ eventType: 'reminder.reply-due', inApp: true });

    const off = event('reminder.reply-due', { audience: { deputyIds: [deputyA, deputyB] } });
    await hub.handleEvents([off]);
    expect(await countRows(stack, NotificationSchema, { eventId: off.id, recipient: `deputy:${deputyA}` })).toBe(0);
    expect(await countRows(stack, NotificationSchema, { eventId: off.id, recipient: `deputy:${deputyB}` })).toBe(1);

    await ok(sg, setPref, { t: 'reminder.reply-due', on: true }, tokenA);
    const on = event('reminder.reply-due', { audience: { deputyIds: [deputyA] } });
    await hub.handleEvents([on]);
    expect(await countRows(stack, NotificationSchema, { eventId: on.id, recipient: `deputy:${deputyA}` })).toBe(1);
    await fails(sg, 'BAD_USER_INPUT', setPref, { t: 'Not A Type', on: false }, tokenA, 'eventType');
  });
});
