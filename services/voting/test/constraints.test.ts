import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeConstraints, sqlStateOf } from '@renda/testing/constraints';
import { startTestServices, type TestStack } from '@renda/testing/services';
import { votingService } from '../src/server.ts';

// Integrity in the database itself: raw SQL, past every service function, is refused by PostgreSQL.
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestServices([votingService]);
  await votingService.seed!(stack.services.voting!.orm.em.fork(), stack.clock);
});
afterAll(() => stack?.stop());

describe('constraints of the voting schema', () => {
  it('refuses a public proposal to a program that does not exist (foreign key, 23503)', async () => {
    expect(
      await sqlStateOf(
        stack.db.url,
        `insert into voting.proposals (id, program_id, region_code, title, description, proposer, ` +
          `proposed_at) values (gen_random_uuid(), gen_random_uuid(), '430181104', '修路', '修一条路', '村民', ` +
          `now())`,
      ),
    ).toBe('23503');
  });

  it('refuses a program of the province level, which is not a ProgramLevel (enum check, 23514)', async () => {
    expect(
      await sqlStateOf(
        stack.db.url,
        `insert into voting.programs (id, region_code, level, year, session_id, congress_id, title, ` +
          `seats, stage, created_at) values (gen_random_uuid(), '43', 'PROVINCE', 2026, gen_random_uuid(), ` +
          `gen_random_uuid(), '民生实事', 3, 'SOLICITING', now())`,
      ),
    ).toBe('23514');
  });

  it('every foreign key and enum check refuses a demo row broken by hand', async () => {
    const { probes, skipped } = await probeConstraints(stack.db.url, 'voting');
    console.log(`voting: ${probes.length} constraints probed on demo rows, ${skipped.length} on empty tables`);
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
