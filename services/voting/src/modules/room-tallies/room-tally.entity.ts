import { DeferMode } from '@mikro-orm/core';
import { defineEntity, type InferEntity, p } from '@mikro-orm/postgresql';
import { BallotSchema } from '../ballots/ballot.entity.ts';
import { ProjectSchema } from '../projects/project.entity.ts';

/**
 * 现场计票 (V-6): one tellers' entry of an in-room ballot's totals. Insert-only: a recount is a new
 * entry with the next number (the latest counts, earlier ones stay on record), and a confirmation is
 * a row of its own, so no row here is ever updated. Totals only: nothing names a deputy.
 */
export const RoomEntrySchema = defineEntity({
  name: 'RoomEntry',
  tableName: 'ballot_room_entries',
  uniques: [{ name: 'ballot_room_entries_ballot_entry_unique', properties: ['ballotId', 'entry'] }],
  checks: [
    {
      name: 'ballot_room_entries_totals_check',
      expression: 'ballots_void >= 0 and ballots_void <= ballots_returned and ballots_returned <= ballots_issued',
    },
  ],
  properties: {
    id: p.uuid().primary(),
    ballotId: () =>
      p
        .manyToOne(BallotSchema)
        .mapToPk()
        .fieldName('ballot_id')
        .deferMode(DeferMode.INITIALLY_DEFERRED)
        .updateRule('no action')
        .deleteRule('no action'),
    entry: p.integer(),
    ballotsIssued: p.integer(),
    ballotsReturned: p.integer(),
    ballotsVoid: p.integer(),
    enteredBy: p.string().length(255),
    enteredAt: p.datetime(),
  },
});
export type RoomEntry = InferEntity<typeof RoomEntrySchema>;

/** One candidate's totals in an entry. */
export const RoomCountSchema = defineEntity({
  name: 'RoomCount',
  tableName: 'ballot_room_totals',
  // Named as PostgreSQL named them (Migration20261130140000 declared them on the columns).
  checks: [
    { property: 'votesFor', expression: 'votes_for >= 0' },
    { property: 'votesAgainst', expression: 'votes_against >= 0' },
    { property: 'abstentions', expression: 'abstentions >= 0' },
  ],
  properties: {
    entryId: () =>
      p
        .manyToOne(RoomEntrySchema)
        .mapToPk()
        .fieldName('entry_id')
        .deferMode(DeferMode.INITIALLY_DEFERRED)
        .updateRule('no action')
        .deleteRule('no action')
        .primary(),
    candidateId: () =>
      p
        .manyToOne(ProjectSchema)
        .mapToPk()
        .fieldName('candidate_id')
        .deferMode(DeferMode.INITIALLY_DEFERRED)
        .updateRule('no action')
        .deleteRule('no action')
        .primary(),
    position: p.integer(),
    votesFor: p.integer(),
    votesAgainst: p.integer(),
    abstentions: p.integer(),
  },
});
export type RoomCount = InferEntity<typeof RoomCountSchema>;

/** The second teller's confirmation of an entry: its primary key allows one per entry. */
export const RoomConfirmationSchema = defineEntity({
  name: 'RoomConfirmation',
  tableName: 'ballot_room_confirmations',
  properties: {
    entryId: () =>
      p
        .oneToOne(RoomEntrySchema)
        .mapToPk()
        .fieldName('entry_id')
        .deferMode(DeferMode.INITIALLY_DEFERRED)
        .updateRule('no action')
        .deleteRule('no action')
        .primary()
        .owner(),
    confirmedBy: p.string().length(255),
    confirmedAt: p.datetime(),
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
