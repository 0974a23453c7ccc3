import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { startTestServices, type TestStack } from '@renda/testing/services';
import { suggestionsService } from '../src/server.ts';
import { overdueParams, overdueSql } from '../src/modules/stats/overdue.ts';
import { isOverdue } from '../src/modules/suggestions/suggestions.service.ts';

/**
 * S-4 超期 is written once: `overdueSql` (the list filter, the live figures, the rollups' check) and `isOverdue`
 * (the `overdue` field, the bulletin as of a day) are the same predicate over the same facts. PostgreSQL
 * answers the SQL form for random due dates, reply days and days asked; the TypeScript form must agree.
 */
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestServices([suggestionsService]);
});
afterAll(() => stack?.stop());

const day = fc
  .integer({ min: 0, max: 60 })
  .map((d) => new Date(Date.UTC(2026, 0, 1) + d * 86_400_000).toISOString().slice(0, 10));

describe('S-4 overdue, one rule', () => {
  it('S-4: the overdue field and bulletin agree with the SQL predicate of the list and the figures, for any day asked', async () => {
    const knex = stack.services.suggestions!.orm.em.getConnection().getKnex();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ due: fc.option(day, { nil: null }), replied: fc.option(day, { nil: null }), on: day }), {
          minLength: 1,
          maxLength: 40,
        }),
        async (cases) => {
          // One statement per run: a row per case, the predicate over it.
          const { rows } = (await knex.raw(
            `select ${overdueSql('s', '?::date')} as "overdue" from (values ${cases.map(() => '(?::int, ?::date, ?::date)').join(', ')})
               as s("i", "reply_due_on", "replied_on") order by s."i"`,
            [...overdueParams(cases[0]!.on), ...cases.flatMap((c, i) => [i, c.due, c.replied])] as never,
          )) as { rows: { overdue: boolean }[] };
          // The day asked is the same for a run's rows (a bound parameter); vary it across runs.
          const on = cases[0]!.on;
          expect(rows.map((r) => r.overdue)).toEqual(
            cases.map((c) => isOverdue({ replyDueOn: c.due, repliedOn: c.replied }, on)),
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});
