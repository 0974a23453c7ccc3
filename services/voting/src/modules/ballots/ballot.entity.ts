import { DeferMode } from '@mikro-orm/core';
import { defineEntity, type InferEntity, p } from '@mikro-orm/postgresql';
import { ProgramSchema } from '../programs/program.entity.ts';
import { ProjectSchema } from '../projects/project.entity.ts';

export const ballotStatuses = ['OPEN', 'CLOSED'] as const;
/** V-6: ONLINE, or in the room on PAPER or voting DEVICE (tellers enter the totals). */
export const ballotMethods = ['ONLINE', 'PAPER', 'DEVICE'] as const;
export type BallotMethod = (typeof ballotMethods)[number];

/**
 * A secret ballot. `ballotsCast` is the turnout; there is no "last voted" time or any other
 * per-vote trace on this row.
 */
export const BallotSchema = defineEntity({
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
    // F-1: a subtree's closed ballots by closing instant, with the turnout counts (Migration20261130200100).
    {
      name: 'ballots_closed_in_subtree',
      expression: `create index "ballots_closed_in_subtree" on "voting"."ballots" ("region_code" varchar_pattern_ops, "closed_at") include ("status", "ballots_cast", "roll_size")`,
    },
    {
      // F-1: the ballots closed in the month the figures read from the base rows (Migration20261201030000).
      name: 'ballots_closed_at',
      expression: `create index "ballots_closed_at" on "voting"."ballots" ("closed_at") include ("region_code", "status", "ballots_cast", "roll_size")`,
    },
  ],
  properties: {
    id: p.uuid().primary(),
    programId: () =>
      p
        .manyToOne(ProgramSchema)
        .mapToPk()
        .fieldName('program_id')
        .deferMode(DeferMode.INITIALLY_DEFERRED)
        .updateRule('no action')
        .deleteRule('no action')
        .index(),
    regionCode: p.string().length(9),
    year: p.integer(),
    status: p.enum([...ballotStatuses]).columnType('varchar(6)'),
    /** Seats this ballot fills: the program's open seats when it opened. */
    seats: p.integer(),
    runOff: p.boolean().default(false),
    rollSize: p.integer(),
    ballotsCast: p.integer().default(0),
    openedAt: p.datetime(),
    closedAt: p.datetime().nullable(),
    method: p
      .enum([...ballotMethods])
      .columnType('varchar(6)')
      .default('ONLINE'),
  },
});
export type Ballot = InferEntity<typeof BallotSchema>;

const ballotRef = () =>
  p
    .manyToOne(BallotSchema)
    .mapToPk()
    .fieldName('ballot_id')
    .deferMode(DeferMode.INITIALLY_DEFERRED)
    .updateRule('no action')
    .deleteRule('no action')
    .primary();
const candidateRef = () =>
  p
    .manyToOne(ProjectSchema)
    .mapToPk()
    .fieldName('candidate_id')
    .deferMode(DeferMode.INITIALLY_DEFERRED)
    .updateRule('no action')
    .deleteRule('no action')
    .primary();

/** 全体代表: who may vote on a ballot. */
export const BallotRollSchema = defineEntity({
  name: 'BallotRollEntry',
  tableName: 'ballot_roll',
  properties: {
    ballotId: ballotRef,
    /** A deputy of the deputies subgraph: a plain id. */
    deputyId: p.uuid().primary(),
  },
});

/**
 * Who has voted: the two ids and nothing else (no timestamp, no serial, no choice). The primary key
 * is what makes a second ballot from the same deputy fail, even when both arrive at once.
 */
export const BallotParticipationSchema = defineEntity({
  name: 'BallotParticipation',
  tableName: 'ballot_participation',
  properties: {
    ballotId: ballotRef,
    deputyId: p.uuid().primary().index(),
  },
});

/** The ballot paper: the candidates of a ballot in paper order, written when it opens, never updated. */
export const BallotCandidateSchema = defineEntity({
  name: 'BallotCandidate',
  tableName: 'ballot_candidates',
  properties: {
    ballotId: ballotRef,
    candidateId: () => candidateRef().index(),
    position: p.integer(),
  },
});
export type BallotCandidate = InferEntity<typeof BallotCandidateSchema>;

/**
 * What was chosen, as totals only: one row per candidate of a closed ballot, inserted once by the
 * closing transaction (never updated) from the ballot's own counter table, which is then dropped
 * (see `countsTable` and README.md). An open ballot has no rows here.
 */
export const BallotTallySchema = defineEntity({
  name: 'BallotTally',
  tableName: 'ballot_tallies',
  properties: {
    ballotId: ballotRef,
    candidateId: () => candidateRef().index(),
    position: p.integer(),
    votesFor: p.integer().default(0),
    votesAgainst: p.integer().default(0),
    abstentions: p.integer().default(0),
    final: p.boolean().default(false),
    passed: p.boolean().default(false),
    elected: p.boolean().default(false),
    tied: p.boolean().default(false),
  },
});
export type BallotTally = InferEntity<typeof BallotTallySchema>;
