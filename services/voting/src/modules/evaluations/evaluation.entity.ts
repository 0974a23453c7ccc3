import { EntitySchema } from '@mikro-orm/postgresql';
import type { BallotStatus } from '../ballots/ballot.entity.ts';

/** 满意度测评 round: anonymous like the ballot (participation and per-project counters only). */
export interface EvaluationRound {
  id: string;
  programId: string;
  regionCode: string;
  /** The program's year (the year the rated projects were carried out). */
  year: number;
  status: BallotStatus;
  rollSize: number;
  responses: number;
  openedAt: Date;
  closedAt: Date | null;
}

export const EvaluationRoundSchema = new EntitySchema<EvaluationRound>({
  name: 'EvaluationRound',
  tableName: 'evaluation_rounds',
  indexes: [
    { name: 'evaluation_rounds_region_code_prefix', expression: 'create index "evaluation_rounds_region_code_prefix" on "voting"."evaluation_rounds" ("region_code" varchar_pattern_ops, "year")' },
    { name: 'evaluation_rounds_one_open_per_program', expression: `create unique index "evaluation_rounds_one_open_per_program" on "voting"."evaluation_rounds" ("program_id") where "status" = 'OPEN'` },
  ],
  properties: {
    id: { type: 'uuid', primary: true },
    programId: { type: 'uuid', index: true },
    regionCode: { type: 'string', length: 9 },
    year: { type: 'integer' },
    status: { type: 'string', length: 6 },
    rollSize: { type: 'integer' },
    responses: { type: 'integer', default: 0 },
    openedAt: { type: 'datetime' },
    closedAt: { type: 'datetime', nullable: true },
  },
});

export interface EvaluationRollEntry {
  roundId: string;
  deputyId: string;
}

export const EvaluationRollSchema = new EntitySchema<EvaluationRollEntry>({
  name: 'EvaluationRollEntry',
  tableName: 'evaluation_roll',
  properties: {
    roundId: { type: 'uuid', primary: true },
    deputyId: { type: 'uuid', primary: true },
  },
});

/** Who has responded: the two ids and nothing else. */
export interface EvaluationParticipation {
  roundId: string;
  deputyId: string;
}

export const EvaluationParticipationSchema = new EntitySchema<EvaluationParticipation>({
  name: 'EvaluationParticipation',
  tableName: 'evaluation_participation',
  properties: {
    roundId: { type: 'uuid', primary: true },
    deputyId: { type: 'uuid', primary: true, index: true },
  },
});

/** The rating form: the projects a round rates, written when it opens, never updated. */
export interface EvaluationItem {
  roundId: string;
  projectId: string;
}

export const EvaluationItemSchema = new EntitySchema<EvaluationItem>({
  name: 'EvaluationItem',
  tableName: 'evaluation_items',
  properties: {
    roundId: { type: 'uuid', primary: true },
    projectId: { type: 'uuid', primary: true },
  },
});

/**
 * Per-project rating totals of a closed round, inserted once at close from the round's own counter
 * table, which is then dropped (like the ballot's). An open round has no rows here.
 */
export interface EvaluationTally {
  roundId: string;
  projectId: string;
  satisfied: number;
  basicallySatisfied: number;
  dissatisfied: number;
  final: boolean;
}

export const EvaluationTallySchema = new EntitySchema<EvaluationTally>({
  name: 'EvaluationTally',
  tableName: 'evaluation_tallies',
  properties: {
    roundId: { type: 'uuid', primary: true },
    projectId: { type: 'uuid', primary: true, index: true },
    satisfied: { type: 'integer', default: 0 },
    basicallySatisfied: { type: 'integer', default: 0 },
    dissatisfied: { type: 'integer', default: 0 },
    final: { type: 'boolean', default: false },
  },
});
