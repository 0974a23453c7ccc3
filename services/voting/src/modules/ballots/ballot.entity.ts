import { EntitySchema } from '@mikro-orm/postgresql';

export type BallotStatus = 'OPEN' | 'CLOSED';
/** V-6: ONLINE, or in the room on PAPER or voting DEVICE (tellers enter the totals). */
export type BallotMethod = 'ONLINE' | 'PAPER' | 'DEVICE';

/**
 * A secret ballot. `ballotsCast` is the turnout; there is no "last voted" time or any other
 * per-vote trace on this row.
 */
export interface Ballot {
  id: string;
  programId: string;
  regionCode: string;
  year: number;
  status: BallotStatus;
  /** Seats this ballot fills: the program's open seats when it opened. */
  seats: number;
  runOff: boolean;
  rollSize: number;
  ballotsCast: number;
  openedAt: Date;
  closedAt: Date | null;
  method: BallotMethod;
}

export const BallotSchema = new EntitySchema<Ballot>({
  name: 'Ballot',
  tableName: 'ballots',
  indexes: [
    {
      name: 'ballots_region_code_prefix',
      expression:
        'create index "ballots_region_code_prefix" on "voting"."ballots" ("region_code" varchar_pattern_ops, "year")',
    },
    // At most one open ballot per program: two staff opening at once get one ballot and one CONFLICT.
    {
      name: 'ballots_one_open_per_program',
      expression: `create unique index "ballots_one_open_per_program" on "voting"."ballots" ("program_id") where "status" = 'OPEN'`,
    },
  ],
  properties: {
    id: { type: 'uuid', primary: true },
    programId: { type: 'uuid', index: true },
    regionCode: { type: 'string', length: 9 },
    year: { type: 'integer' },
    status: { type: 'string', length: 6 },
    seats: { type: 'integer' },
    runOff: { type: 'boolean', default: false },
    rollSize: { type: 'integer' },
    ballotsCast: { type: 'integer', default: 0 },
    openedAt: { type: 'datetime' },
    closedAt: { type: 'datetime', nullable: true },
    method: { type: 'string', length: 6, default: 'ONLINE' },
  },
});

/** 全体代表: who may vote on a ballot. */
export interface BallotRollEntry {
  ballotId: string;
  deputyId: string;
}

export const BallotRollSchema = new EntitySchema<BallotRollEntry>({
  name: 'BallotRollEntry',
  tableName: 'ballot_roll',
  properties: {
    ballotId: { type: 'uuid', primary: true },
    deputyId: { type: 'uuid', primary: true },
  },
});

/**
 * Who has voted: the two ids and nothing else (no timestamp, no serial, no choice). The primary key
 * is what makes a second ballot from the same deputy fail, even when both arrive at once.
 */
export interface BallotParticipation {
  ballotId: string;
  deputyId: string;
}

export const BallotParticipationSchema = new EntitySchema<BallotParticipation>({
  name: 'BallotParticipation',
  tableName: 'ballot_participation',
  properties: {
    ballotId: { type: 'uuid', primary: true },
    deputyId: { type: 'uuid', primary: true, index: true },
  },
});

/** The ballot paper: the candidates of a ballot in paper order, written when it opens, never updated. */
export interface BallotCandidate {
  ballotId: string;
  candidateId: string;
  position: number;
}

export const BallotCandidateSchema = new EntitySchema<BallotCandidate>({
  name: 'BallotCandidate',
  tableName: 'ballot_candidates',
  properties: {
    ballotId: { type: 'uuid', primary: true },
    candidateId: { type: 'uuid', primary: true, index: true },
    position: { type: 'integer' },
  },
});

/**
 * What was chosen, as totals only: one row per candidate of a closed ballot, inserted once by the
 * closing transaction (never updated) from the ballot's own counter table, which is then dropped
 * (see `countsTable` and README.md). An open ballot has no rows here.
 */
export interface BallotTally {
  ballotId: string;
  candidateId: string;
  position: number;
  votesFor: number;
  votesAgainst: number;
  abstentions: number;
  final: boolean;
  passed: boolean;
  elected: boolean;
  tied: boolean;
}

export const BallotTallySchema = new EntitySchema<BallotTally>({
  name: 'BallotTally',
  tableName: 'ballot_tallies',
  properties: {
    ballotId: { type: 'uuid', primary: true },
    candidateId: { type: 'uuid', primary: true, index: true },
    position: { type: 'integer' },
    votesFor: { type: 'integer', default: 0 },
    votesAgainst: { type: 'integer', default: 0 },
    abstentions: { type: 'integer', default: 0 },
    final: { type: 'boolean', default: false },
    passed: { type: 'boolean', default: false },
    elected: { type: 'boolean', default: false },
    tied: { type: 'boolean', default: false },
  },
});
