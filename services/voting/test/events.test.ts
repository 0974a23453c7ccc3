import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Knex } from '@mikro-orm/postgresql';
import type { TestStack } from '@renda/testing/services';
import { fails, ok } from '@renda/testing/graphql';
import { tokens } from '@renda/testing/tokens';
import { ReminderScheduler } from '@renda/outbox/reminders';
import { votingReminderJobs } from '../src/modules/reminders/reminders.ts';
import {
  cast,
  closeBallot,
  createTownship,
  openBallot,
  programWithCandidates,
  startStack,
  type Subgraph,
  type Township,
} from './support/world.ts';

/** Ballots and satisfaction rounds through the outbox, and the open-ballot reminder. */
let stack: TestStack;
let sg: Subgraph;
let town: Township;
let staff: string;
let knex: Knex;
beforeAll(async () => {
  stack = await startStack();
  sg = stack.services.voting!.subgraph;
  town = await createTownship(stack, '430181104', 6);
  staff = await tokens.staff('430181104');
  knex = stack.services.voting!.orm.em.getConnection().getKnex();
});
afterAll(() => stack?.stop());

type Row = {
  type: string;
  aggregate_id: string;
  region_code: string;
  data: Record<string, unknown>;
  audience: { deputyIds?: string[]; regionCode?: string };
};
const events = async (where: string, values: unknown[] = []): Promise<Row[]> =>
  (
    await knex.raw(
      `select o."type", o."aggregate_id", o."region_code", o."data", o."audience" from "voting"."outbox_events" o where ${where} order by o."id"`,
      values as never,
    )
  ).rows;

const OPEN_EVAL = 'mutation($p: ID!, $r: [ID!]!) { openEvaluation(programId: $p, rollDeputyIds: $r) { id } }';
const CLOSE_EVAL = 'mutation($r: ID!) { closeEvaluation(roundId: $r) { id } }';

describe('voting events', () => {
  it('V-3: a ballot opens and closes with one event each, to its roll; no event says who voted or how', async () => {
    const {
      programId,
      candidateIds: [a, b, c],
    } = await programWithCandidates(sg, town, staff, { seats: 2, candidates: 3 });
    const roll = town.deputyIds.slice(0, 5);
    const ballotId = await openBallot(sg, programId, roll, staff);
    await fails(
      sg,
      'CONFLICT',
      'mutation($p: ID!, $r: [ID!]!) { openBallot(programId: $p, rollDeputyIds: $r) { id } }',
      { p: programId, r: roll },
      staff,
    );
    const outboxSize = async () =>
      Number((await knex.raw('select count(*) as n from "voting"."outbox_events"')).rows[0].n);
    const beforeVotes = await outboxSize();
    for (const d of roll.slice(0, 4))
      expect(
        (
          await cast(sg, town, d, ballotId, [
            [a!, 'FOR'],
            [b!, 'FOR'],
            [c!, 'AGAINST'],
          ])
        ).errors,
      ).toBeUndefined();
    // V-3: a vote writes no event (so the outbox's ids never order votes).
    expect(await outboxSize()).toBe(beforeVotes);
    await closeBallot(sg, ballotId, staff);
    await fails(sg, 'CONFLICT', 'mutation($b: ID!) { closeBallot(ballotId: $b) { id } }', { b: ballotId }, staff);
    const rows = await events(`o."aggregate_id" = ?`, [ballotId]);
    expect(
      (await ok(sg, 'query($id: ID!) { ballot(id: $id) { runOff } }', { id: ballotId }, staff)).ballot.runOff,
    ).toBe(false);
    expect(rows.map((r) => r.type)).toEqual(['ballot.opened', 'ballot.closed']);
    expect(rows[0]).toMatchObject({
      region_code: '430181104',
      data: { programId, seats: 2, runOff: false, rollSize: 5, method: 'ONLINE' },
    });
    expect(rows[0]!.audience.deputyIds!.sort()).toEqual([...roll].sort());
    expect(rows[1]!.data).toMatchObject({ elected: [a, b], tied: [] });
    expect(rows[1]!.data.tallies).toContainEqual({ candidateId: c, votesFor: 0, votesAgainst: 4, abstentions: 0 });

    const round = (await ok(sg, OPEN_EVAL, { p: programId, r: roll }, staff)).openEvaluation.id;
    await ok(sg, CLOSE_EVAL, { r: round }, staff);
    const rated = await events(`o."aggregate_id" = ?`, [round]);
    expect(rated.map((r) => r.type)).toEqual(['satisfaction-round.opened', 'satisfaction-round.closed']);
    expect(rated[0]!.data).toMatchObject({ programId, rollSize: 5, projectIds: [a, b] });
  });

  it('V-6: a ballot open for the local number of hours is reminded of once to its whole roll, across two copies', async () => {
    const { programId } = await programWithCandidates(sg, town, staff, {
      seats: 1,
      candidates: 2,
      title: '2026年第二批民生实事',
    });
    const roll = town.deputyIds.slice(0, 3);
    const ballotId = await openBallot(sg, programId, roll, staff);
    const copies = [0, 1].map(
      () =>
        new ReminderScheduler({
          service: 'voting',
          schema: 'voting',
          knex,
          jobs: votingReminderJobs({ ballotOpenHours: 2 }, stack.services.voting!.orm),
          clock: stack.clock,
          everyMs: 1000,
          log: { info() {}, warn() {}, error() {} },
        }),
    );
    try {
      stack.clock.set('2026-06-15T03:00:00Z');
      await Promise.all(copies.map((c) => c.round()));
      expect(await events(`o."type" = 'reminder.ballot-open'`)).toEqual([]);
      stack.clock.set('2026-06-15T04:30:00Z');
      await Promise.all([...copies, ...copies].map((c) => c.round()));
      await Promise.all(copies.map((c) => c.round()));
      const rows = await events(`o."type" = 'reminder.ballot-open'`);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        aggregate_id: ballotId,
        data: { rule: 'V-6', programId, deadline: '2026-06-15' },
      });
      expect(rows[0]!.audience.deputyIds!.sort()).toEqual([...roll].sort());
    } finally {
      stack.clock.set('2026-06-15T02:00:00Z');
    }
  });
});
