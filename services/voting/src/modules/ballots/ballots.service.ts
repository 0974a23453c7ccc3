import { covers, requireViewer, requireWriteIn } from '@renda/auth/guards';
import { isId, newId } from '@renda/db/ids';
import { badInput, conflict, forbidden, notFound } from '@renda/errors/errors';
import type { ServiceContext } from '@renda/server-kit/context';
import { childrenLoader, entityLoader, groupBy } from '@renda/server-kit/loaders';
import { today } from '@renda/server-kit/dates';
import { requireYear } from '@renda/server-kit/validate';
import { ProgramSchema } from '../programs/program.entity.ts';
import { findProgram, programLoader } from '../programs/programs.service.ts';
import { moveStage, requireStage } from '../programs/stages.ts';
import type { Project } from '../projects/project.entity.ts';
import { candidatesOf, electedStatuses } from '../projects/projects.service.ts';
import { isUniqueViolation, requireDistinct, requireId } from '../inputs.ts';
import { requireActiveDeputiesOf, requireDeputyViewer } from '../rolls.ts';
import { participated, recordSecretResponse } from '../secrecy.ts';
import { countsTable } from '../secrecy.ts';
import * as room from '../room-tallies/room-tallies.service.ts';
import { BallotSchema, type Ballot, type BallotCandidate, type BallotTally } from './ballot.entity.ts';
import type { BallotMethod } from './ballot.entity.ts';
import * as store from './ballots.store.ts';
import { elect } from './tally.ts';
import { recordVotingEvent } from '../roll-events.ts';

export type VoteChoice = 'FOR' | 'AGAINST' | 'ABSTAIN';

export const ballotLoader = (ctx: ServiceContext) => entityLoader<Ballot>(ctx, BallotSchema, 'id', isId);

export async function findBallot(ctx: ServiceContext, id: string, field = 'ballotId'): Promise<Ballot> {
  requireId(id, field);
  const ballot = await ballotLoader(ctx).load(id);
  if (!ballot) throw notFound('ballot', id, field);
  return ballot;
}

export function ballotsOf(ctx: ServiceContext, programId: string): Promise<Ballot[]> {
  return childrenLoader<Ballot>(ctx, BallotSchema, 'programId', { openedAt: 'asc', id: 'asc' }).load(programId);
}

/** The candidates of a ballot in ballot-paper order (written when it opens). */
export function candidatesOnBallot(ctx: ServiceContext, ballotId: string): Promise<BallotCandidate[]> {
  return ctx.loaders
    .get<string, BallotCandidate[]>('BallotCandidate.by.ballotId', async (ids) => {
      const rows = await store.candidateRows(ctx.em, ids);
      const mapped = rows.map((r) => ({ ballotId: r.ballot_id, candidateId: r.candidate_id, position: r.position }));
      return groupBy(ids, mapped, (r) => r.ballotId);
    })
    .load(ballotId);
}

/** The totals of a closed ballot, in ballot-paper order (one row per candidate); none while it is open. */
export function talliesOf(ctx: ServiceContext, ballotId: string): Promise<BallotTally[]> {
  return ctx.loaders
    .get<string, BallotTally[]>('BallotTally.by.ballotId', async (ids) => {
      const rows = await store.tallyRows(ctx.em, ids);
      const mapped: BallotTally[] = rows.map((r) => ({
        ballotId: r.ballot_id,
        candidateId: r.candidate_id,
        position: r.position,
        votesFor: r.votes_for,
        votesAgainst: r.votes_against,
        abstentions: r.abstentions,
        final: r.final,
        passed: r.passed,
        elected: r.elected,
        tied: r.tied,
      }));
      return groupBy(ids, mapped, (r) => r.ballotId);
    })
    .load(ballotId);
}

/** Whether a deputy has voted on a ballot (participation only: it says nothing about the choice). */
export function hasVoted(ctx: ServiceContext, ballotId: string, deputyId: string): Promise<boolean> {
  return participated(ctx, 'ballot_participation', 'ballot_id', ballotId, deputyId);
}

interface SiblingSession {
  id: string;
  opensOn: string;
  closesOn: string;
}

/**
 * V-6: a ballot is open only while its session sits. The program's session (owned by the deputies
 * subgraph, read through `_entities`) must sit on the clock's date (Asia/Shanghai), opening and
 * closing days included; otherwise CONFLICT naming the session's dates. Staff may close a ballot at
 * any time (early, or after the session to end it).
 */
export async function requireSessionSitting(ctx: ServiceContext, sessionId: string, doing: string): Promise<void> {
  const session = await ctx.siblings.entity<SiblingSession>(
    'deputies',
    'CongressSession',
    { id: sessionId },
    'id opensOn closesOn',
  );
  if (!session)
    throw conflict(`The congress session of this program is not known to the deputies service: cannot ${doing}.`);
  const date = today(ctx.clock);
  if (date < session.opensOn) {
    throw conflict(
      `The session sits from ${session.opensOn} to ${session.closesOn}; it has not opened yet (today is ${date}): cannot ${doing} (V-6).`,
    );
  }
  if (date > session.closesOn) {
    throw conflict(
      `The session sat from ${session.opensOn} to ${session.closesOn} and has closed (today is ${date}): cannot ${doing}; staff may only close the ballot (V-6).`,
    );
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a);
  return sa.size === a.length && a.length === b.length && b.every((x) => sa.has(x));
}

/**
 * V-1, V-3: staff open a ballot for a roll of ACTIVE deputies of the program's congress. The first
 * ballot lists every candidate and moves the program to VOTING; a later one (a run-off) lists
 * exactly the candidates tied for the last seat, or, when too few passed, candidates not yet elected.
 * V-6: an ONLINE ballot counts in its own counter table; a PAPER or DEVICE ballot (in the room) has
 * none: tellers enter its totals (`room-tallies`). `internal.id`: the demo seed's stable id (never from a request).
 */
export async function openBallot(
  ctx: ServiceContext,
  programId: string,
  rollDeputyIds: string[],
  candidateIds: string[] | null | undefined,
  method: BallotMethod = 'ONLINE',
  internal: { id?: string } = {},
): Promise<Ballot> {
  const program = await findProgram(ctx, programId);
  requireWriteIn(ctx.viewer, program.regionCode, 'open ballots');
  requireStage(program, ['SCREENING', 'VOTING'], 'open a ballot');
  await requireSessionSitting(ctx, program.sessionId, 'open a ballot');
  const candidates = await candidatesOf(ctx, program.id);
  const electedCount = candidates.filter((c) => electedStatuses.includes(c.status)).length;
  const openSeats = program.seats - electedCount;
  const ballots = await ballotsOf(ctx, program.id);
  if (ballots.some((b) => b.status === 'OPEN'))
    throw conflict('A ballot of this program is already open; close it first.');
  if (candidateIds) candidateIds.forEach((id, i) => requireId(id, `candidateIds[${i}]`));
  let onBallot: Project[];
  if (program.stage === 'SCREENING') {
    if (candidates.length <= program.seats)
      throw conflict(`Set more candidates than seats (setCandidates) before opening the ballot.`);
    if (
      candidateIds &&
      !sameSet(
        candidateIds,
        candidates.map((c) => c.id),
      )
    ) {
      throw badInput('The first ballot lists every candidate; `candidateIds` is for a run-off.', 'candidateIds');
    }
    onBallot = candidates;
  } else {
    const last = ballots.filter((b) => b.status === 'CLOSED').at(-1);
    const tied = last ? (await talliesOf(ctx, last.id)).filter((t) => t.tied).map((t) => t.candidateId) : [];
    const byId = new Map(candidates.map((c) => [c.id, c]));
    if (tied.length) {
      if (!candidateIds || !sameSet(candidateIds, tied)) {
        throw badInput(
          `The run-off lists exactly the ${tied.length} candidates tied for the last seat (see tiedForLastSeat of the last ballot).`,
          'candidateIds',
        );
      }
      onBallot = tied.map((id) => byId.get(id)!);
    } else {
      const remaining = candidates.filter((c) => c.status === 'CANDIDATE');
      if (candidateIds) {
        requireDistinct(candidateIds, 'candidateIds');
        candidateIds.forEach((id, i) => {
          if (byId.get(id)?.status !== 'CANDIDATE')
            throw badInput(
              `candidateIds[${i}] is not a candidate still to be decided in this program.`,
              `candidateIds[${i}]`,
            );
        });
      }
      onBallot = candidateIds ? candidateIds.map((id) => byId.get(id)!) : remaining;
      if (onBallot.length <= openSeats)
        throw badInput(`A ballot for ${openSeats} open seats needs more candidates than that (差额).`, 'candidateIds');
    }
  }
  if (!rollDeputyIds.length)
    throw badInput('The roll lists the deputies entitled to vote; it is empty.', 'rollDeputyIds');
  if (rollDeputyIds.length > 5000) throw badInput('A roll has at most 5000 deputies.', 'rollDeputyIds');
  rollDeputyIds.forEach((id, i) => requireId(id, `rollDeputyIds[${i}]`));
  requireDistinct(rollDeputyIds, 'rollDeputyIds');
  await requireActiveDeputiesOf(ctx, rollDeputyIds, program.congressId, 'rollDeputyIds');
  const id = internal.id ?? newId();
  const counts = countsTable('ballot', id);
  // Decided before the stage moves: `program` is the entity the transaction moves to VOTING.
  const runOff = program.stage === 'VOTING';
  try {
    await ctx.em.transactional(async (tx) => {
      const current = await tx.findOneOrFail(ProgramSchema, { id: program.id });
      if (current.stage === 'SCREENING') await moveStage(tx, current, 'VOTING');
      else requireStage(current, 'VOTING', 'open a run-off');
      await store.insertBallot(tx, {
        id,
        programId: program.id,
        regionCode: program.regionCode,
        year: program.year,
        seats: openSeats,
        runOff,
        rollSize: rollDeputyIds.length,
        openedAt: ctx.clock.now(),
        method,
      });
      for (let i = 0; i < rollDeputyIds.length; i += 1000) {
        await store.insertRoll(tx, id, rollDeputyIds.slice(i, i + 1000));
      }
      await store.insertCandidates(
        tx,
        id,
        onBallot.map((c) => c.id),
      );
      await recordVotingEvent(ctx, tx, {
        type: 'ballot.opened',
        aggregateType: 'ballot',
        aggregateId: id,
        regionCode: program.regionCode,
        roll: rollDeputyIds,
        data: {
          programId: program.id,
          programTitle: program.title,
          seats: openSeats,
          runOff,
          method,
          rollSize: rollDeputyIds.length,
          candidateIds: onBallot.map((c) => c.id),
        },
      });
      if (method !== 'ONLINE') return;
      // The ballot's own counters: dropped at close, so no superseded row of them outlives the ballot.
      await store.createCounts(
        tx,
        counts,
        onBallot.map((c) => c.id),
      );
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict('A ballot of this program is already open; close it first.');
    throw e;
  }
  return reloadBallot(ctx, id);
}

export async function reloadBallot(ctx: ServiceContext, id: string): Promise<Ballot> {
  ctx.em.clear();
  ctx.loaders.clearAll();
  return (await ballotLoader(ctx).load(id))!;
}

export async function isOnRoll(ctx: ServiceContext, ballotId: string, deputyId: string): Promise<boolean> {
  return store.isOnRollRow(ctx.em, ballotId, deputyId);
}

/**
 * Turns the ballot paper into one increment per candidate (FOR, AGAINST or ABSTAIN; unmarked is
 * ABSTAIN). Errors name the position of a faulty mark, never the mark.
 */
export function ballotPaper(
  choices: readonly { candidateId: string; choice: VoteChoice }[],
  tallies: readonly Pick<BallotCandidate, 'candidateId'>[],
  seats: number,
): [number, number, number][] {
  const onBallot = new Set(tallies.map((t) => t.candidateId));
  const marks = new Map<string, VoteChoice>();
  choices.forEach((c, i) => {
    requireId(c.candidateId, `choices[${i}].candidateId`);
    if (!onBallot.has(c.candidateId))
      throw badInput(`choices[${i}] names a candidate that is not on this ballot.`, `choices[${i}].candidateId`);
    if (marks.has(c.candidateId))
      throw badInput(`choices[${i}] marks a candidate a second time.`, `choices[${i}].candidateId`);
    marks.set(c.candidateId, c.choice);
  });
  let fors = 0;
  for (const choice of marks.values()) if (choice === 'FOR') fors += 1;
  if (fors > seats)
    throw badInput(`This ballot fills ${seats} seat(s): vote in favour of at most ${seats} candidate(s).`, 'choices');
  return tallies.map((t) => {
    const choice = marks.get(t.candidateId) ?? 'ABSTAIN';
    return [choice === 'FOR' ? 1 : 0, choice === 'AGAINST' ? 1 : 0, choice === 'ABSTAIN' ? 1 : 0];
  });
}

/**
 * V-3 secret ballot. One transaction: count the ballot on the ballot row (which also serializes
 * voters and refuses a closed ballot), insert the participation row (its primary key refuses a
 * second ballot, even a concurrent one), and add one to a counter of every candidate. Nothing
 * written holds both the deputy and the choice; see README.md.
 */
export async function castBallot(
  ctx: ServiceContext,
  ballotId: string,
  choices: { candidateId: string; choice: VoteChoice }[],
): Promise<Ballot> {
  const deputyId = requireDeputyViewer(ctx, 'vote');
  const ballot = await findBallot(ctx, ballotId);
  if (ballot.method !== 'ONLINE') {
    throw conflict(
      `This ballot is taken in the room (${ballot.method}): tellers enter its totals; ` +
        'it takes no online ballots (V-6).',
    );
  }
  if (!(await isOnRoll(ctx, ballot.id, deputyId))) throw forbidden('You are not on the roll of this ballot.');
  if (ballot.status !== 'OPEN') throw conflict('This ballot is closed; no more ballots are accepted.');
  const program = (await programLoader(ctx).load(ballot.programId))!;
  await requireSessionSitting(ctx, program.sessionId, 'vote on this ballot');
  const onBallot = await candidatesOnBallot(ctx, ballot.id);
  const paper = ballotPaper(choices, onBallot, ballot.seats);
  await recordSecretResponse(ctx, {
    what: 'ballot',
    parent: { table: 'ballots', counter: 'ballots_cast', id: ballot.id },
    participation: { table: 'ballot_participation', parentColumn: 'ballot_id' },
    counts: {
      table: countsTable('ballot', ballot.id),
      keyColumn: 'candidate_id',
      counters: ['votes_for', 'votes_against', 'abstentions'],
    },
    deputyId,
    increments: onBallot.map((t, i) => [t.candidateId, ...paper[i]!] as const),
    closedMessage: 'This ballot closed before yours arrived; it was not counted.',
    duplicateMessage: 'You have already voted on this ballot; each deputy on the roll votes once.',
  });
  return reloadBallot(ctx, ballot.id);
}

/**
 * V-3: closes, tallies and elects, in one transaction: the ballot row turns CLOSED (which waits for
 * a vote in flight and refuses every later one), the totals are read from the ballot's own counter
 * table and inserted once into `ballot_tallies` with the outcome, and the counter table is dropped,
 * which frees its pages with every superseded version of its rows. The program moves to
 * IMPLEMENTING when every seat is filled, the elected ranked, the rest NOT_ELECTED.
 */
export async function closeBallot(ctx: ServiceContext, ballotId: string): Promise<Ballot> {
  const ballot = await findBallot(ctx, ballotId);
  const program = (await programLoader(ctx).load(ballot.programId))!;
  requireWriteIn(ctx.viewer, program.regionCode, 'close ballots');
  if (ballot.status !== 'OPEN') throw conflict('This ballot is already closed.');
  const table = countsTable('ballot', ballot.id);
  await ctx.em.transactional(async (tx) => {
    const closed = await store.closeBallotRow(tx, ballot.id, ctx.clock.now());
    if (closed !== 1) throw conflict('This ballot is already closed.');
    // V-6: an in-room ballot closes with its tellers' confirmed totals, elected by the same rules.
    const counts: store.CountRow[] =
      ballot.method === 'ONLINE'
        ? await store.onlineCounts(tx, table, ballot.id)
        : (await room.confirmedRoomCounts(tx, ballot.id)).map((c) => ({
            candidate_id: c.candidateId,
            position: c.position,
            votes_for: c.votesFor,
            votes_against: c.votesAgainst,
            abstentions: c.abstentions,
          }));
    const outcome = elect(
      counts.map((c) => ({ candidateId: c.candidate_id, position: c.position, votesFor: c.votes_for })),
      ballot.rollSize,
      ballot.seats,
    );
    await store.insertTallies(tx, ballot.id, counts, outcome);
    if (ballot.method === 'ONLINE') await store.dropCounts(tx, table);
    const n = await store.electedCount(tx, program.id);
    for (const [i, candidateId] of outcome.elected.entries()) {
      await store.markElected(tx, candidateId, n + i + 1);
    }
    if (n + outcome.elected.length >= program.seats) {
      await store.markNotElected(tx, program.id);
      const current = await tx.findOneOrFail(ProgramSchema, { id: program.id });
      await moveStage(tx, current, 'IMPLEMENTING');
    }
    // V-3: the totals are public once the ballot closes; who voted how never is.
    const roll = await store.rollOf(tx, ballot.id);
    await recordVotingEvent(ctx, tx, {
      type: 'ballot.closed',
      aggregateType: 'ballot',
      aggregateId: ballot.id,
      regionCode: program.regionCode,
      roll,
      data: {
        programId: program.id,
        programTitle: program.title,
        method: ballot.method,
        rollSize: ballot.rollSize,
        elected: outcome.elected,
        tied: outcome.tied,
        tallies: counts.map((c) => ({
          candidateId: c.candidate_id,
          votesFor: c.votes_for,
          votesAgainst: c.votes_against,
          abstentions: c.abstentions,
        })),
      },
    });
  });
  return reloadBallot(ctx, ballot.id);
}

/** V-6: a teller enters the totals of an in-room ballot (see `room-tallies`). */
export async function enterRoomTally(
  ctx: ServiceContext,
  ballotId: string,
  input: room.RoomTallyInput,
): Promise<Ballot> {
  const ballot = await findBallot(ctx, ballotId);
  const onBallot = await candidatesOnBallot(ctx, ballot.id);
  const sitting = (sessionId: string) => requireSessionSitting(ctx, sessionId, 'enter ballot totals');
  await room.enterRoomTally(ctx, ballot, onBallot, input, sitting);
  return reloadBallot(ctx, ballot.id);
}

/** V-6: a second teller confirms the current entry of an in-room ballot. */
export async function confirmRoomTally(ctx: ServiceContext, ballotId: string, tallyId: string): Promise<Ballot> {
  const ballot = await findBallot(ctx, ballotId);
  await room.confirmRoomTally(ctx, ballot, tallyId);
  return reloadBallot(ctx, ballot.id);
}

/** Deputy.ballotsCast: a count of participation rows in a year; for the deputy, staff and analysts of their region, admins. */
export async function ballotsCastBy(ctx: ServiceContext, deputyId: string, year: number): Promise<number> {
  const viewer = requireViewer(ctx.viewer);
  requireYear(year);
  if (viewer.role === 'DEPUTY') {
    if (viewer.deputy !== deputyId) throw forbidden('A deputy sees only their own count of ballots cast.');
  } else if (viewer.role === 'ADMIN' || viewer.role === 'STAFF' || viewer.role === 'ANALYST') {
    if (!(viewer.role === 'ADMIN' && viewer.region === null)) {
      const deputy = isId(deputyId)
        ? await ctx.siblings.entity<{ id: string; region: { code: string } | null }>(
            'deputies',
            'Deputy',
            { id: deputyId },
            'id region { code }',
          )
        : null;
      if (!deputy?.region || !covers(viewer, deputy.region.code))
        throw forbidden('You may read the ballots cast only of deputies of your region.');
    }
  } else {
    throw forbidden(
      "A deputy's count of ballots cast is for the deputy, staff and analysts of their region, and admins.",
    );
  }
  if (!isId(deputyId)) return 0;
  return ctx.loaders
    .get<string, number>('Deputy.ballotsCast', async (keys) => {
      const pairs = keys.map((k) => k.split('|') as [string, string]);
      const rows = await store.ballotsCastRows(ctx.em, pairs);
      const map = new Map(rows.map((r) => [`${r.deputy_id}|${r.year}`, r.n]));
      return keys.map((k) => map.get(k) ?? 0);
    })
    .load(`${deputyId}|${year}`);
}
