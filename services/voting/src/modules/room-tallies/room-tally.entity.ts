import { EntitySchema } from '@mikro-orm/postgresql';

/**
 * 现场计票 (V-6): one tellers' entry of an in-room ballot's totals. Insert-only: a recount is a new
 * entry with the next number (the latest counts, earlier ones stay on record), and a confirmation is
 * a row of its own, so no row here is ever updated. Totals only: nothing names a deputy.
 */
export interface RoomEntry {
  id: string;
  ballotId: string;
  entry: number;
  ballotsIssued: number;
  ballotsReturned: number;
  ballotsVoid: number;
  enteredBy: string;
  enteredAt: Date;
}

export const RoomEntrySchema = new EntitySchema<RoomEntry>({
  name: 'RoomEntry',
  tableName: 'ballot_room_entries',
  uniques: [{ name: 'ballot_room_entries_ballot_entry_unique', properties: ['ballotId', 'entry'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    ballotId: { type: 'uuid' },
    entry: { type: 'integer' },
    ballotsIssued: { type: 'integer' },
    ballotsReturned: { type: 'integer' },
    ballotsVoid: { type: 'integer' },
    enteredBy: { type: 'string', length: 255 },
    enteredAt: { type: 'datetime' },
  },
});

/** One candidate's totals in an entry. */
export interface RoomCount {
  entryId: string;
  candidateId: string;
  position: number;
  votesFor: number;
  votesAgainst: number;
  abstentions: number;
}

export const RoomCountSchema = new EntitySchema<RoomCount>({
  name: 'RoomCount',
  tableName: 'ballot_room_totals',
  properties: {
    entryId: { type: 'uuid', primary: true },
    candidateId: { type: 'uuid', primary: true },
    position: { type: 'integer' },
    votesFor: { type: 'integer' },
    votesAgainst: { type: 'integer' },
    abstentions: { type: 'integer' },
  },
});

/** The second teller's confirmation of an entry: its primary key allows one per entry. */
export interface RoomConfirmation {
  entryId: string;
  confirmedBy: string;
  confirmedAt: Date;
}

export const RoomConfirmationSchema = new EntitySchema<RoomConfirmation>({
  name: 'RoomConfirmation',
  tableName: 'ballot_room_confirmations',
  properties: {
    entryId: { type: 'uuid', primary: true },
    confirmedBy: { type: 'string', length: 255 },
    confirmedAt: { type: 'datetime' },
  },
});

export type RoomTallyStatus = 'ENTERED' | 'CONFIRMED' | 'SUPERSEDED';

/** An entry as the API shows it (status derived: the latest entry is current; a confirmation row confirms). */
export interface RoomTallyView extends RoomEntry {
  status: RoomTallyStatus;
  confirmedBy: string | null;
  confirmedAt: Date | null;
  counts: RoomCount[];
}
