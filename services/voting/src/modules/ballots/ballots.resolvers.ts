import type { Resolvers } from '../../generated/resolvers.ts';
import { refKey } from '../federation/representation-key.ts';
import { programLoader } from '../programs/programs.service.ts';
import { projectLoader } from '../projects/projects.service.ts';
import { canReadRoomTally, roomEntriesOf } from '../room-tallies/room-tallies.service.ts';
import {
  ballotLoader,
  candidatesOnBallot,
  castBallot,
  closeBallot,
  confirmRoomTally,
  enterRoomTally,
  hasVoted,
  openBallot,
  talliesOf,
} from './ballots.service.ts';

export const ballotResolvers: Resolvers = {
  Query: {
    ballot: (_, { id }, ctx) => ballotLoader(ctx).load(id),
  },
  Mutation: {
    openBallot: (_, { programId, rollDeputyIds, candidateIds, method }, ctx) =>
      openBallot(ctx, programId, rollDeputyIds, candidateIds, method ?? 'ONLINE'),
    enterRoomTally: (_, { ballotId, tally }, ctx) => enterRoomTally(ctx, ballotId, tally),
    confirmRoomTally: (_, { ballotId, tallyId }, ctx) => confirmRoomTally(ctx, ballotId, tallyId),
    castBallot: (_, { ballotId, choices }, ctx) => castBallot(ctx, ballotId, choices),
    closeBallot: (_, { ballotId }, ctx) => closeBallot(ctx, ballotId),
  },
  Ballot: {
    __resolveReference: (ref, ctx) => ballotLoader(ctx).load(refKey(ref, 'id', 'Ballot')),
    program: async (ballot, _, ctx) => (await programLoader(ctx).load(ballot.programId))!,
    candidates: async (ballot, _, ctx) => {
      const onBallot = await candidatesOnBallot(ctx, ballot.id);
      return (await projectLoader(ctx).loadMany(onBallot.map((t) => t.candidateId))) as never;
    },
    // V-3: while the ballot is open only turnout shows; totals appear when it closes.
    results: async (ballot, _, ctx) => (ballot.status === 'OPEN' ? null : talliesOf(ctx, ballot.id)),
    tiedForLastSeat: async (ballot, _, ctx) => {
      if (ballot.status === 'OPEN') return [];
      const tied = (await talliesOf(ctx, ballot.id)).filter((t) => t.tied);
      return (await projectLoader(ctx).loadMany(tied.map((t) => t.candidateId))) as never;
    },
    roomTally: async (ballot, _, ctx) =>
      canReadRoomTally(ctx, ballot) ? ((await roomEntriesOf(ctx, ballot.id)).at(-1) ?? null) : null,
    roomTallyHistory: async (ballot, _, ctx) => (canReadRoomTally(ctx, ballot) ? roomEntriesOf(ctx, ballot.id) : []),
    hasVoted: (ballot, _, ctx) =>
      ctx.viewer?.role === 'DEPUTY' && ctx.viewer.deputy ? hasVoted(ctx, ballot.id, ctx.viewer.deputy) : false,
  },
  RoomTally: {
    ballotsValid: (entry) => entry.ballotsReturned - entry.ballotsVoid,
  },
  RoomCount: {
    candidate: async (count, _, ctx) => (await projectLoader(ctx).load(count.candidateId))!,
  },
  CandidateResult: {
    candidate: async (tally, _, ctx) => (await projectLoader(ctx).load(tally.candidateId))!,
  },
};
