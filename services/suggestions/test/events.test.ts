import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestStack } from '@renda/testing/services';
import { tokens } from '@renda/testing/tokens';
import { fails, ok } from '@renda/testing/graphql';
import type { EventEnvelope } from '@renda/outbox/envelope';
import { recordEvent } from '@renda/outbox/record';
import { ReminderScheduler } from '@renda/outbox/reminders';
import { suggestionReminderJobs } from '../src/modules/reminders/reminders.ts';
import {
  ASSIGN,
  buildWorld,
  driveTo,
  EVALUATE,
  fileSuggestion,
  REPLY,
  sg,
  startStack,
  STEP,
  type World,
} from './support.ts';

/** Events through the outbox: written with the change or not at all, and relayed in order. */
let stack: TestStack;
let world: World;
const delivered: EventEnvelope[] = [];
beforeAll(async () => {
  // The relays run (no Redis: in-process subscribers), so relayed events can be read back.
  stack = await startStack(undefined, undefined, {
    events: {
      redis: undefined,
      settings: { pollMs: 50, batchSize: 100, streamMaxLength: 0, remindersEveryMs: 60_000 },
      reminders: false,
    },
  });
  stack.services.suggestions!.events.bus.subscribe((events) => {
    delivered.push(...events);
  });
  world = await buildWorld(stack);
});
afterAll(() => stack?.stop());

interface OutboxRow {
  id: string;
  event_id: string;
  type: string;
  aggregate_id: string;
  region_code: string | null;
  data: Record<string, unknown>;
  audience: { deputyIds?: string[]; unitIds?: string[]; regionCode?: string } | null;
  published_at: Date | null;
}

const outbox = async (aggregateId?: string): Promise<OutboxRow[]> =>
  stack.services.suggestions!.orm.em.getConnection().execute(
    `select o."id"::text as "id", "event_id", "type", "aggregate_id", "region_code", "data", "audience", "published_at"
     from "suggestions"."outbox_events" o ${aggregateId ? `where "aggregate_id" = '${aggregateId}'` : ''} order by o."id"`,
  );

async function relayed(aggregateId: string, count: number): Promise<EventEnvelope[]> {
  for (let i = 0; i < 200; i++) {
    const mine = delivered.filter((e) => e.aggregateId === aggregateId);
    if (mine.length >= count) return mine;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`fewer than ${count} events of ${aggregateId} were relayed`);
}

describe('suggestion events are written in the transaction of their change', () => {
  it('S-1: filing an item writes its RECEIVED step, aimed at the lead deputy and the region', async () => {
    const id = await fileSuggestion(stack, world);
    const rows = await outbox(id);
    expect(rows.map((r) => [r.type, r.data.to])).toEqual([['suggestion.step', 'RECEIVED']]);
    expect(rows[0]!.region_code).toBe('430181');
    expect(rows[0]!.audience).toEqual({ deputyIds: [world.county.deputies[0]], regionCode: '430181' });
  });

  it('S-3: a step out of order is CONFLICT and writes no event', async () => {
    const id = await fileSuggestion(stack, world);
    const before = (await outbox()).length;
    await fails(sg(stack), 'CONFLICT', STEP, { id, s: 'ARCHIVED' }, await tokens.staff('430181'));
    await fails(
      sg(stack),
      'CONFLICT',
      REPLY,
      { id, i: { category: 'SOLVED', content: '已办', reviewedBy: '局长' } },
      await tokens.staff('430181'),
    );
    expect((await outbox()).length).toBe(before);
  });

  it("S-7: a rating by another deputy is FORBIDDEN and writes no event; the lead deputy's writes one", async () => {
    const id = await fileSuggestion(stack, world);
    await driveTo(stack, world, id, 'FOLLOWED_UP');
    const before = (await outbox(id)).length;
    const rating = { attitude: 'SATISFIED', result: 'DISSATISFIED' };
    await fails(
      sg(stack),
      'FORBIDDEN',
      EVALUATE,
      { id, i: rating },
      await tokens.deputy('430181', world.county.deputies[3]!),
    );
    expect((await outbox(id)).length).toBe(before);
    await ok(sg(stack), EVALUATE, { id, i: rating }, await tokens.deputy('430181', world.county.deputies[0]!));
    const added = (await outbox(id)).slice(before);
    expect(added.map((r) => [r.type, r.data.to ?? r.data.result])).toEqual([
      ['suggestion.step', 'EVALUATED'],
      ['suggestion.evaluated', 'DISSATISFIED'],
      ['suggestion.step', 'HANDLING'],
    ]);
    expect(added[1]!.data).toMatchObject({ sentBack: true, attitude: 'SATISFIED' });
  });

  it('S-2: assignment names the handling units in the audience', async () => {
    const id = await fileSuggestion(stack, world);
    await ok(
      sg(stack),
      ASSIGN,
      {
        id,
        i: {
          grade: 'LEVEL_4',
          leadOfficial: '副局长 李明',
          units: [
            { unitId: world.units.transport, role: 'LEAD' },
            { unitId: world.units.water, role: 'CO_HANDLER' },
          ],
        },
      },
      await tokens.staff('430181'),
    );
    const rows = (await outbox(id)).filter((r) => r.data.to === 'ASSIGNED' || r.type === 'suggestion.assigned');
    expect(rows.map((r) => r.type)).toEqual(['suggestion.step', 'suggestion.assigned']);
    for (const row of rows) expect(row.audience?.unitIds).toEqual([world.units.transport, world.units.water]);
    expect(rows[1]!.data.replyDueOn).toBe('2026-09-15');
  });

  it('a transaction that rolls back, or a flush that fails, leaves no event', async () => {
    const orm = stack.services.suggestions!.orm;
    const before = (await outbox()).length;
    const event = { type: 'test.rolled-back', aggregateType: 'test', aggregateId: 'x', occurredAt: new Date() };
    await expect(
      orm.em.fork().transactional(async (em) => {
        await recordEvent(em, event);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    const em = orm.em.fork();
    await recordEvent(em, event);
    // A row the database refuses (a duplicate serial counter key is fine; a null title is not).
    em.create('Suggestion' as never, { id: 'not-a-uuid' } as never);
    await expect(em.flush()).rejects.toThrow();
    expect((await outbox()).length).toBe(before);
  });
});

describe('sheets (S-5)', () => {
  it('S-5: a sheet of a key item records sheet.issued to its unit; one for an ordinary item is CONFLICT and records none; past due, it is reminded of once', async () => {
    const ISSUE = 'mutation($id: ID!, $i: IssueSheetInput!) { issueSheet(id: $id, input: $i) { id } }';
    const staff = await tokens.staff('430181');
    const id = await fileSuggestion(stack, world);
    await driveTo(stack, world, id, 'HANDLING');
    const sheet = { kind: 'REMINDER', unitId: world.units.education, dueOn: '2026-07-01', content: '请按期办理' };
    const before = (await outbox(id)).length;
    await fails(sg(stack), 'CONFLICT', ISSUE, { id, i: sheet }, staff);
    expect((await outbox(id)).length).toBe(before);
    await ok(
      sg(stack),
      'mutation($id: ID!) { markKey(id: $id, supervisor: "常委会副主任 陈红") { id } }',
      { id },
      staff,
    );
    const sheetId = (await ok(sg(stack), ISSUE, { id, i: sheet }, staff)).issueSheet.id;
    const added = (await outbox(id)).slice(before);
    expect(added.map((r) => [r.type, r.data.to ?? r.data.sheetKind])).toEqual([
      ['suggestion.key-marked', undefined],
      ['suggestion.step', 'SUPERVISED'],
      ['sheet.issued', 'REMINDER'],
    ]);
    expect(added[2]!.data).toMatchObject({ sheetId, unitId: world.units.education, dueOn: '2026-07-01' });
    const copies = [0, 1].map(
      () =>
        new ReminderScheduler({
          service: 'suggestions',
          schema: 'suggestions',
          knex: stack.services.suggestions!.orm.em.getConnection().getKnex(),
          jobs: suggestionReminderJobs({ replyDueDays: 7, rateAfterDays: 14 }, stack.services.suggestions!.orm),
          clock: stack.clock,
          everyMs: 1000,
          log: { info() {}, warn() {}, error() {} },
        }),
    );
    const overdue = async () => (await outbox(id)).filter((r) => r.type === 'reminder.sheet-overdue');
    try {
      stack.clock.set('2026-07-01T10:00:00Z');
      await Promise.all(copies.map((c) => c.round()));
      expect(await overdue()).toEqual([]);
      stack.clock.set('2026-07-02T02:00:00Z');
      await Promise.all([...copies, ...copies].map((c) => c.round()));
      await Promise.all(copies.map((c) => c.round()));
      const rows = await overdue();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        data: { sheetId, deadline: '2026-07-01' },
        audience: { unitIds: [world.units.education], regionCode: '430181' },
      });
    } finally {
      stack.clock.set('2026-06-15T02:00:00Z');
    }
  });
});

describe('partitions by year', () => {
  it('this year and next exist from the start; a write in a later year creates its partition with the event, and not if it rolls back', async () => {
    const orm = stack.services.suggestions!.orm;
    const partitions = async (): Promise<string[]> =>
      (
        await orm.em.getConnection().execute<{ relname: string }[]>(
          `select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
         join pg_namespace n on n.oid = p.relnamespace where n.nspname = 'suggestions' and p.relname = 'outbox_events' order by 1`,
        )
      ).map((r: { relname: string }) => r.relname);
    expect(await partitions()).toEqual(['outbox_events_y2026', 'outbox_events_y2027']);
    const event = {
      type: 'test.later',
      aggregateType: 'test',
      aggregateId: 'later',
      occurredAt: '2031-03-01T00:00:00Z',
    };
    await expect(
      orm.em.fork().transactional(async (em) => {
        await recordEvent(em, event);
        await em.flush();
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    // A knex transaction writes at once: it creates the partition, then rolls back, partition and all.
    const trx = await orm.em.getConnection().getKnex().transaction();
    await recordEvent(trx, event, { schema: 'suggestions' });
    await trx.rollback();
    expect(await partitions()).toEqual(['outbox_events_y2026', 'outbox_events_y2027']);
    await orm.em.fork().transactional(async (em) => {
      await recordEvent(em, event);
    });
    expect(await partitions()).toEqual(['outbox_events_y2026', 'outbox_events_y2027', 'outbox_events_y2031']);
    const rows = await orm.em
      .getConnection()
      .execute<{ n: number }[]>(
        `select count(*)::int as n from "suggestions"."outbox_events_y2031" where "aggregate_id" = 'later'`,
      );
    expect(rows[0]?.n).toBe(1);
  });

  it('a partition made in one database is not taken for one in another: a second database gets its own', async () => {
    // One process, two databases (as a test file or a benchmark has): 2031's partition exists in the first
    // (the test above), not in the second.
    const event = {
      type: 'test.later',
      aggregateType: 'test',
      aggregateId: 'other',
      occurredAt: '2031-03-01T00:00:00Z',
    };
    // A second write there finds the partition and remembers it.
    await stack.services.suggestions!.orm.em.fork().transactional(async (em) => {
      await recordEvent(em, event);
    });
    const other = await startStack();
    try {
      const orm = other.services.suggestions!.orm;
      await orm.em.fork().transactional(async (em) => {
        await recordEvent(em, {
          type: 'test.later',
          aggregateType: 'test',
          aggregateId: 'other',
          occurredAt: '2031-03-01T00:00:00Z',
        });
      });
      const rows = await orm.em
        .getConnection()
        .execute<{ n: number }[]>(
          `select count(*)::int as n from "suggestions"."outbox_events_y2031" where "aggregate_id" = 'other'`,
        );
      expect(rows[0]?.n).toBe(1);
    } finally {
      await other.stop();
    }
  });
});

describe('written with the change, in a nested transaction too', () => {
  it('an event recorded in a savepoint commits with the outermost transaction, and goes if the savepoint rolls back', async () => {
    const orm = stack.services.suggestions!.orm;
    const count = async (id: string) =>
      (
        await orm.em
          .getConnection()
          .execute<{ n: number }[]>(
            `select count(*)::int as n from "suggestions"."outbox_events" where "aggregate_id" = ?`,
            [id],
          )
      )[0]!.n;
    const event = (id: string) => ({
      type: 'test.nested',
      aggregateType: 'test',
      aggregateId: id,
      occurredAt: '2026-06-15T02:00:00Z',
    });
    await orm.em.fork().transactional(async (outer) => {
      await outer.transactional(async (inner) => {
        await recordEvent(inner, event('nested-kept'));
      });
      await outer
        .transactional(async (inner) => {
          await recordEvent(inner, event('nested-undone'));
          throw new Error('undone');
        })
        .catch(() => {});
    });
    expect(await count('nested-kept')).toBe(1);
    expect(await count('nested-undone')).toBe(0);
  });
});

describe('relayed in order', () => {
  it('S-3: the steps of one item reach subscribers in the order they were taken, each once', async () => {
    const id = await fileSuggestion(stack, world);
    await driveTo(stack, world, id, 'FOLLOWED_UP', 'PLANNED');
    await ok(
      sg(stack),
      EVALUATE,
      { id, i: { attitude: 'SATISFIED', result: 'SATISFIED' } },
      await tokens.deputy('430181', world.county.deputies[0]!),
    );
    const written = await outbox(id);
    const events = await relayed(id, written.length);
    expect(events.map((e) => e.id)).toEqual(written.map((r) => r.event_id));
    expect(events.filter((e) => e.type === 'suggestion.step').map((e) => e.data.to)).toEqual([
      'RECEIVED',
      'ASSIGNED',
      'HANDLING',
      'REVIEWED',
      'REPLIED',
      'FOLLOWED_UP',
      'EVALUATED',
    ]);
    expect(events.find((e) => e.type === 'suggestion.reply')).toMatchObject({
      service: 'suggestions',
      aggregateType: 'suggestion',
      regionCode: '430181',
      data: { category: 'PLANNED', onTime: true },
      audience: {
        deputyIds: [world.county.deputies[0]],
        unitIds: [world.units.transport, world.units.education],
        regionCode: '430181',
      },
    });
    for (;;) {
      const rows = await outbox(id);
      if (rows.every((r) => r.published_at)) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(new Set(delivered.map((e) => e.id)).size).toBe(delivered.length);
  });
});
