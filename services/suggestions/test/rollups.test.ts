import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { startTestServices, type TestStack } from '@renda/testing/services';
import { suggestionsService } from '../src/server.ts';
import { rollupDrift } from '../src/modules/stats/stats.service.ts';

/**
 * S-8 rollups: whatever sequence of writes the items see (registered, moved, re-assigned, replied,
 * rated, deleted), the counters kept by the trigger equal the live aggregate the figures compute.
 */
let stack: TestStack;
const em = () => stack.services.suggestions!.orm.em.fork();
const units = ['01900000-0000-7000-8000-000000000001', '01900000-0000-7000-8000-000000000002', null];
const regions = ['430181', '430181104', '430181105', '4306'];
const replies = [null, 'SOLVED', 'PLANNED', 'EXPLAINED'];
const ratings = [null, 'SATISFIED', 'BASICALLY_SATISFIED', 'DISSATISFIED'];

const facts = fc.record({
  year: fc.integer({ min: 2024, max: 2025 }),
  region: fc.constantFrom(...regions),
  unit: fc.constantFrom(...units),
  isKey: fc.boolean(),
  reply: fc.constantFrom(...replies),
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

let serial = 0;
async function apply(ids: string[], o: { kind: string; pick?: number; facts?: Facts }) {
  const conn = em().getConnection();
  const f = o.facts;
  const values = f
    ? [f.year, f.region, f.unit, f.isKey, f.reply, f.reply ? f.onTime : null, f.reply ? '2025-03-01' : null, f.rating, f.risk]
    : [];
  if (o.kind === 'insert') {
    serial += 1;
    const [row] = await conn.execute<{ id: string }[]>(
      `insert into "suggestions"."suggestions" ("id", "kind", "year", "region_code", "lead_unit_id", "is_key", "reply_category", "reply_on_time",
         "replied_on", "latest_result", "coercion_risk", "register_key", "serial_number", "title", "content", "stage", "registered_at", "registered_by")
       values (gen_random_uuid(), 'SUGGESTION', ?, ?, ?, ?, ?, ?, ?, ?, ?, 'property', ?, '题', '内容', 'RECEIVED', now(), 'test') returning id`,
      [...values, serial] as never[],
    );
    ids.push(row!.id);
  } else if (ids.length) {
    const id = ids[o.pick! % ids.length]!;
    if (o.kind === 'delete') {
      await conn.execute('delete from "suggestions"."suggestions" where id = ?', [id]);
      ids.splice(ids.indexOf(id), 1);
    } else {
      await conn.execute(
        `update "suggestions"."suggestions" set "year" = ?, "region_code" = ?, "lead_unit_id" = ?, "is_key" = ?, "reply_category" = ?,
           "reply_on_time" = ?, "replied_on" = ?, "latest_result" = ?, "coercion_risk" = ? where id = ?`,
        [...values, id] as never[],
      );
    }
  }
}

beforeAll(async () => {
  stack = await startTestServices([suggestionsService]);
});
afterAll(() => stack?.stop());

describe('suggestion rollups (S-8)', () => {
  it('S-8: rollups kept in the writing transaction equal the live aggregate after any sequence of writes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
        await em().getConnection().execute('delete from "suggestions"."suggestions"');
        const ids: string[] = [];
        for (const o of ops) await apply(ids, o);
        expect(await rollupDrift(em())).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });

  it('S-8: a write that fails leaves the rollups as they were (same transaction)', async () => {
    const conn = em().getConnection();
    await conn.execute('delete from "suggestions"."suggestions"');
    await apply([], { kind: 'insert', facts: { year: 2025, region: '430181', unit: null, isKey: true, reply: 'SOLVED', onTime: true, rating: 'SATISFIED', risk: false } });
    const before = await conn.execute('select * from "suggestions"."suggestion_rollups" order by region_code');
    // The second row breaks the unique serial: the whole statement, counters included, rolls back.
    await expect(
      conn.execute(`insert into "suggestions"."suggestions" ("id", "kind", "year", "region_code", "register_key", "serial_number", "title", "content",
        "stage", "registered_at", "registered_by") values
        (gen_random_uuid(), 'SUGGESTION', 2025, '430181', 'dup', 1, '题', '内容', 'RECEIVED', now(), 't'),
        (gen_random_uuid(), 'SUGGESTION', 2025, '430181', 'dup', 1, '题', '内容', 'RECEIVED', now(), 't')`),
    ).rejects.toThrow();
    expect(await conn.execute('select * from "suggestions"."suggestion_rollups" order by region_code')).toEqual(before);
    expect(await rollupDrift(em())).toEqual([]);
  });
});
