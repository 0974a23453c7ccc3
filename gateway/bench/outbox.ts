/**
 * What the outbox costs a write, and how fast one relay publishes. On a fresh database with the
 * suggestions schema: (1) `BENCH_WRITES` transactions that insert a row of their own, each alone and
 * each with one event recorded in it (`recordEvent`), A B A B …, milliseconds per transaction and the
 * ratio; (2) `BENCH_EVENTS` unpublished events relayed by one relay, batch 100 and batch 1,000, to the
 * Redis stream (with REDIS_URL) or to an in-process subscriber: events per second.
 * Run: `DATABASE_URL=postgres://… [REDIS_URL=redis://…] pnpm --filter @renda/gateway bench:outbox`.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { openDatabase } from '@renda/db/orm';
import { installOutbox, recordEvent } from '@renda/outbox/record';
import { EventBus, eventStreamKey, localTransport, OutboxRelay, redisTransport } from '@renda/outbox/relay';
import { createTestDatabase } from '@renda/testing/database';
import { suggestionsService } from '@renda/suggestions/server';

const writes = Number(process.env.BENCH_WRITES ?? 2000);
const total = Number(process.env.BENCH_EVENTS ?? 20000);
const quiet = { info() {}, warn() {}, error() {} };

const db = await createTestDatabase();
const orm = await openDatabase({
  url: db.url,
  schema: 'suggestions',
  entities: suggestionsService.entities,
  migrationsPath: suggestionsService.migrationsPath,
  migrations: suggestionsService.migrations,
  poolMax: 4,
});
try {
  await installOutbox(orm, 'suggestions', new Date());
  const knex = orm.em.getConnection().getKnex();
  await knex.raw('create table "suggestions"."bench_rows" ("id" uuid primary key, "n" int not null)');
  const write = async (withEvent: boolean) => {
    const started = performance.now();
    for (let i = 0; i < writes; i++) {
      await orm.em.fork().transactional(async (em) => {
        const id = randomUUID();
        await em.execute('insert into "suggestions"."bench_rows" ("id", "n") values (?, ?)', [id, i]);
        if (withEvent)
          await recordEvent(em, {
            type: 'bench.row',
            aggregateType: 'row',
            aggregateId: id,
            occurredAt: new Date(),
            data: { n: i },
            audience: { regionCode: '43' },
          });
      });
    }
    return (performance.now() - started) / writes;
  };
  const plain: number[] = [];
  const evented: number[] = [];
  for (let pair = 0; pair < 3; pair++) {
    plain.push(await write(false));
    evented.push(await write(true));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(
    `write: ${median(plain).toFixed(3)} ms alone, ${median(evented).toFixed(3)} ms with an event (x${(median(evented) / median(plain)).toFixed(2)}), ${writes} transactions, median of 3 pairs`,
  );

  for (const batchSize of [100, 1000]) {
    await knex.raw('update "suggestions"."outbox_events" set "published_at" = now() where "published_at" is null');
    await knex.raw(
      `insert into "suggestions"."outbox_events" ("event_id", "type", "aggregate_type", "aggregate_id", "occurred_at", "data", "audience")
       select gen_random_uuid(), 'bench.event', 'row', (g % 1000)::text, now(), jsonb_build_object('n', g), '{"regionCode":"43"}'::jsonb from generate_series(1, ?) g`,
      [total],
    );
    const prefix = `renda-bench-${randomUUID()}:`;
    let delivered = 0;
    const bus = new EventBus();
    bus.subscribe((events) => void (delivered += events.length));
    const transport = process.env.REDIS_URL
      ? redisTransport(process.env.REDIS_URL, prefix, 0)
      : localTransport(bus, undefined, '');
    const relay = new OutboxRelay({
      service: 'suggestions',
      schema: 'suggestions',
      knex,
      transport,
      settings: { pollMs: 1000, batchSize, streamMaxLength: 0 },
      log: quiet,
      now: () => new Date(),
    });
    const started = performance.now();
    for (;;) {
      await relay.runOnce();
      const [{ n }] = (
        await knex.raw('select count(*)::int as n from "suggestions"."outbox_events" where "published_at" is null')
      ).rows;
      if (n === 0) break;
    }
    const seconds = (performance.now() - started) / 1000;
    await relay.stop();
    if (process.env.REDIS_URL) {
      const redis = new Redis(process.env.REDIS_URL);
      delivered = await redis.xlen(eventStreamKey(prefix));
      await redis.del(eventStreamKey(prefix));
      redis.disconnect();
    }
    console.log(
      `relay to ${transport.kind === 'redis' ? 'the Redis stream' : 'an in-process subscriber'}, batch ${batchSize}: ${total} events in ${seconds.toFixed(2)} s, ${Math.round(total / seconds)} events/s (${delivered} delivered)`,
    );
  }
} finally {
  await orm.close();
  await db.drop();
}
