import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Knex } from '@mikro-orm/postgresql';
import { fails, ok } from '@renda/testing/graphql';
import { startTestServices, type TestStack } from '@renda/testing/services';
import { tokens } from '@renda/testing/tokens';
import { ReminderScheduler } from '@renda/outbox/reminders';
import { deputyReminderJobs } from '../src/modules/reminders/reminders.ts';
import { deputiesService } from '../src/server.ts';
import { createCongress, createDeputy, createRegions, createSession, subgraphOf } from './fixtures.ts';

/** Mandate events (create, update, end, D-8) and the D-5 visit reminder, through the outbox. */
let stack: TestStack;
let sg: ReturnType<typeof subgraphOf>;
let admin: string;
let county: string;
let knex: Knex;
beforeAll(async () => {
  stack = await startTestServices([deputiesService]);
  sg = subgraphOf(stack);
  admin = await tokens.admin();
  await createRegions(sg, admin);
  county = await createCongress(sg, admin, {
    regionCode: '430181',
    termNumber: 18,
    name: '浏阳市第十八届人民代表大会',
    startsOn: '2024-01-10',
    endsOn: '2029-01-09',
  });
  knex = stack.services.deputies!.orm.em.getConnection().getKnex();
});
afterAll(() => stack?.stop());

type Row = { type: string; region_code: string; data: Record<string, unknown>; audience: Record<string, unknown> };
const events = async (aggregateId: string): Promise<Row[]> =>
  (
    await knex.raw(
      `select o."type", o."region_code", o."data", o."audience" from "deputies"."outbox_events" o where o."aggregate_id" = ? order by o."id"`,
      [aggregateId],
    )
  ).rows;

const END = 'mutation($id: ID!) { endMandate(id: $id, status: RESIGNED, reason: "辞职") { status } }';
const UPDATE = 'mutation($id: ID!, $i: UpdateDeputyInput!) { updateDeputy(id: $id, input: $i) { id } }';
const ATTEND = 'mutation($i: RecordAttendanceInput!) { recordAttendance(input: $i) { status } }';

describe('mandate events', () => {
  it('D-3: a mandate starts, changes and ends with one event each; the phone number stays out of the event', async () => {
    const id = await createDeputy(sg, admin, { congressId: county, regionCode: '430181', name: '周建国' });
    await ok(sg, UPDATE, { id, i: { phone: '13800000000', position: '村委会主任' } }, admin);
    await ok(sg, END, { id }, admin);
    await fails(sg, 'CONFLICT', END, { id }, admin);
    await fails(sg, 'FORBIDDEN', UPDATE, { id, i: { position: '主任' } }, await tokens.staff('4306'));
    const rows = await events(id);
    expect(rows.map((r) => r.type)).toEqual(['mandate.started', 'deputy.updated', 'mandate.ended']);
    expect(rows[0]).toMatchObject({
      region_code: '430181',
      data: { congressId: county, status: 'ACTIVE', mandateStartsOn: '2024-01-10' },
      audience: { deputyIds: [id], regionCode: '430181' },
    });
    expect(rows[1]!.data.changed).toEqual(['phone', 'position']);
    expect(JSON.stringify(rows)).not.toContain('13800000000');
    expect(rows[2]!.data).toMatchObject({ status: 'RESIGNED', reason: '辞职', mandateEndsOn: '2026-06-15' });
  });

  it('D-8: the second unexcused absence ends the mandate and records mandate.ended with the rule', async () => {
    const id = await createDeputy(sg, admin, { congressId: county, regionCode: '430181', name: '吴秀英' });
    const sessions = [
      await createSession(sg, admin, county, 1, '2024-01-10', '2024-01-12'),
      await createSession(sg, admin, county, 2, '2025-01-10', '2025-01-12'),
    ];
    await ok(sg, ATTEND, { i: { sessionId: sessions[0], deputyId: id, status: 'ABSENT' } }, admin);
    expect((await events(id)).map((r) => r.type)).toEqual(['mandate.started']);
    await ok(sg, ATTEND, { i: { sessionId: sessions[1], deputyId: id, status: 'ABSENT' } }, admin);
    const rows = await events(id);
    expect(rows.map((r) => [r.type, r.data.status, r.data.rule])).toEqual([
      ['mandate.started', 'ACTIVE', undefined],
      ['mandate.ended', 'TERMINATED', 'D-8'],
    ]);
  });
});

describe('D-5 reminders', () => {
  it('D-5: from the local day, a linked deputy the leader has not visited this year is reminded of once, across two copies', async () => {
    const [visited, unvisited, resigned] = [
      await createDeputy(sg, admin, { congressId: county, regionCode: '430181', name: '徐志强' }),
      await createDeputy(sg, admin, { congressId: county, regionCode: '430181', name: '孙丽华' }),
      await createDeputy(sg, admin, { congressId: county, regionCode: '430181', name: '马伟' }),
    ];
    await ok(sg, END, { id: resigned }, admin);
    const mayor = (
      await ok(
        sg,
        'mutation($i: CreateGovernmentLeaderInput!) { createGovernmentLeader(input: $i) { id } }',
        { i: { regionCode: '430181', name: '郑小平', role: 'MAYOR' } },
        admin,
      )
    ).createGovernmentLeader.id;
    await ok(
      sg,
      'mutation($l: ID!, $ids: [ID!]!) { linkDeputies(governmentLeaderId: $l, deputyIds: $ids) { id } }',
      { l: mayor, ids: [visited, unvisited] },
      admin,
    );
    await ok(
      sg,
      'mutation($i: RecordContactInput!) { recordContact(input: $i) { id } }',
      {
        i: {
          kind: 'GOVERNMENT_LEADER',
          deputyId: visited,
          governmentLeaderId: mayor,
          method: 'VISIT',
          occurredOn: '2026-03-01',
          summary: '走访',
        },
      },
      admin,
    );
    const copies = [0, 1].map(
      () =>
        new ReminderScheduler({
          service: 'deputies',
          schema: 'deputies',
          knex,
          jobs: deputyReminderJobs({ leaderVisitBy: '11-30' }, stack.services.deputies!.orm),
          clock: stack.clock,
          everyMs: 1000,
          log: { info() {}, warn() {}, error() {} },
        }),
    );
    const reminders = async () =>
      (
        await knex.raw(
          `select "aggregate_id", "data" from "deputies"."outbox_events" where "type" = 'reminder.leader-visit-due' order by "id"`,
        )
      ).rows;
    try {
      stack.clock.set('2026-11-29T02:00:00Z');
      await Promise.all(copies.map((c) => c.round()));
      expect(await reminders()).toEqual([]);
      stack.clock.set('2026-11-30T02:00:00Z');
      await Promise.all([...copies, ...copies].map((c) => c.round()));
      stack.clock.set('2026-12-20T02:00:00Z');
      await Promise.all(copies.map((c) => c.round()));
      const rows = await reminders();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        aggregate_id: mayor,
        data: { rule: 'D-5', deputyId: unvisited, year: 2026, deadline: '2026-11-30' },
      });
    } finally {
      stack.clock.set('2026-06-15T02:00:00Z');
    }
  });
});
