import { canReadRegion, requireWriteIn } from '@renda/auth/guards';
import { newId } from '@renda/db/ids';
import { badInput, conflict, forbidden, notFound } from '@renda/errors/errors';
import type { ServiceContext } from '@renda/server-kit/context';
import { groupBy } from '@renda/server-kit/loaders';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Ballot, BallotCandidate } from '../ballots/ballot.entity.ts';
import { programLoader } from '../programs/programs.service.ts';
import { isUniqueViolation, requireId } from '../inputs.ts';
import type { RoomCount, RoomTallyView } from './room-tally.entity.ts';
import * as store from './room-tallies.store.ts';

export interface RoomCountInput {
  candidateId: string;
  votesFor: number;
  votesAgainst: number;
  abstentions: number;
}

export interface RoomTallyInput {
  ballotsIssued: number;
  ballotsReturned: number;
  ballotsVoid: number;
  counts: RoomCountInput[];
}

const field = (name: string) => `tally.${name}`;

function requireCount(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 0) throw badInput(`\`${name}\` is a count: a whole number, 0 or more.`, name);
}

/**
 * V-6: the totals of an in-room ballot must agree: returned ≤ issued ≤ roll, void ≤ returned,
 * every candidate on the paper exactly once, FOR + AGAINST + ABSTAIN ≤ valid (= returned − void) for
 * each, and FOR over all candidates ≤ valid × seats (a paper marks FOR at most `seats` candidates).
 * Returns the counts in ballot-paper order.
 */
export function checkRoomTally(
  input: RoomTallyInput,
  onBallot: readonly BallotCandidate[],
  rollSize: number,
  seats: number,
): RoomCount[] {
  requireCount(input.ballotsIssued, field('ballotsIssued'));
  requireCount(input.ballotsReturned, field('ballotsReturned'));
  requireCount(input.ballotsVoid, field('ballotsVoid'));
  if (input.ballotsIssued > rollSize) {
    throw badInput(
      `${input.ballotsIssued} ballots issued is more than the ${rollSize} deputies on the roll.`,
      field('ballotsIssued'),
    );
  }
  if (input.ballotsReturned > input.ballotsIssued) {
    throw badInput(
      `${input.ballotsReturned} ballots returned is more than the ${input.ballotsIssued} issued.`,
      field('ballotsReturned'),
    );
  }
  if (input.ballotsVoid > input.ballotsReturned) {
    throw badInput(
      `${input.ballotsVoid} void ballots is more than the ${input.ballotsReturned} returned.`,
      field('ballotsVoid'),
    );
  }
  const valid = input.ballotsReturned - input.ballotsVoid;
  const position = new Map(onBallot.map((c) => [c.candidateId, c.position]));
  const seen = new Set<string>();
  let fors = 0;
  input.counts.forEach((c, i) => {
    const at = (name: string) => field(`counts[${i}].${name}`);
    requireId(c.candidateId, at('candidateId'));
    if (!position.has(c.candidateId))
      throw badInput(`counts[${i}] names a candidate that is not on this ballot.`, at('candidateId'));
    if (seen.has(c.candidateId)) throw badInput(`counts[${i}] lists a candidate a second time.`, at('candidateId'));
    seen.add(c.candidateId);
    requireCount(c.votesFor, at('votesFor'));
    requireCount(c.votesAgainst, at('votesAgainst'));
    requireCount(c.abstentions, at('abstentions'));
    const sum = c.votesFor + c.votesAgainst + c.abstentions;
    if (sum > valid) {
      throw badInput(
        `counts[${i}]: FOR + AGAINST + ABSTAIN is ${sum}, more than the ${valid} valid ballots (returned − void).`,
        at('votesFor'),
      );
    }
    fors += c.votesFor;
  });
  if (seen.size !== onBallot.length) {
    throw badInput(
      `List every one of the ${onBallot.length} candidates on this ballot once; ` +
        `${onBallot.length - seen.size} missing.`,
      field('counts'),
    );
  }
  if (fors > valid * seats) {
    throw badInput(
      `FOR over all candidates is ${fors}, more than ${valid} valid ballots × ${seats} seat(s) allow.`,
      field('counts'),
    );
  }
  return input.counts
    .map((c) => ({
      entryId: '',
      candidateId: c.candidateId,
      position: position.get(c.candidateId)!,
      votesFor: c.votesFor,
      votesAgainst: c.votesAgainst,
      abstentions: c.abstentions,
    }))
    .sort((a, b) => a.position - b.position);
}

async function loadEntries(em: EntityManager, ballotIds: readonly string[]): Promise<RoomTallyView[]> {
  const rows = await store.entryRows(em, ballotIds);
  if (!rows.length) return [];
  const counts = await store.totalRows(
    em,
    rows.map((r) => r.id),
  );
  const byEntry = groupBy(
    rows.map((r) => r.id),
    counts.map((c) => ({
      entryId: c.entry_id,
      candidateId: c.candidate_id,
      position: c.position,
      votesFor: c.votes_for,
      votesAgainst: c.votes_against,
      abstentions: c.abstentions,
    })),
    (c) => c.entryId,
  );
  return rows.map((r, i) => ({
    id: r.id,
    ballotId: r.ballot_id,
    entry: r.entry,
    ballotsIssued: r.ballots_issued,
    ballotsReturned: r.ballots_returned,
    ballotsVoid: r.ballots_void,
    enteredBy: r.entered_by,
    enteredAt: r.entered_at,
    confirmedBy: r.confirmed_by,
    confirmedAt: r.confirmed_at,
    status: !r.latest ? 'SUPERSEDED' : r.confirmed_by ? 'CONFIRMED' : 'ENTERED',
    counts: byEntry[i]!,
  }));
}

/** Every tellers' entry of a ballot, the first one first (batched per request). */
export function roomEntriesOf(ctx: ServiceContext, ballotId: string): Promise<RoomTallyView[]> {
  return ctx.loaders
    .get<string, RoomTallyView[]>('RoomTally.by.ballotId', async (ids) =>
      groupBy(ids, await loadEntries(ctx.em, ids), (e) => e.ballotId),
    )
    .load(ballotId);
}

/**
 * Tellers' entries are public once the ballot closes;
 * while it is open, for staff, analysts and admins of its region.
 */
export function canReadRoomTally(ctx: ServiceContext, ballot: Ballot): boolean {
  return ballot.status === 'CLOSED' || canReadRegion(ctx.viewer, ballot.regionCode);
}

/** Locks the ballot row for the rest of the transaction (serializes tellers with each other and with the close). */
async function lockOpenInRoom(tx: EntityManager, ballotId: string): Promise<void> {
  const row = await store.lockBallot(tx, ballotId);
  if (row?.status !== 'OPEN')
    throw conflict('This ballot is closed; its totals can no longer be entered or confirmed.');
  if (row.method === 'ONLINE')
    throw conflict(
      'This ballot is ONLINE: deputies cast their own ballots; tellers enter totals only for PAPER or DEVICE ballots.',
    );
}

/**
 * V-6: a teller (staff of the ballot's region) enters the totals of an in-room ballot while its
 * session sits. Each entry gets the next number; the latest is the current one, and a recount is
 * simply a later entry (the earlier stays on record as SUPERSEDED). The entry needs a second teller.
 */
export async function enterRoomTally(
  ctx: ServiceContext,
  ballot: Ballot,
  onBallot: readonly BallotCandidate[],
  input: RoomTallyInput,
  requireSitting: (sessionId: string) => Promise<void>,
): Promise<void> {
  const program = (await programLoader(ctx).load(ballot.programId))!;
  const viewer = requireWriteIn(ctx.viewer, program.regionCode, 'enter ballot totals');
  if (ballot.status !== 'OPEN') throw conflict('This ballot is closed; its totals can no longer be entered.');
  if (ballot.method === 'ONLINE')
    throw conflict(
      'This ballot is ONLINE: deputies cast their own ballots; tellers enter totals only for PAPER or DEVICE ballots.',
    );
  await requireSitting(program.sessionId);
  const counts = checkRoomTally(input, onBallot, ballot.rollSize, ballot.seats);
  const id = newId();
  try {
    await ctx.em.transactional(async (tx) => {
      await lockOpenInRoom(tx, ballot.id);
      const n = await store.lastEntry(tx, ballot.id);
      await store.insertEntry(
        tx,
        {
          id,
          ballotId: ballot.id,
          entry: n + 1,
          ballotsIssued: input.ballotsIssued,
          ballotsReturned: input.ballotsReturned,
          ballotsVoid: input.ballotsVoid,
          enteredBy: viewer.sub,
          enteredAt: ctx.clock.now(),
        },
        counts,
      );
    });
  } catch (e) {
    if (isUniqueViolation(e))
      throw conflict(
        'Another teller entered totals of this ballot at the same moment; read the ballot and enter again if needed.',
      );
    throw e;
  }
}

/**
 * V-6: a second teller confirms the current entry. The teller who entered it may not (FORBIDDEN);
 * an entry a recount replaced, or one already confirmed, is CONFLICT. Turnout becomes the ballots
 * returned of the confirmed entry.
 */
export async function confirmRoomTally(ctx: ServiceContext, ballot: Ballot, tallyId: string): Promise<void> {
  const program = (await programLoader(ctx).load(ballot.programId))!;
  const viewer = requireWriteIn(ctx.viewer, program.regionCode, 'confirm ballot totals');
  requireId(tallyId, 'tallyId');
  if (ballot.status !== 'OPEN') throw conflict('This ballot is closed; its totals can no longer be confirmed.');
  if (ballot.method === 'ONLINE') throw conflict("This ballot is ONLINE: it has no tellers' totals to confirm.");
  try {
    await ctx.em.transactional(async (tx) => {
      await lockOpenInRoom(tx, ballot.id);
      const entries = await loadEntries(tx, [ballot.id]);
      const entry = entries.find((e) => e.id === tallyId);
      if (!entry) throw notFound('tally of this ballot', tallyId, 'tallyId');
      if (entry.status === 'SUPERSEDED')
        throw conflict(
          `Entry ${entry.entry} was replaced by a recount; confirm the current entry (${entries.at(-1)!.entry}).`,
        );
      if (entry.status === 'CONFIRMED') throw conflict('This entry is already confirmed.');
      if (entry.enteredBy === viewer.sub)
        throw forbidden('You entered these totals: a second teller, from another account, must confirm them.');
      await store.confirmEntry(
        tx,
        { id: entry.id, ballotId: ballot.id, ballotsReturned: entry.ballotsReturned },
        viewer.sub,
        ctx.clock.now(),
      );
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict('This entry is already confirmed.');
    throw e;
  }
}

/**
 * The confirmed totals an in-room ballot is closed with, inside the closing transaction (after the
 * ballot row turned CLOSED): CONFLICT when the current entry is missing or not yet confirmed.
 */
export async function confirmedRoomCounts(tx: EntityManager, ballotId: string): Promise<RoomCount[]> {
  const current = (await loadEntries(tx, [ballotId])).at(-1);
  if (!current)
    throw conflict(
      'No totals have been entered for this in-room ballot: tellers enter them (enterRoomTally) before it closes.',
    );
  if (current.status !== 'CONFIRMED')
    throw conflict(
      `Entry ${current.entry} of the totals awaits a second teller's confirmation (confirmRoomTally) ` +
        'before the ballot closes.',
    );
  return current.counts;
}
