import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Knex } from '@mikro-orm/postgresql';
import { fails, ok } from '@renda/testing/graphql';
import type { TestStack } from '@renda/testing/services';
import { ReminderScheduler } from '@renda/outbox/reminders';
import { supervisionReminderJobs } from '../src/modules/reminders/reminders.ts';
import { handlerToken, makeTokens, makeUnits, startStack, type Executor, type Tokens, type Units } from './support.ts';

/** Supervision's events through the outbox: filings (G-2), opinion items (G-3), overdue reminders. */
let stack: TestStack;
let sg: Executor;
let t: Tokens;
let u: Units;
let knex: Knex;
beforeAll(async () => {
  ({ stack, sg } = await startStack());
  t = await makeTokens();
  u = await makeUnits(sg, t.admin);
  knex = stack.services.supervision!.orm.em.getConnection().getKnex();
});
afterAll(() => stack?.stop());

type Row = {
  type: string;
  aggregate_id: string;
  region_code: string;
  data: Record<string, unknown>;
  audience: Record<string, unknown>;
};
const events = async (aggregateId: string): Promise<Row[]> =>
  (
    await knex.raw(
      `select o."type", o."aggregate_id", o."region_code", o."data", o."audience" from "supervision"."outbox_events" o where o."aggregate_id" = ? order by o."id"`,
      [aggregateId],
    )
  ).rows;
const count = async (): Promise<number> =>
  Number((await knex.raw(`select count(*) as n from "supervision"."outbox_events"`)).rows[0].n);

const FILE = 'mutation($input: FileDocumentInput!) { fileDocument(input: $input) { id filedLate } }';
const HEAR = 'mutation($input: HearReportInput!) { hearReport(input: $input) { id } }';
const ADD =
  'mutation($id: ID!, $items: [OpinionItemInput!]!) { addReportOpinions(reportId: $id, items: $items) { opinions { id } } }';
const REPORT_ITEM = 'mutation($id: ID!, $on: Date!) { reportOpinionItem(itemId: $id, on: $on) { status } }';
const CLOSE_ITEM = 'mutation($id: ID!, $on: Date!) { closeOpinionItem(itemId: $id, on: $on) { status } }';

describe('supervision events', () => {
  it('G-2: a filing records filing.recorded, saying it was late, aimed at the issuer; a refused one records nothing', async () => {
    const input = {
      title: '浏阳市规范性文件',
      documentNumber: '浏政发〔2026〕90号',
      kind: 'NORMATIVE_DOCUMENT',
      issuerId: u.government,
      publishedOn: '2026-04-01',
      filedOn: '2026-06-01',
    };
    const doc = (await ok(sg, FILE, { input }, t.staff)).fileDocument;
    expect(doc.filedLate).toBe(true);
    const before = await count();
    await fails(sg, 'CONFLICT', FILE, { input }, t.staff);
    await fails(
      sg,
      'BAD_USER_INPUT',
      FILE,
      { input: { ...input, documentNumber: '浏政发〔2026〕91号', filedOn: '2026-03-01' } },
      t.staff,
      'input.filedOn',
    );
    expect(await count()).toBe(before);
    const [row] = await events(doc.id);
    expect(row).toMatchObject({
      type: 'filing.recorded',
      region_code: '430181',
      data: { late: true, filingDueOn: '2026-05-01', documentNumber: '浏政发〔2026〕90号' },
      audience: { unitIds: [u.government], regionCode: '430181' },
    });
  });

  it('G-3: an item opens, is reported and closed (销号), one event each in order; a refused close writes none', async () => {
    const report = (
      await ok(
        sg,
        HEAR,
        {
          input: {
            kind: 'SPECIAL_REPORT',
            title: '关于农村饮水安全工作情况的报告',
            unitId: u.government,
            heardOn: '2026-04-28',
          },
        },
        t.staff,
      )
    ).hearReport.id;
    const [item] = (
      await ok(
        sg,
        ADD,
        { id: report, items: [{ content: '加快管网改造', unitId: u.transport, dueOn: '2026-09-30' }] },
        t.staff,
      )
    ).addReportOpinions.opinions;
    await fails(sg, 'CONFLICT', CLOSE_ITEM, { id: item.id, on: '2026-06-12' }, t.staff);
    await ok(sg, REPORT_ITEM, { id: item.id, on: '2026-06-10' }, await handlerToken(u.transport));
    await fails(sg, 'FORBIDDEN', CLOSE_ITEM, { id: item.id, on: '2026-06-12' }, await handlerToken(u.transport));
    await ok(sg, CLOSE_ITEM, { id: item.id, on: '2026-06-12' }, t.staff);
    const rows = await events(item.id);
    expect(rows.map((r) => [r.type, r.data.status])).toEqual([
      ['opinion-item.opened', 'OPEN'],
      ['opinion-item.reported', 'REPORTED'],
      ['opinion-item.closed', 'CLOSED'],
    ]);
    expect(rows[2]!.audience).toEqual({ unitIds: [u.transport], regionCode: '430181' });
  });

  it('G-3: an item not closed by its due date is reminded of once, the day after, by two scheduler copies', async () => {
    const report = (
      await ok(
        sg,
        HEAR,
        {
          input: {
            kind: 'SPECIAL_REPORT',
            title: '关于道路交通安全的报告',
            unitId: u.government,
            heardOn: '2026-05-01',
          },
        },
        t.staff,
      )
    ).hearReport.id;
    const [late, closed] = (
      await ok(
        sg,
        ADD,
        {
          id: report,
          items: [
            { content: '整治危险路段', unitId: u.transport, dueOn: '2026-06-30' },
            { content: '增设信号灯', unitId: u.housing, dueOn: '2026-06-30' },
          ],
        },
        t.staff,
      )
    ).addReportOpinions.opinions;
    await ok(sg, REPORT_ITEM, { id: closed.id, on: '2026-06-14' }, t.staff);
    await ok(sg, CLOSE_ITEM, { id: closed.id, on: '2026-06-15' }, t.staff);
    const copies = [0, 1].map(
      () =>
        new ReminderScheduler({
          service: 'supervision',
          schema: 'supervision',
          knex,
          jobs: supervisionReminderJobs(stack.services.supervision!.orm),
          clock: stack.clock,
          everyMs: 1000,
          log: { info() {}, warn() {}, error() {} },
        }),
    );
    const reminders = async () =>
      (
        await knex.raw(
          `select "aggregate_id", "data"->>'deadline' as "deadline" from "supervision"."outbox_events" where "type" = 'reminder.opinion-item-overdue' order by "id"`,
        )
      ).rows;
    try {
      stack.clock.set('2026-06-30T10:00:00Z');
      await Promise.all(copies.map((c) => c.round()));
      expect(await reminders()).toEqual([]);
      stack.clock.set('2026-07-01T02:00:00Z');
      await Promise.all([...copies, ...copies].map((c) => c.round()));
      await Promise.all(copies.map((c) => c.round()));
      expect(await reminders()).toEqual([{ aggregate_id: late.id, deadline: '2026-06-30' }]);
    } finally {
      stack.clock.set('2026-06-15T02:00:00Z');
    }
  });
});
