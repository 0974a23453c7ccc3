import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeConstraints, sqlStateOf } from '@renda/testing/constraints';
import { startTestServices, type TestStack } from '@renda/testing/services';
import { supervisionService } from '../src/server.ts';

// Integrity in the database itself: raw SQL, past every service function, is refused by PostgreSQL.
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestServices([supervisionService]);
  await supervisionService.seed!(stack.services.supervision!.orm.em.fork(), stack.clock);
});
afterAll(() => stack?.stop());

describe('constraints of the supervision schema', () => {
  it('refuses an official of a government unit that does not exist (foreign key, 23503)', async () => {
    expect(
      await sqlStateOf(
        stack.db.url,
        `insert into supervision.officials (id, unit_id, region_code, name, position, status) values ` +
          `(gen_random_uuid(), gen_random_uuid(), '430181', '张三', '局长', 'IN_OFFICE')`,
      ),
    ).toBe('23503');
  });

  it('refuses a government unit whose kind is not a UnitKind (enum check, 23514)', async () => {
    expect(
      await sqlStateOf(
        stack.db.url,
        `insert into supervision.government_units (id, region_code, name, kind) values ` +
          `(gen_random_uuid(), '430181', '某委员会', 'MINISTRY')`,
      ),
    ).toBe('23514');
  });

  it('G-6: a second motion to remove the same official while one is before the committee is refused (23505)', async () => {
    const removal = (id: string) =>
      `insert into supervision.appointment_motions (id, kind, unit_id, region_code, nominee_name, position, ` +
      `submitted_by, submitted_on, status, official_id) select '${id}', 'REMOVE', unit_id, region_code, name, ` +
      `position, '市人民政府', '2026-06-01', 'SUBMITTED', id from supervision.officials order by id limit 1`;
    expect(await sqlStateOf(stack.db.url, removal('00000000-0000-4000-8000-000000000001'))).toBeNull();
    expect(await sqlStateOf(stack.db.url, removal('00000000-0000-4000-8000-000000000002'))).toBe('23505');
  });

  it('every foreign key and enum check refuses a demo row broken by hand', async () => {
    const { probes, skipped } = await probeConstraints(stack.db.url, 'supervision');
    console.log(`supervision: ${probes.length} constraints probed on demo rows, ${skipped.length} on empty tables`);
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
