import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeConstraints, sqlStateOf } from '@renda/testing/constraints';
import { startTestServices, type TestStack } from '@renda/testing/services';
import { deputiesService } from '../src/server.ts';

// Integrity in the database itself: raw SQL, past every service function, is refused by PostgreSQL.
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestServices([deputiesService]);
  await deputiesService.seed!(stack.services.deputies!.orm.em.fork(), stack.clock);
});
afterAll(() => stack?.stop());

describe('constraints of the deputies schema', () => {
  it('refuses a congress session of a congress that does not exist (foreign key, 23503)', async () => {
    expect(
      await sqlStateOf(
        stack.db.url,
        `insert into deputies.congress_sessions (id, congress_id, region_code, number, opens_on, ` +
          `closes_on) values (gen_random_uuid(), gen_random_uuid(), '430181', 1, '2026-01-05', ` +
          `'2026-01-07')`,
      ),
    ).toBe('23503');
  });

  it('refuses a region whose level is not a RegionLevel (enum check, 23514)', async () => {
    expect(
      await sqlStateOf(
        stack.db.url,
        `insert into deputies.regions (code, name, level, parent_code) values ('99', '无名省', 'STATE', ` + `null)`,
      ),
    ).toBe('23514');
  });

  it('every foreign key and enum check refuses a demo row broken by hand', async () => {
    const { probes, skipped } = await probeConstraints(stack.db.url, 'deputies');
    console.log(`deputies: ${probes.length} constraints probed on demo rows, ${skipped.length} on empty tables`);
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
