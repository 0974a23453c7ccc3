import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { startTestServices, type TestStack } from '@renda/testing/services';
import { figurePeriods } from '@renda/server-kit/figures';
import { FixedClock } from '@renda/server-kit/clock';
import { backgroundKnex } from '@renda/db/orm';
import { supervisionService } from '../src/server.ts';
import {
  figureMeasures,
  figureRows,
  rebuildFigureRollups,
  statsNames,
  statsRows,
} from '../src/modules/stats/stats.store.ts';

/**
 * F-1 to F-4 on rollups (issue 10): whatever sequence of writes the six counted tables see (rows filed,
 * corrected, re-dated, moved to another region, reviewed, closed, withdrawn and put back, deleted), the figures
 * the API reads from `figure_rollups` (`supervisionFigures`, `supervisionStats`) equal the live aggregate over
 * the base tables, for any subtrees, years or months and any measuring day (`asOf`), past days included.
 */
let stack: TestStack;
const em = () => stack.services.supervision!.orm.em.fork();
const conn = () => em().getConnection();
const unit = '01900000-0000-7000-8000-0000000000aa';
const regions = ['430181', '430181104', '430181105', '4306', '43', '4301'];
const scopes = ['43', '4301', '430181', '430181104', '4306', '430182'];
const tables = [
  'filed_documents',
  'major_matters',
  'opinion_items',
  'inquiries',
  'appointment_motions',
  'reports',
] as const;

const day = (from: string, days: number) =>
  new Date(Date.parse(`${from}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
// Days mostly at month and year ends and starts (where periods are measured and events cross buckets), so dates,
// review and closing days and measuring days meet often; the rest anywhere in 2024-2026.
const edges = [
  '2024-01-31',
  '2024-02-01',
  '2024-06-14',
  '2024-06-15',
  '2024-06-30',
  '2024-07-01',
  '2024-12-30',
  '2024-12-31',
  '2025-01-01',
  '2025-03-31',
  '2025-04-01',
  '2025-12-31',
];
const anyDay = fc.oneof(
  fc.constantFrom(...edges),
  fc.integer({ min: 0, max: 900 }).map((d) => day('2024-01-01', d)),
);
const votes = fc.option(fc.integer({ min: 0, max: 5 }), { nil: null });
const facts = fc.record({
  region: fc.constantFrom(...regions),
  dated: anyDay,
  /** The review, decision or closing day; `dated` stands for a missing one sometimes. */
  later: fc.option(anyDay, { nil: null }),
  flag: fc.boolean(),
  maybe: fc.option(fc.boolean(), { nil: null }),
  votes: fc.tuple(votes, votes, votes),
  review: fc.constantFrom('PENDING', 'NO_ISSUE', 'CORRECTION_REQUESTED', 'CORRECTED', 'REVOKED'),
});
type Facts = typeof facts extends fc.Arbitrary<infer T> ? T : never;
const op = fc.oneof(
  {
    arbitrary: fc.record({ kind: fc.constant('insert' as const), table: fc.constantFrom(...tables), facts }),
    weight: 4,
  },
  fc.record({ kind: fc.constant('update' as const), pick: fc.nat(), facts }),
  fc.record({ kind: fc.constant('withdraw' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
);
const question = fc.record({
  codes: fc.subarray(scopes, { minLength: 1 }),
  from: fc.integer({ min: 2024, max: 2025 }),
  years: fc.integer({ min: 0, max: 1 }),
  interval: fc.constantFrom('YEAR' as const, 'MONTH' as const),
  asOf: fc.option(anyDay, { nil: null }),
});

/** Each table's columns the figures read, set from the drawn facts (the rest: fixed values). */
const columns: Record<(typeof tables)[number], (f: Facts) => Record<string, unknown>> = {
  filed_documents: (f) => ({
    region_code: f.region,
    filed_on: f.dated,
    filed_late: f.flag,
    reviewed_on: f.later,
    review_status: f.review,
  }),
  major_matters: (f) => ({
    region_code: f.region,
    decided_on: f.later,
    reported_before_decision: f.maybe,
    year: Number(f.dated.slice(0, 4)),
  }),
  opinion_items: (f) => ({
    region_code: f.region,
    due_on: f.dated,
    closed_on: f.later,
    status: f.maybe ? 'CLOSED' : f.later ? 'REPORTED' : 'OPEN',
  }),
  inquiries: (f) => ({ region_code: f.region, filed_on: f.dated, answer_due_on: f.dated }),
  appointment_motions: (f) => ({
    region_code: f.region,
    submitted_on: f.dated,
    exam_score: f.maybe === null ? null : f.flag ? 80 : 50,
    exam_passed: f.maybe,
  }),
  reports: (f) => ({
    region_code: f.region,
    heard_on: f.dated,
    satisfied: f.votes[0],
    basically_satisfied: f.votes[1],
    dissatisfied: f.votes[2],
  }),
};
const fixed: Record<(typeof tables)[number], Record<string, unknown>> = {
  filed_documents: {
    title: '文件',
    kind: 'DECISION',
    issuer_id: unit,
    published_on: '2024-01-01',
    filing_due_on: '2024-01-31',
  },
  major_matters: { title: '重大事项', unit_id: unit, status: 'PLANNED' },
  opinion_items: { source_kind: 'REPORT', source_id: unit, unit_id: unit, content: '意见' },
  inquiries: { unit_id: unit, subject: '质询', signers: 10, status: 'FILED' },
  appointment_motions: {
    kind: 'APPOINT',
    unit_id: unit,
    nominee_name: '提名人',
    position: '职务',
    submitted_by: '提请人',
    status: 'SUBMITTED',
  },
  reports: { kind: 'WORK_REPORT', title: '报告', unit_id: unit },
};

type Row = { table: (typeof tables)[number]; id: string };
let serial = 0;
async function apply(rows: Row[], o: { kind: string; table?: Row['table']; pick?: number; facts?: Facts }) {
  if (o.kind === 'insert') {
    const table = o.table!;
    serial += 1;
    const values = {
      ...fixed[table],
      ...(table === 'filed_documents' ? { document_number: `P-${serial}` } : {}),
      ...columns[table](o.facts!),
    };
    const names = Object.keys(values);
    const [row] = await conn().execute<{ id: string }[]>(
      `insert into "supervision"."${table}" (id, ${names.map((n) => `"${n}"`).join(', ')})
       values (gen_random_uuid(), ${names.map(() => '?').join(', ')}) returning id`,
      Object.values(values) as never[],
    );
    rows.push({ table, id: row!.id });
    return;
  }
  if (!rows.length) return;
  const row = rows[o.pick! % rows.length]!;
  const at = `"supervision"."${row.table}"`;
  if (o.kind === 'delete') {
    await conn().execute(`delete from ${at} where id = ?`, [row.id]);
    rows.splice(rows.indexOf(row), 1);
  } else if (o.kind === 'withdraw') {
    // G-2 withdrawal of a filing entered by mistake, or its undoing; other tables: a write that changes nothing.
    if (row.table === 'filed_documents')
      await conn().execute(
        `update ${at} set withdrawn_at = case when withdrawn_at is null then now() end where id = ?`,
        [row.id],
      );
    else await conn().execute(`update ${at} set region_code = region_code where id = ?`, [row.id]);
  } else {
    // A correction: every column the figures read takes new values.
    const values = columns[row.table](o.facts!);
    await conn().execute(
      `update ${at} set ${Object.keys(values)
        .map((n) => `"${n}" = ?`)
        .join(', ')} where id = ?`,
      [...Object.values(values), row.id] as never[],
    );
  }
}

const counts = (r: Record<string, unknown>) => figureMeasures.map((m) => Number(r[m] ?? 0));
/** Rows that count something, by subtree, period and level. */
const counted = (rows: Record<string, string | number>[]) =>
  Object.fromEntries(
    rows
      .filter((r) => counts(r).some((n) => n !== 0))
      .map((r) => [`${r.key}|${r.i}|${r.level}`, Object.fromEntries(figureMeasures.map((m) => [m, Number(r[m])]))]),
  );

async function compare(q: typeof question extends fc.Arbitrary<infer T> ? T : never) {
  const periods = figurePeriods(new FixedClock('2026-06-15T02:00:00Z'), {
    from: q.from,
    to: q.from + q.years,
    interval: q.interval,
    asOf: q.asOf,
  });
  const rolled = await figureRows(em(), periods, q.codes, 'rollups');
  const live = await figureRows(em(), periods, q.codes, 'live');
  expect(counted(rolled), JSON.stringify(q)).toEqual(counted(live));
  // `supervisionStats` of the first year, overdue measured on the day asked (any day, past or future).
  const on = q.asOf ?? '2026-06-15';
  const stats = async (source: 'rollups' | 'live') =>
    Object.fromEntries(
      (await statsRows(em(), q.codes, q.from, on, source)).map((r) => [
        r.key,
        Object.fromEntries(statsNames.map((n) => [n, Number(r[n] ?? 0)])),
      ]),
    );
  expect(await stats('rollups'), `stats ${JSON.stringify(q)}`).toEqual(await stats('live'));
}

beforeAll(async () => {
  stack = await startTestServices([supervisionService]);
  await conn().execute(
    `insert into "supervision"."government_units" (id, region_code, name, kind) values (?, '430181', '政府', 'GOVERNMENT')`,
    [unit],
  );
});
afterAll(() => stack?.stop());

const clear = () => conn().execute(tables.map((t) => `delete from "supervision"."${t}";`).join('\n'));

describe('supervision figure rollups (F-1 to F-4, issue 10)', () => {
  it('F-1: the figures read from the rollups equal the live aggregate after any writes, for any subtree, interval and day', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 10, maxLength: 40 }),
        fc.array(question, { minLength: 1, maxLength: 3 }),
        async (ops, questions) => {
          await clear();
          const rows: Row[] = [];
          for (const o of ops) await apply(rows, o);
          for (const q of questions) await compare(q);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('F-1: the rollups count nothing once every row is gone (no counter left behind)', async () => {
    await clear();
    const rows: Row[] = [];
    const f: Facts = {
      region: '430181104',
      dated: '2025-03-31',
      later: '2025-04-01',
      flag: true,
      maybe: true,
      votes: [3, 2, 1],
      review: 'CORRECTED',
    };
    for (const table of tables) await apply(rows, { kind: 'insert', table, facts: f });
    const [row] = await conn().execute<{ n: number }[]>(
      'select count(*)::int as n from "supervision"."figure_rollups"',
    );
    expect(row!.n).toBeGreaterThan(0);
    await clear();
    const left = await conn().execute(
      `select * from "supervision"."figure_rollups" where ${figureMeasures.map((m) => `"${m}" <> 0`).join(' or ')}`,
    );
    expect(left).toEqual([]);
  });

  it('F-1: the rebuild recomputes the rollups from the base tables (a drifted counter is put right)', async () => {
    await clear();
    const rows: Row[] = [];
    const f: Facts = {
      region: '430181',
      dated: '2025-06-15',
      later: '2025-07-01',
      flag: false,
      maybe: true,
      votes: [1, 1, 1],
      review: 'NO_ISSUE',
    };
    for (const table of tables) await apply(rows, { kind: 'insert', table, facts: f });
    const periods = figurePeriods(new FixedClock('2026-06-15T02:00:00Z'), { from: 2025, to: 2025, interval: 'MONTH' });
    const before = counted(await figureRows(em(), periods, ['43'], 'rollups'));
    await conn().execute(`update "supervision"."figure_rollups" set "filed" = "filed" + 5 where "scope_code" = '43'`);
    expect(counted(await figureRows(em(), periods, ['43'], 'rollups'))).not.toEqual(before);
    await rebuildFigureRollups(em());
    expect(counted(await figureRows(em(), periods, ['43'], 'rollups'))).toEqual(before);
    expect(before).toEqual(counted(await figureRows(em(), periods, ['43'], 'live')));
  });

  it('F-1: a write that fails leaves the rollups as they were (same transaction)', async () => {
    await clear();
    const before = await conn().execute('select * from "supervision"."figure_rollups" order by 1, 2, 3, 4, 5, 6');
    await expect(
      em().transactional(async (tx) => {
        await tx.execute(
          `insert into "supervision"."inquiries" (id, unit_id, region_code, subject, signers, filed_on, answer_due_on, status)
           values (gen_random_uuid(), ?, '430181', '质询', 10, '2025-05-05', '2025-06-05', 'FILED')`,
          [unit],
        );
        await tx.execute(`insert into "supervision"."inquiries" (id) values (gen_random_uuid())`);
      }),
    ).rejects.toThrow();
    expect(await conn().execute('select * from "supervision"."figure_rollups" order by 1, 2, 3, 4, 5, 6')).toEqual(
      before,
    );
  });

  it('F-1: writers racing on rows that share rollup rows never deadlock, and the rollups stay exact', async () => {
    // Every row counts in its region's and its ancestors' rows, by year, month and day of its events, so two
    // writes to different rows meet on the same counters. A trigger taking them in different orders in two
    // transactions would deadlock now and then under load, and PostgreSQL abort one of the writes.
    await clear();
    const rows: Row[] = [];
    const base: Facts = {
      region: '430181',
      dated: '2025-04-30',
      later: null,
      flag: false,
      maybe: null,
      votes: [1, 1, 1],
      review: 'NO_ISSUE',
    };
    for (let i = 0; i < 24; i++)
      await apply(rows, {
        kind: 'insert',
        table: i % 2 ? 'opinion_items' : 'filed_documents',
        facts: { ...base, region: regions[i % 3]! },
      });
    // Each statement on the rollups lingers after taking its row locks, as on a loaded machine (a trigger of
    // this test's own, dropped at its end): the windows in which two writers' lock orders could cross grow.
    await conn().execute(`create function "supervision"."test_linger"() returns trigger language plpgsql as $$
      begin perform pg_sleep(0.002); return null; end $$`);
    await conn().execute(`create trigger "test_linger" after insert or update on "supervision"."figure_rollups"
      for each statement execute function "supervision"."test_linger"()`);
    const writers = 6;
    const knex = backgroundKnex(stack.services.supervision!.orm, writers);
    const failures: string[] = [];
    let random = 7;
    const pick = <T>(list: readonly T[]): T => list[(random = (random * 48271) % 2147483647) % list.length]!;
    try {
      await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          for (let r = 0; r < 30; r++) {
            const row = pick(rows);
            const region = pick(regions.slice(0, 3));
            const [dated, later] = [pick(['2025-04-30', '2025-05-01']), pick([null, '2025-04-30', '2025-05-02'])];
            try {
              // One row per transaction, as every mutation writes.
              await knex.transaction((trx) =>
                row.table === 'opinion_items'
                  ? trx.raw(
                      `update "supervision"."opinion_items" set "region_code" = ?, "due_on" = ?, "closed_on" = ? where "id" = ?`,
                      [region, dated, later, row.id],
                    )
                  : trx.raw(
                      `update "supervision"."filed_documents" set "region_code" = ?, "filed_on" = ?, "reviewed_on" = ? where "id" = ?`,
                      [region, dated, later, row.id],
                    ),
              );
            } catch (e) {
              failures.push(`writer ${w}, round ${r}: ${(e as Error).message.split(' - ').pop()}`);
            }
          }
        }),
      );
    } finally {
      await knex.destroy();
      await conn().execute(`drop trigger "test_linger" on "supervision"."figure_rollups"`);
      await conn().execute(`drop function "supervision"."test_linger"()`);
    }
    expect(failures).toEqual([]);
    for (const interval of ['YEAR', 'MONTH'] as const)
      for (const asOf of [null, '2025-04-30', '2025-05-01'])
        await compare({ codes: ['43', '430181', '4301'], from: 2025, years: 0, interval, asOf });
  });
});
