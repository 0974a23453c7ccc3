import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestStack } from '@renda/testing/services';
import { fails, ok } from '@renda/testing/graphql';
import { tokenFor, tokens } from '@renda/testing/tokens';
import {
  BALLOT,
  cast,
  createTownship,
  programWithCandidates,
  startStack,
  type Subgraph,
  type Township,
} from './support/world.ts';

/** V-6 in-room ballots (现场投票 on paper or voting devices): tellers enter totals, a second teller confirms. */
let stack: TestStack;
let sg: Subgraph;
let town: Township;
let tellerA: string;
let tellerB: string;

const ROOM = `method ballotsCast
  roomTally { id entry status ballotsIssued ballotsReturned ballotsVoid ballotsValid enteredBy confirmedBy
    counts { candidate { id } votesFor votesAgainst abstentions } }
  roomTallyHistory { id entry status ballotsReturned enteredBy confirmedBy counts { candidate { id } votesFor } }`;
const READ = `query($id: ID!) { ballot(id: $id) { ${BALLOT} ${ROOM} } }`;
const OPEN = `mutation($p: ID!, $r: [ID!]!, $m: BallotMethod) {
  openBallot(programId: $p, rollDeputyIds: $r, method: $m) { id method } }`;
const ENTER = `mutation($b: ID!, $t: RoomTallyInput!) { enterRoomTally(ballotId: $b, tally: $t) { ${ROOM} } }`;
const CONFIRM = `mutation($b: ID!, $t: ID!) { confirmRoomTally(ballotId: $b, tallyId: $t) { ${ROOM} } }`;
const CLOSE = `mutation($b: ID!) { closeBallot(ballotId: $b) { ${BALLOT} ${ROOM} } }`;

type Counts = [string, number, number, number][];
const tally = (issued: number, returned: number, voids: number, counts: Counts) => ({
  ballotsIssued: issued,
  ballotsReturned: returned,
  ballotsVoid: voids,
  counts: counts.map(([candidateId, votesFor, votesAgainst, abstentions]) => ({
    candidateId,
    votesFor,
    votesAgainst,
    abstentions,
  })),
});

async function inRoomBallot(method: 'PAPER' | 'DEVICE', title: string) {
  const { programId, candidateIds } = await programWithCandidates(sg, town, tellerA, {
    seats: 2,
    candidates: 3,
    title,
  });
  const opened = await ok(sg, OPEN, { p: programId, r: town.deputyIds, m: method }, tellerA);
  expect(opened.openBallot.method).toBe(method);
  return {
    programId,
    ballotId: opened.openBallot.id as string,
    candidateIds: candidateIds as [string, string, string],
  };
}

beforeAll(async () => {
  stack = await startStack();
  sg = stack.services.voting!.subgraph;
  town = await createTownship(stack, '430181104', 9);
  // Two tellers: distinct staff accounts of the town.
  tellerA = await tokenFor({ role: 'STAFF', region: '430181104', sub: 'teller-a' });
  tellerB = await tokenFor({ role: 'STAFF', region: '430181104', sub: 'teller-b' });
});
afterAll(() => stack?.stop());

describe('V-6 in-room tallies', () => {
  it(
    'V-6: a PAPER ballot takes no online vote; totals count once a second teller confirms; a recount replaces ' +
      'the entry, both stay on record; V-3 elects from the confirmed totals',
    async () => {
      const {
        programId,
        ballotId,
        candidateIds: [a, b, c],
      } = await inRoomBallot('PAPER', '现场纸质投票');
      // Mixed online + paper is refused.
      const online = await cast(sg, town, town.deputyIds[0]!, ballotId, [[a, 'FOR']]);
      expect(online.errors?.[0]?.extensions?.code).toBe('CONFLICT');
      expect((await ok(sg, READ, { id: ballotId }, tellerA)).ballot).toMatchObject({
        ballotsCast: 0,
        hasVoted: false,
        roomTally: null,
        roomTallyHistory: [],
      });

      // First count by teller A: 9 issued, 9 returned, 1 void → 8 valid.
      const first = await ok(
        sg,
        ENTER,
        {
          b: ballotId,
          t: tally(9, 9, 1, [
            [c, 2, 4, 2],
            [a, 7, 1, 0],
            [b, 5, 2, 1],
          ]),
        },
        tellerA,
      );
      const entry1 = first.enterRoomTally.roomTally;
      expect(entry1).toMatchObject({
        entry: 1,
        status: 'ENTERED',
        ballotsValid: 8,
        enteredBy: 'teller-a',
        confirmedBy: null,
      });
      // Counts come back in ballot-paper order whatever the input order.
      expect(entry1.counts.map((x: { candidate: { id: string } }) => x.candidate.id)).toEqual([a, b, c]);
      expect(first.enterRoomTally.ballotsCast).toBe(0);

      // Not confirmed yet: the ballot does not close, and the teller who entered may not confirm.
      await fails(sg, 'CONFLICT', CLOSE, { b: ballotId }, tellerA);
      await fails(sg, 'FORBIDDEN', CONFIRM, { b: ballotId, t: entry1.id }, tellerA);
      const still = (await ok(sg, READ, { id: ballotId }, tellerA)).ballot;
      expect(still).toMatchObject({
        status: 'OPEN',
        results: null,
        ballotsCast: 0,
        roomTally: { id: entry1.id, status: 'ENTERED', confirmedBy: null },
      });

      // Teller B confirms: the entry counts; turnout = ballots returned.
      const confirmed = await ok(sg, CONFIRM, { b: ballotId, t: entry1.id }, tellerB);
      expect(confirmed.confirmRoomTally).toMatchObject({
        ballotsCast: 9,
        roomTally: { status: 'CONFIRMED', confirmedBy: 'teller-b' },
      });
      await fails(
        sg,
        'CONFLICT',
        CONFIRM,
        { b: ballotId, t: entry1.id },
        await tokenFor({ role: 'STAFF', region: '430181104', sub: 'teller-c' }),
      );

      // A recount (by B) replaces it: entry 2 awaits confirmation, entry 1 stays on record as SUPERSEDED.
      const recount = await ok(
        sg,
        ENTER,
        {
          b: ballotId,
          t: tally(9, 9, 0, [
            [a, 7, 1, 1],
            [b, 6, 2, 1],
            [c, 2, 5, 2],
          ]),
        },
        tellerB,
      );
      expect(recount.enterRoomTally.roomTally).toMatchObject({ entry: 2, status: 'ENTERED', enteredBy: 'teller-b' });
      expect(
        recount.enterRoomTally.roomTallyHistory.map((e: { entry: number; status: string }) => [e.entry, e.status]),
      ).toEqual([
        [1, 'SUPERSEDED'],
        [2, 'ENTERED'],
      ]);
      await fails(sg, 'CONFLICT', CLOSE, { b: ballotId }, tellerA);
      await fails(sg, 'CONFLICT', CONFIRM, { b: ballotId, t: entry1.id }, tellerA);
      await fails(sg, 'FORBIDDEN', CONFIRM, { b: ballotId, t: recount.enterRoomTally.roomTally.id }, tellerB);
      await ok(sg, CONFIRM, { b: ballotId, t: recount.enterRoomTally.roomTally.id }, tellerA);

      // Close: the confirmed recount is tallied by the V-3 rules (roll 9: more than 4.5 FOR passes).
      const closed = (await ok(sg, CLOSE, { b: ballotId }, tellerA)).closeBallot;
      expect(closed).toMatchObject({
        status: 'CLOSED',
        rollSize: 9,
        ballotsCast: 9,
        program: { id: programId, stage: 'IMPLEMENTING' },
        tiedForLastSeat: [],
      });
      expect(closed.results).toEqual([
        { candidate: { id: a }, votesFor: 7, votesAgainst: 1, abstentions: 1, passed: true, elected: true },
        { candidate: { id: b }, votesFor: 6, votesAgainst: 2, abstentions: 1, passed: true, elected: true },
        { candidate: { id: c }, votesFor: 2, votesAgainst: 5, abstentions: 2, passed: false, elected: false },
      ]);
      // After close the entries are public, and nothing more can be entered or confirmed.
      const pub = (await ok(sg, READ, { id: ballotId })).ballot;
      expect(
        pub.roomTallyHistory.map((e: { entry: number; status: string; enteredBy: string; confirmedBy: string }) => [
          e.entry,
          e.status,
          e.enteredBy,
          e.confirmedBy,
        ]),
      ).toEqual([
        [1, 'SUPERSEDED', 'teller-a', 'teller-b'],
        [2, 'CONFIRMED', 'teller-b', 'teller-a'],
      ]);
      await fails(
        sg,
        'CONFLICT',
        ENTER,
        {
          b: ballotId,
          t: tally(9, 9, 0, [
            [a, 9, 0, 0],
            [b, 9, 0, 0],
            [c, 0, 0, 9],
          ]),
        },
        tellerA,
      );
      expect((await ok(sg, READ, { id: ballotId })).ballot.roomTallyHistory).toHaveLength(2);
    },
  );

  it('V-6: confirmed DEVICE totals with a tie for the last seat leave it open for a run-off, as online', async () => {
    const {
      ballotId,
      candidateIds: [a, b, c],
    } = await inRoomBallot('DEVICE', '表决器投票');
    const entered = await ok(
      sg,
      ENTER,
      {
        b: ballotId,
        t: tally(9, 8, 0, [
          [a, 6, 0, 2],
          [b, 5, 3, 0],
          [c, 5, 2, 1],
        ]),
      },
      tellerA,
    );
    await ok(sg, CONFIRM, { b: ballotId, t: entered.enterRoomTally.roomTally.id }, tellerB);
    const closed = (await ok(sg, CLOSE, { b: ballotId }, tellerA)).closeBallot;
    expect(closed.program.stage).toBe('VOTING');
    expect(closed.results.map((r: { elected: boolean }) => r.elected)).toEqual([true, false, false]);
    expect(closed.tiedForLastSeat.map((x: { id: string }) => x.id).sort()).toEqual([b, c].sort());
  });

  it('V-6: totals that do not agree are BAD_USER_INPUT naming the field, and nothing is recorded', async () => {
    const {
      ballotId,
      candidateIds: [a, b, c],
    } = await inRoomBallot('PAPER', '核对计票');
    const bad: [ReturnType<typeof tally>, string][] = [
      [
        tally(10, 9, 0, [
          [a, 1, 0, 0],
          [b, 1, 0, 0],
          [c, 1, 0, 0],
        ]),
        'tally.ballotsIssued',
      ], // more than the roll of 9
      [
        tally(8, 9, 0, [
          [a, 1, 0, 0],
          [b, 1, 0, 0],
          [c, 1, 0, 0],
        ]),
        'tally.ballotsReturned',
      ],
      [
        tally(9, 5, 6, [
          [a, 0, 0, 0],
          [b, 0, 0, 0],
          [c, 0, 0, 0],
        ]),
        'tally.ballotsVoid',
      ],
      [
        tally(9, 9, -1, [
          [a, 0, 0, 0],
          [b, 0, 0, 0],
          [c, 0, 0, 0],
        ]),
        'tally.ballotsVoid',
      ],
      [
        tally(9, 9, 1, [
          [a, 5, 2, 2],
          [b, 1, 0, 0],
          [c, 1, 0, 0],
        ]),
        'tally.counts[0].votesFor',
      ], // 9 > 8 valid
      [
        tally(9, 9, 0, [
          [a, 1, 0, 0],
          [b, -1, 0, 0],
          [c, 1, 0, 0],
        ]),
        'tally.counts[1].votesFor',
      ],
      [
        tally(9, 9, 0, [
          [a, 1, 0, 0],
          [a, 1, 0, 0],
          [c, 1, 0, 0],
        ]),
        'tally.counts[1].candidateId',
      ],
      [
        tally(9, 9, 0, [
          [a, 1, 0, 0],
          [b, 1, 0, 0],
        ]),
        'tally.counts',
      ],
      [
        tally(9, 9, 0, [
          [a, 1, 0, 0],
          [b, 1, 0, 0],
          [town.unitId, 1, 0, 0],
        ]),
        'tally.counts[2].candidateId',
      ],
      [
        tally(9, 9, 0, [
          [a, 1, 0, 0],
          [b, 1, 0, 0],
          ['x', 1, 0, 0],
        ]),
        'tally.counts[2].candidateId',
      ],
      // Each within 4 valid, but 4 + 3 + 3 FOR > 4 valid × 2 seats.
      [
        tally(9, 4, 0, [
          [a, 4, 0, 0],
          [b, 3, 0, 0],
          [c, 3, 0, 0],
        ]),
        'tally.counts',
      ],
    ];
    for (const [t, field] of bad) await fails(sg, 'BAD_USER_INPUT', ENTER, { b: ballotId, t }, tellerA, field);
    // Not a teller: a deputy, an analyst, staff of another town; unknown ballot.
    const good = tally(9, 9, 0, [
      [a, 8, 0, 1],
      [b, 8, 1, 0],
      [c, 2, 6, 1],
    ]);
    await fails(sg, 'FORBIDDEN', ENTER, { b: ballotId, t: good }, await tokens.deputy(town.code, town.deputyIds[0]!));
    await fails(sg, 'FORBIDDEN', ENTER, { b: ballotId, t: good }, await tokens.analyst(town.code));
    await fails(sg, 'FORBIDDEN', ENTER, { b: ballotId, t: good }, await tokens.staff('430181105'));
    await fails(sg, 'UNAUTHENTICATED', ENTER, { b: ballotId, t: good });
    await fails(sg, 'NOT_FOUND', ENTER, { b: '00000000-0000-4000-8000-000000000000', t: good }, tellerA);
    const read = (await ok(sg, READ, { id: ballotId }, tellerA)).ballot;
    expect(read).toMatchObject({ status: 'OPEN', ballotsCast: 0, roomTally: null, roomTallyHistory: [] });
    // A valid entry is taken; confirming an unknown entry is NOT_FOUND and leaves it unconfirmed.
    const entered = (await ok(sg, ENTER, { b: ballotId, t: good }, tellerA)).enterRoomTally.roomTally;
    await fails(
      sg,
      'NOT_FOUND',
      CONFIRM,
      { b: ballotId, t: '00000000-0000-4000-8000-000000000000' },
      tellerB,
      'tallyId',
    );
    await fails(sg, 'BAD_USER_INPUT', CONFIRM, { b: ballotId, t: 'nope' }, tellerB, 'tallyId');
    await fails(sg, 'FORBIDDEN', CONFIRM, { b: ballotId, t: entered.id }, await tokens.analyst(town.code));
    expect((await ok(sg, READ, { id: ballotId }, tellerA)).ballot.roomTally).toMatchObject({
      id: entered.id,
      status: 'ENTERED',
      confirmedBy: null,
    });
    // While open, the public and deputies do not see the entered totals.
    expect((await ok(sg, READ, { id: ballotId })).ballot).toMatchObject({ roomTally: null, roomTallyHistory: [] });
  });

  it("V-6: an ONLINE ballot takes no tellers' totals (CONFLICT) and keeps its online count", async () => {
    const {
      programId,
      candidateIds: [a],
    } = await programWithCandidates(sg, town, tellerA, { seats: 1, candidates: 2, title: '网络投票' });
    const opened = await ok(sg, OPEN, { p: programId, r: town.deputyIds, m: null }, tellerA);
    const ballotId = opened.openBallot.id as string;
    expect(opened.openBallot.method).toBe('ONLINE');
    expect((await cast(sg, town, town.deputyIds[0]!, ballotId, [[a!, 'FOR']])).errors).toBeUndefined();
    const [, b] = (await ok(sg, READ, { id: ballotId }, tellerA)).ballot.candidates.map((x: { id: string }) => x.id);
    await fails(
      sg,
      'CONFLICT',
      ENTER,
      {
        b: ballotId,
        t: tally(9, 9, 0, [
          [a!, 9, 0, 0],
          [b, 0, 9, 0],
        ]),
      },
      tellerA,
    );
    expect((await ok(sg, READ, { id: ballotId }, tellerA)).ballot).toMatchObject({
      method: 'ONLINE',
      ballotsCast: 1,
      roomTally: null,
      roomTallyHistory: [],
    });
  });
});
