import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { startTestServices, type TestStack } from '@renda/testing/services';
import { figurePeriods } from '@renda/server-kit/figures';
import { FixedClock } from '@renda/server-kit/clock';
import { backgroundKnex } from '@renda/db/orm';
import { suggestionsService } from '../src/server.ts';
import { rollupDrift, sameCounts } from '../src/modules/stats/stats.service.ts';
import {
  byUnitCounts,
  isEmpty,
  periodCounts,
  primaryDb,
  rebuildRollups,
  regionYearCounts,
  unitYearCounts,
  type Counts,
  type PeriodCounts,
} from '../src/modules/stats/stats.store.ts';

/**
 * S-8, S-11, F-1: whatever sequence of writes the items see (registered, moved, re-assigned, re-dated,
 * replied, rated, deleted), every statement the API answers from the rollups (a region's year, a unit's
 * year, units of a subtree over years, series by year and month, by category) equals the live aggregate
 * over the items, for any subtree and any day asked, past days included.
 */
let stack: TestStack;
const em = () => stack.services.suggestions!.orm.em.fork();
const conn = () => em().getConnection();
const db = () => primaryDb(em());
const units = ['01900000-0000-7000-8000-000000000001', '01900000-0000-7000-8000-000000000002', null];
const regions = ['430181', '430181104', '430181105', '4306', '43', '4301'];
const scopes = ['43', '4301', '430181', '430181104', '4306', '430182'];
const replies = [null, 'SOLVED', 'PLANNED', 'EXPLAINED'];
const ratings = [null, 'SATISFIED', 'BASICALLY_SATISFIED', 'DISSATISFIED'];
const categories = [null, '交通', '教育', ''];

const day = (from: string, days: number) =>
  new Date(Date.parse(`${from}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
// Days are drawn mostly from a few month ends and starts (where periods are measured), so that due dates,
// replies and measuring days meet often; the rest anywhere in 2024-2026.
const edges = [
  '2024-01-31',
  '2024-02-01',
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

const facts = fc.record({
  year: fc.integer({ min: 2024, max: 2025 }),
  // Registration instants near month ends, so Asia/Shanghai's month differs from UTC's now and then.
  registeredAt: fc
    .integer({ min: 0, max: 700 })
    .map((h) => new Date(Date.parse('2024-12-30T00:00:00Z') + h * 3_600_000 * 17).toISOString()),
  region: fc.constantFrom(...regions),
  unit: fc.constantFrom(...units),
  category: fc.constantFrom(...categories),
  isKey: fc.boolean(),
  reply: fc.constantFrom(...replies),
  repliedOn: anyDay,
  dueOn: fc.option(anyDay, { nil: null }),
  onTime: fc.boolean(),
  rating: fc.constantFrom(...ratings),
  risk: fc.boolean(),
});
type Facts = typeof facts extends fc.Arbitrary<infer T> ? T : never;
const op = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), facts }),
  fc.record({ kind: fc.constant('update' as const), pick: fc.nat(), facts }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
);
const question = fc.record({
  codes: fc.subarray(scopes, { minLength: 1 }),
  year: fc.integer({ min: 2024, max: 2025 }),
  on: anyDay,
  unitScope: fc.constantFrom(null, ...scopes),
  interval: fc.constantFrom('YEAR' as const, 'MONTH' as const),
  asOf: fc.option(anyDay, { nil: null }),
  category: fc.constantFrom(undefined, ...categories.filter((c) => c !== null)),
});

let serial = 0;
async function apply(ids: string[], o: { kind: string; pick?: number; facts?: Facts }) {
  const f = o.facts;
  const values = f
    ? [
        f.year,
        f.registeredAt,
        f.region,
        f.unit,
        f.category,
        f.isKey,
        f.reply,
        f.reply ? f.onTime : null,
        f.reply ? f.repliedOn : null,
        f.dueOn,
        f.rating,
        f.risk,
      ]
    : [];
  if (o.kind === 'insert') {
    serial += 1;
    const [row] = await conn().execute<{ id: string }[]>(
      `insert into "suggestions"."suggestions" ("id", "kind", "year", "registered_at", "region_code", "lead_unit_id", "category", "is_key",
         "reply_category", "reply_on_time", "replied_on", "reply_due_on", "latest_result", "coercion_risk", "register_key", "serial_number",
         "title", "content", "stage", "registered_by")
       values (gen_random_uuid(), 'SUGGESTION', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'property', ?, '题', '内容', 'RECEIVED', 'test') returning id`,
      [...values, serial] as never[],
    );
    ids.push(row!.id);
  } else if (ids.length) {
    const id = ids[o.pick! % ids.length]!;
    if (o.kind === 'delete') {
      await conn().execute('delete from "suggestions"."suggestions" where id = ?', [id]);
      ids.splice(ids.indexOf(id), 1);
    } else {
      await conn().execute(
        `update "suggestions"."suggestions" set "year" = ?, "registered_at" = ?, "region_code" = ?, "lead_unit_id" = ?, "category" = ?, "is_key" = ?,
           "reply_category" = ?, "reply_on_time" = ?, "replied_on" = ?, "reply_due_on" = ?, "latest_result" = ?, "coercion_risk" = ? where id = ?`,
        [...values, id] as never[],
      );
    }
  }
}

/** Rows that count something, in a stable order, for comparing the two sources. */
function counted<T extends Counts>(rows: T[], key: (r: T) => string): Map<string, T> {
  return new Map(rows.filter((r) => !isEmpty(r)).map((r) => [key(r), r]));
}
function expectSame<T extends Counts>(what: string, rolled: T[], live: T[], key: (r: T) => string) {
  const [a, b] = [counted(rolled, key), counted(live, key)];
  expect([...a.keys()].sort(), what).toEqual([...b.keys()].sort());
  for (const [k, r] of a)
    expect(sameCounts(r, b.get(k)), `${what} ${k}: ${JSON.stringify(r)} vs ${JSON.stringify(b.get(k))}`).toBe(true);
}

async function compare(q: typeof question extends fc.Arbitrary<infer T> ? T : never) {
  const c = db();
  const both = async <T>(f: (source: 'rollups' | 'live') => Promise<T>) =>
    [await f('rollups'), await f('live')] as const;
  const byKey = (r: Counts) => r.key;
  expectSame('region year', ...(await both((s) => regionYearCounts(c, s, q.codes, q.year, q.on))), byKey);
  expectSame(
    'unit year',
    ...(await both((s) => unitYearCounts(c, s, units.filter((u) => u) as string[], q.unitScope, q.year, q.on))),
    byKey,
  );
  expectSame('by unit', ...(await both((s) => byUnitCounts(c, s, q.codes[0]!, 2024, q.year, q.on))), byKey);
  const periods = figurePeriods(new FixedClock('2026-06-15T02:00:00Z'), {
    from: 2024,
    to: 2025,
    interval: q.interval,
    asOf: q.asOf,
  });
  const periodKey = (r: PeriodCounts) => `${r.key}|${r.i}|${r.level}|${r.category ?? '∅'}`;
  expectSame('series', ...(await both((s) => periodCounts(c, s, q.codes, periods))), periodKey);
  expectSame(
    'series by category',
    ...(await both((s) => periodCounts(c, s, q.codes, periods, { byCategory: true }))),
    periodKey,
  );
  if (q.category !== undefined) {
    expectSame(
      'series of a category',
      ...(await both((s) => periodCounts(c, s, q.codes, periods, { category: q.category }))),
      periodKey,
    );
  }
}

beforeAll(async () => {
  stack = await startTestServices([suggestionsService]);
});
afterAll(() => stack?.stop());

describe('suggestion rollups (S-8, S-11, F-1)', () => {
  it('S-8: the rollup queries the API answers from equal the live aggregate after any writes, for any subtree and day', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 1, maxLength: 20 }),
        fc.array(question, { minLength: 1, maxLength: 3 }),
        async (ops, questions) => {
          await conn().execute('delete from "suggestions"."suggestions"');
          const ids: string[] = [];
          for (const o of ops) await apply(ids, o);
          for (const q of questions) await compare(q);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('S-8: the rebuild recomputes the rollups from the items (a drifted counter is put right)', async () => {
    await conn().execute('delete from "suggestions"."suggestions"');
    const ids: string[] = [];
    await apply(ids, {
      kind: 'insert',
      facts: {
        year: 2025,
        registeredAt: '2025-03-01T02:00:00Z',
        region: '430181104',
        unit: units[0]!,
        category: '交通',
        isKey: true,
        reply: null,
        repliedOn: '2025-01-01',
        dueOn: '2025-06-01',
        onTime: false,
        rating: null,
        risk: false,
      },
    });
    expect(await rollupDrift(em())).toEqual([]);
    await conn().execute(
      `update "suggestions"."suggestion_rollups_unit" set "items" = "items" + 5, "overdue" = "overdue" + 1 where "scope_code" = '43'`,
    );
    expect((await rollupDrift(em())).length).toBeGreaterThan(0);
    await rebuildRollups(db());
    expect(await rollupDrift(em())).toEqual([]);
    const [province] = await regionYearCounts(db(), 'rollups', ['43'], 2025, '2025-12-31');
    expect(province).toMatchObject({ total: 1, key_items: 1, overdue: 1 });
  });

  it('S-8: a write that fails leaves the rollups as they were (same transaction)', async () => {
    const c = conn();
    await c.execute('delete from "suggestions"."suggestions"');
    await apply([], {
      kind: 'insert',
      facts: {
        year: 2025,
        registeredAt: '2025-03-01T02:00:00Z',
        region: '430181',
        unit: null,
        category: null,
        isKey: true,
        reply: 'SOLVED',
        repliedOn: '2025-05-01',
        dueOn: '2025-04-01',
        onTime: false,
        rating: 'SATISFIED',
        risk: false,
      },
    });
    const snapshot = () =>
      c.execute(
        'select * from "suggestions"."suggestion_rollups_period" order by scope_code, span, bucket, level, month',
      );
    const before = await snapshot();
    // The second row breaks the unique serial: the whole statement, counters included, rolls back.
    await expect(
      c.execute(`insert into "suggestions"."suggestions" ("id", "kind", "year", "region_code", "register_key", "serial_number", "title", "content",
        "stage", "registered_at", "registered_by") values
        (gen_random_uuid(), 'SUGGESTION', 2025, '430181', 'dup', 1, '题', '内容', 'RECEIVED', now(), 't'),
        (gen_random_uuid(), 'SUGGESTION', 2025, '430181', 'dup', 1, '题', '内容', 'RECEIVED', now(), 't')`),
    ).rejects.toThrow();
    expect(await snapshot()).toEqual(before);
    expect(await rollupDrift(em())).toEqual([]);
  });

  it('S-8: writers racing on items that share rollup rows never deadlock, and the rollups stay exact', async () => {
    // Every item counts in its region's and its ancestors' rows of each grain, so two writes to different
    // items meet on the same counters. A trigger that took them in different orders in two transactions
    // (the old facts' rows in one statement, the new facts' in the next) deadlocks now and then under
    // load; PostgreSQL then aborts one write, which the API can only answer as an error.
    await conn().execute('delete from "suggestions"."suggestions"');
    const ids: string[] = [];
    const base: Facts = {
      year: 2025,
      registeredAt: '2025-03-01T02:00:00Z',
      region: '430181',
      unit: null,
      category: '交通',
      isKey: false,
      reply: null,
      repliedOn: '2025-05-01',
      dueOn: null,
      onTime: false,
      rating: null,
      risk: false,
    };
    for (let i = 0; i < 24; i++) await apply(ids, { kind: 'insert', facts: { ...base, region: regions[i % 3]! } });
    // Each statement on a rollup table lingers a little after taking its row locks, as it would on a loaded
    // machine: the windows in which two writers' lock orders can cross grow from microseconds to
    // milliseconds (a trigger of this test's own, dropped at its end; it slows the rollups and changes nothing).
    await conn().execute(`create function "suggestions"."test_linger"() returns trigger language plpgsql as $$
      begin perform pg_sleep(0.002); return null; end $$`);
    for (const grain of ['unit', 'period', 'topic'])
      await conn()
        .execute(`create trigger "test_linger" after insert or update on "suggestions"."suggestion_rollups_${grain}"
        for each statement execute function "suggestions"."test_linger"()`);
    const writers = 6;
    const rounds = 40;
    const knex = backgroundKnex(stack.services.suggestions!.orm, writers);
    const failures: string[] = [];
    let random = 7;
    const pick = <T>(list: readonly T[]): T => list[(random = (random * 48271) % 2147483647) % list.length]!;
    try {
      await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          for (let r = 0; r < rounds; r++) {
            // One item per transaction, as every mutation writes; the facts that place an item's rows (unit,
            // due date, reply day, region) drawn from few values so that rows are shared.
            const items = [pick(ids)];
            try {
              await knex.transaction(async (trx) => {
                for (const id of items)
                  await trx.raw(
                    `update "suggestions"."suggestions" set "lead_unit_id" = ?, "reply_due_on" = ?, "replied_on" = ?,
                       "reply_category" = ?, "reply_on_time" = ?, "region_code" = ? where "id" = ?`,
                    (() => {
                      const replied = pick([null, '2025-04-30', '2025-05-02']);
                      return [
                        pick(units),
                        pick([null, '2025-04-30', '2025-05-01']),
                        replied,
                        replied ? 'SOLVED' : null,
                        replied ? pick([true, false]) : null,
                        pick(regions.slice(0, 3)),
                        id,
                      ];
                    })(),
                  );
              });
            } catch (e) {
              failures.push(`writer ${w}, round ${r}: ${(e as Error).message.split(' - ').pop()}`);
            }
          }
        }),
      );
    } finally {
      await knex.destroy();
      for (const grain of ['unit', 'period', 'topic'])
        await conn().execute(`drop trigger "test_linger" on "suggestions"."suggestion_rollups_${grain}"`);
      await conn().execute(`drop function "suggestions"."test_linger"()`);
    }
    expect(failures).toEqual([]);
    expect(await rollupDrift(em())).toEqual([]);
  });
});
