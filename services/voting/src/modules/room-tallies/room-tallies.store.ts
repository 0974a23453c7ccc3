import type { EntityManager } from '@mikro-orm/postgresql';
import { sqlTable } from '@renda/db/tables';
import { BallotSchema } from '../ballots/ballot.entity.ts';
import { placeholders, query, run } from '../sql.ts';
import { RoomConfirmationSchema, RoomCountSchema, RoomEntrySchema } from './room-tally.entity.ts';

/**
 * The statements of the tellers' entries of in-room ballots (V-6), each table named from the ORM's metadata and
 * sent through `query`/`run` (`../sql.ts`: every value a bound parameter). The service keeps the rules.
 */
const tables = (em: EntityManager) => ({
  ballots: sqlTable(em, BallotSchema),
  entries: sqlTable(em, RoomEntrySchema),
  totals: sqlTable(em, RoomCountSchema),
  confirmations: sqlTable(em, RoomConfirmationSchema),
});

export interface EntryRow {
  id: string;
  ballot_id: string;
  entry: number;
  ballots_issued: number;
  ballots_returned: number;
  ballots_void: number;
  entered_by: string;
  entered_at: Date;
  confirmed_by: string | null;
  confirmed_at: Date | null;
  latest: boolean;
}

const ENTRY_COLUMNS = `e."id", e."ballot_id", e."entry", e."ballots_issued", e."ballots_returned", e."ballots_void",
  e."entered_by",
  e."entered_at", c."confirmed_by", c."confirmed_at",
  e."entry" = max(e."entry") over (partition by e."ballot_id") as "latest"`;

/** The entries of the ballots `ballotIds` with their confirmation, by ballot then entry number. */
export function entryRows(em: EntityManager, ballotIds: readonly string[]): Promise<EntryRow[]> {
  const t = tables(em);
  return query<EntryRow>(
    em,
    `select ${ENTRY_COLUMNS} from ${t.entries} e
       left join ${t.confirmations} c on c."entry_id" = e."id"
      where e."ballot_id" in (${placeholders(ballotIds.length, '?::uuid')}) order by e."ballot_id", e."entry"`,
    ballotIds,
  );
}

export interface TotalRow {
  entry_id: string;
  candidate_id: string;
  position: number;
  votes_for: number;
  votes_against: number;
  abstentions: number;
}

/** The totals of the entries `entryIds`, by entry then ballot-paper position. */
export function totalRows(em: EntityManager, entryIds: readonly string[]): Promise<TotalRow[]> {
  return query<TotalRow>(
    em,
    `select "entry_id", "candidate_id", "position", "votes_for", "votes_against", "abstentions"
       from ${tables(em).totals}
      where "entry_id" in (${placeholders(entryIds.length, '?::uuid')}) order by "entry_id", "position"`,
    entryIds,
  );
}

/** Locks a ballot's row for the rest of the transaction: its status and method, none if there is no such ballot. */
export async function lockBallot(
  em: EntityManager,
  ballotId: string,
): Promise<{ status: string; method: string } | undefined> {
  const [row] = await query<{ status: string; method: string }>(
    em,
    `select "status", "method" from ${tables(em).ballots} where "id" = ? for update`,
    [ballotId],
  );
  return row;
}

/** The number of a ballot's last entry (0 before the first). */
export async function lastEntry(em: EntityManager, ballotId: string): Promise<number> {
  const [{ n }] = (await query<{ n: number }>(
    em,
    `select coalesce(max("entry"), 0)::int as n from ${tables(em).entries} where "ballot_id" = ?`,
    [ballotId],
  )) as [{ n: number }];
  return n;
}

/** A tellers' entry. */
export interface NewEntry {
  id: string;
  ballotId: string;
  entry: number;
  ballotsIssued: number;
  ballotsReturned: number;
  ballotsVoid: number;
  enteredBy: string;
  enteredAt: Date;
}

/** Inserts a tellers' entry and its totals, one row per candidate. */
export async function insertEntry(
  em: EntityManager,
  e: NewEntry,
  counts: readonly {
    candidateId: string;
    position: number;
    votesFor: number;
    votesAgainst: number;
    abstentions: number;
  }[],
): Promise<void> {
  const t = tables(em);
  await run(
    em,
    `insert into ${t.entries}
           ("id", "ballot_id", "entry", "ballots_issued", "ballots_returned", "ballots_void",
            "entered_by", "entered_at")
         values (?, ?, ?, ?, ?, ?, ?, ?)`,
    [e.id, e.ballotId, e.entry, e.ballotsIssued, e.ballotsReturned, e.ballotsVoid, e.enteredBy, e.enteredAt],
  );
  await run(
    em,
    `insert into ${t.totals}
           ("entry_id", "candidate_id", "position", "votes_for", "votes_against", "abstentions")
         values ${placeholders(counts.length, '(?, ?, ?, ?, ?, ?)')}`,
    counts.flatMap((c) => [e.id, c.candidateId, c.position, c.votesFor, c.votesAgainst, c.abstentions]),
  );
}

/** Confirms an entry, and the ballot's turnout becomes its ballots returned (only while the ballot is OPEN). */
export async function confirmEntry(
  em: EntityManager,
  entry: { id: string; ballotId: string; ballotsReturned: number },
  confirmedBy: string,
  confirmedAt: Date,
): Promise<void> {
  const t = tables(em);
  await run(
    em,
    `insert into ${t.confirmations} ("entry_id", "confirmed_by", "confirmed_at")
         values (?, ?, ?)`,
    [entry.id, confirmedBy, confirmedAt],
  );
  await run(em, `update ${t.ballots} set "ballots_cast" = ? where "id" = ? and "status" = 'OPEN'`, [
    entry.ballotsReturned,
    entry.ballotId,
  ]);
}
