import { createServer, type IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { Knex, MikroORM } from '@mikro-orm/postgresql';
import type { TestStack } from '@renda/testing/services';
import { createMemoryCache } from '@renda/cache/cache';
import { openDatabase } from '@renda/db/orm';
import { idempotent } from '@renda/outbox/consumers';
import type { EventEnvelope } from '@renda/outbox/envelope';
import { recordEvent } from '@renda/outbox/record';
import {
  EventBus,
  eventStreamKey,
  localTransport,
  OutboxRelay,
  redisTransport,
  type Transport,
} from '@renda/outbox/relay';
import { ReminderScheduler } from '@renda/outbox/reminders';
import { suggestionReminderJobs } from '../src/modules/reminders/reminders.ts';
import { suggestionsService } from '../src/server.ts';
import { buildWorld, driveTo, fileSuggestion, startStack, type World } from './support.ts';

/** The relay and the reminders on real PostgreSQL (and Redis when REDIS_URL is set): leadership, order, once-only. */
let stack: TestStack;
let world: World;
let orm: MikroORM;
let knex: Knex;
const quiet = { info() {}, warn() {}, error() {} };
const settings = { pollMs: 20, batchSize: 7, streamMaxLength: 0 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  stack = await startStack();
  world = await buildWorld(stack);
  orm = stack.services.suggestions!.orm;
  knex = orm.em.getConnection().getKnex();
});
afterAll(() => stack?.stop());

const relay = (transport: Transport, batchSize = settings.batchSize) =>
  new OutboxRelay({
    service: 'suggestions',
    schema: 'suggestions',
    knex,
    transport,
    settings: { ...settings, batchSize },
    log: quiet,
    now: () => stack.clock.now(),
  });

const written = async (
  where = 'true',
): Promise<{ id: string; event_id: string; type: string; published_at: Date | null }[]> =>
  (
    await knex.raw(
      `select o."id"::text as "id", o."event_id", o."type", o."published_at" from "suggestions"."outbox_events" o where ${where} order by o."id"`,
    )
  ).rows;

async function until(check: () => Promise<boolean> | boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** The session holding the relays' leader lock, if any. */
const holder = async () =>
  (
    await knex.raw(
      `select l.pid from pg_locks l where l.locktype = 'advisory' and l.granted and l.database = (select oid from pg_database where datname = current_database())
         and l.objid = (hashtext('renda:outbox-relay:suggestions')::bigint & 4294967295)::oid`,
    )
  ).rows[0]?.pid as number | undefined;

describe.skipIf(!process.env.REDIS_URL)('two relays on one database, publishing to the Redis stream', () => {
  it('only one publishes at a time, an idle leader whose session drops hands over, and every event is in the stream once, in id order', async () => {
    const prefix = `renda-test-${randomUUID()}:`;
    let inFlight = 0;
    let most = 0;
    // Counts publishes in progress across both copies: more than one at a time would be two leaders.
    const counted = (transport: Transport): Transport => ({
      kind: transport.kind,
      async publish(events) {
        most = Math.max(most, ++inFlight);
        try {
          await transport.publish(events);
        } finally {
          inFlight--;
        }
      },
      close: () => transport.close(),
    });
    const a = relay(counted(redisTransport(process.env.REDIS_URL!, prefix, 0)));
    const b = relay(counted(redisTransport(process.env.REDIS_URL!, prefix, 0)));
    a.start();
    b.start();
    const allPublished = async () => (await written()).every((r) => r.published_at);
    try {
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) ids.push(await fileSuggestion(stack, world));
      await Promise.all(ids.slice(0, 3).map((id) => driveTo(stack, world, id, 'REPLIED')));
      await until(allPublished, 'the first events published');
      // The leader's session drops while idle (a network cut, a restarted pooler): its lock goes with it,
      // the other copy takes over, and the old one reconnects and waits.
      const killed = await holder();
      expect(killed).toBeDefined();
      await knex.raw('select pg_terminate_backend(?)', [killed!]);
      // A new session holds the lock: the other copy's, or the old leader's own after it reconnected first.
      await until(async () => {
        const now = await holder();
        return now !== undefined && now !== killed;
      }, 'a new session to lead');
      for (const id of ids.slice(3)) await driveTo(stack, world, id, 'HANDLING');
      await until(allPublished, 'every event published');
      const redis = new Redis(process.env.REDIS_URL!);
      try {
        const entries = await redis.xrange(eventStreamKey(prefix), '-', '+');
        const streamed = entries.map(([, fields]) => JSON.parse(fields[fields.indexOf('event') + 1]!) as EventEnvelope);
        const rows = await written();
        expect(rows.length).toBe(6 + 3 * 6 + 3 * 3);
        expect(streamed.map((e) => e.id)).toEqual(rows.map((r) => r.event_id));
        expect(streamed[0]).toMatchObject({
          service: 'suggestions',
          type: 'suggestion.step',
          aggregateType: 'suggestion',
          regionCode: '430181',
        });
        await redis.del(eventStreamKey(prefix));
      } finally {
        redis.disconnect();
      }
      expect(most).toBe(1);
      expect([a, b].filter((r) => r.isLeader)).toHaveLength(1);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    // Stopped copies hold no session: the next relay on this database can lead at once.
    expect(await holder()).toBeUndefined();
  });
});

describe('leadership', () => {
  it('a copy whose lost session is reported again after it reconnected keeps leading, and stopping it frees the lock', async () => {
    const r = relay({ kind: 'local', publish: async () => {}, close: async () => {} });
    type Loop = { connection: { emit(event: 'error', e: Error): boolean } | null };
    const loop = () => (r as unknown as { loop: Loop }).loop;
    r.start();
    try {
      await until(async () => r.isLeader && (await holder()) !== undefined, 'the copy to lead');
      const lost = loop().connection!;
      await knex.raw('select pg_terminate_backend(?)', [(await holder())!]);
      await until(async () => r.isLeader && loop().connection !== lost, 'the copy to lead on a new session');
      // node-postgres reports a terminated session twice (the server's FATAL message, then the socket's end); on a
      // loaded machine the second report can come after the copy reconnected. It must not drop the new session.
      lost.emit('error', new Error('Connection terminated unexpectedly'));
      expect(r.isLeader).toBe(true);
      expect(await holder()).toBeDefined();
    } finally {
      await r.stop();
    }
    expect(await holder()).toBeUndefined();
  });
});

describe('order and delivery', () => {
  it('events of one aggregate come out in commit order: a racing transaction waits for the first', async () => {
    const published: EventEnvelope[] = [];
    const capture: Transport = {
      kind: 'local',
      publish: async (events) => void published.push(...events),
      close: async () => {},
    };
    const r = relay(capture, 100);
    const aggregateId = randomUUID();
    const event = (type: string) => ({ type, aggregateType: 'race', aggregateId, occurredAt: stack.clock.now() });
    const first = await knex.transaction();
    await recordEvent(first, event('first'), { schema: 'suggestions' });
    let secondDone = false;
    const second = (async () => {
      const trx = await knex.transaction();
      await recordEvent(trx, event('second'), { schema: 'suggestions' });
      await trx.commit();
      secondDone = true;
    })();
    await sleep(300);
    // Were the second not held back, it would have committed, and the relay would send it before the first.
    await r.runOnce();
    await first.commit();
    await second;
    await r.runOnce();
    await r.stop();
    expect(secondDone).toBe(true);
    expect(published.filter((e) => e.aggregateId === aggregateId).map((e) => e.type)).toEqual(['first', 'second']);
  });

  it('without Redis: in-process subscribers, then POST EVENTS_URL with the subgraph secret; a failed POST is sent again', async () => {
    const posts: { secret: string | undefined; ids: string[] }[] = [];
    let failNext = true;
    // eslint-disable-next-line @typescript-eslint/no-misused-promises -- the handler answers every request itself
    const server = createServer(async (req: IncomingMessage, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      posts.push({
        secret: req.headers['x-subgraph-secret'] as string | undefined,
        ids: (JSON.parse(body) as { events: EventEnvelope[] }).events.map((e) => e.id),
      });
      res.statusCode = failNext ? 503 : 204;
      failNext = false;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const bus = new EventBus();
    const received: EventEnvelope[] = [];
    const handledOnce: string[] = [];
    const once = idempotent((e) => void handledOnce.push(e.id), createMemoryCache(), { name: 'test' });
    bus.subscribe(async (events) => {
      received.push(...events);
      for (const e of events) await once(e);
    });
    const r = relay(localTransport(bus, `http://127.0.0.1:${port}/internal/events`, 'the-subgraph-secret'), 100);
    try {
      const id = await fileSuggestion(stack, world);
      r.start();
      await until(
        async () => (await written(`o."aggregate_id" = '${id}'`)).every((row) => row.published_at),
        'the event published',
      );
      const [row] = await written(`o."aggregate_id" = '${id}'`);
      expect(posts.length).toBeGreaterThanOrEqual(2);
      expect(posts.every((p) => p.secret === 'the-subgraph-secret')).toBe(true);
      expect(posts.at(-1)!.ids).toContain(row!.event_id);
      // The batch went to the subscribers twice (the first POST failed); the idempotent consumer handled it once.
      expect(received.filter((e) => e.id === row!.event_id)).toHaveLength(2);
      expect(handledOnce.filter((e) => e === row!.event_id)).toHaveLength(1);
    } finally {
      await r.stop();
      server.close();
    }
  });
});

describe('reminders', () => {
  it('S-4, S-7: two scheduler copies at once raise each deadline once, as the injected clock moves', async () => {
    const second = await openDatabase({
      url: stack.db.url,
      schema: 'suggestions',
      entities: suggestionsService.entities,
      migrationsPath: suggestionsService.migrationsPath,
      migrations: suggestionsService.migrations,
      poolMax: 3,
    });
    const jobs = suggestionReminderJobs({ replyDueDays: 7, rateAfterDays: 14 }, stack.services.suggestions!.orm);
    const copies = [knex, second.em.getConnection().getKnex()].map(
      (k) =>
        new ReminderScheduler({
          service: 'suggestions',
          schema: 'suggestions',
          knex: k,
          jobs,
          clock: stack.clock,
          everyMs: 100,
          log: quiet,
        }),
    );
    try {
      stack.clock.set('2026-06-15T02:00:00Z');
      const due = await fileSuggestion(stack, world);
      await driveTo(stack, world, due, 'HANDLING'); // assigned 2026-06-15: reply due 2026-09-15
      const rated = await fileSuggestion(stack, world);
      await driveTo(stack, world, rated, 'REPLIED'); // replied 2026-06-15: rating expected by 2026-06-29
      const reminders = async () =>
        (
          await knex.raw(
            `select o."type", o."aggregate_id", o."data"->>'deadline' as "deadline" from "suggestions"."outbox_events" o where o."type" like 'reminder.%' and o."aggregate_id" in (?, ?) order by o."id"`,
            [due, rated],
          )
        ).rows as { type: string; aggregate_id: string; deadline: string }[];
      const rounds = async () => {
        // Each copy's leader loop, and direct rounds of both at once (as if both led): the key holds either way.
        for (const c of copies) c.start();
        await Promise.all([...copies, ...copies].map((c) => c.round()));
        await sleep(250);
        for (const c of copies) await c.stop();
      };
      await rounds();
      expect(await reminders()).toEqual([]);
      stack.clock.set('2026-06-30T02:00:00Z');
      await rounds();
      await rounds();
      expect(await reminders()).toEqual([{ type: 'reminder.rating-due', aggregate_id: rated, deadline: '2026-06-29' }]);
      stack.clock.set('2026-09-09T02:00:00Z');
      await rounds();
      stack.clock.set('2026-09-16T02:00:00Z');
      await rounds();
      await rounds();
      expect((await reminders()).map((r) => [r.type, r.aggregate_id, r.deadline])).toEqual([
        ['reminder.rating-due', rated, '2026-06-29'],
        ['reminder.reply-due', due, '2026-09-15'],
        ['reminder.reply-overdue', due, '2026-09-15'],
      ]);
      const [overdue] = (
        await knex.raw(
          `select "audience" from "suggestions"."outbox_events" where "type" = 'reminder.reply-overdue' and "aggregate_id" = ?`,
          [due],
        )
      ).rows;
      expect(overdue.audience).toEqual({
        deputyIds: [world.county.deputies[0]],
        unitIds: [world.units.transport, world.units.education],
        regionCode: '430181',
      });
    } finally {
      await Promise.all(copies.map((c) => c.stop()));
      await second.close();
      stack.clock.set('2026-06-15T02:00:00Z');
    }
  });
});
