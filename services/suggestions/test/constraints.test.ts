import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeConstraints, sqlStateOf } from '@renda/testing/constraints';
import { startTestServices, type TestStack } from '@renda/testing/services';
import { suggestionsService } from '../src/server.ts';

// Integrity in the database itself: raw SQL, past every service function, is refused by PostgreSQL.
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestServices([suggestionsService]);
  await suggestionsService.seed!(stack.services.suggestions!.orm.em.fork(), stack.clock);
});
afterAll(() => stack?.stop());

describe('constraints of the suggestions schema', () => {
  it('refuses a handling unit of a suggestion that does not exist (foreign key, 23503)', async () => {
    expect(
      await sqlStateOf(
        stack.db.url,
        `insert into suggestions.handling_units (id, suggestion_id, unit_id, role, position, year) ` +
          `values (gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), 'LEAD', 1, 2026)`,
      ),
    ).toBe('23503');
  });

  it('refuses a serial counter of a kind that is not a SuggestionKind (enum check, 23514)', async () => {
    expect(
      await sqlStateOf(
        stack.db.url,
        `insert into suggestions.serial_counters (register_key, kind, last) values ('430181:2026', ` + `'PETITION', 1)`,
      ),
    ).toBe('23514');
  });

  it('every foreign key and enum check refuses a demo row broken by hand', async () => {
    const { probes, skipped } = await probeConstraints(stack.db.url, 'suggestions');
    console.log(`suggestions: ${probes.length} constraints probed on demo rows, ${skipped.length} on empty tables`);
    expect(probes.length).toBeGreaterThan(0);
    for (const p of probes) {
      const expected = p.constraint.endsWith('_fk') || p.constraint.endsWith('_fkey') ? '23503' : '23514';
      expect({ constraint: p.constraint, refusedWith: p.refusedWith }).toEqual({
        constraint: p.constraint,
        refusedWith: expected,
      });
    }
  });
});
