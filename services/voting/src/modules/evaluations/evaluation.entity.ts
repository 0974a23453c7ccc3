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
  /** V-7: the session that hears the report; null for rounds opened before rounds had one. */
  sessionId: string | null;
  /** V-7: the rater groups, comma-separated in `raterGroups` order (e.g. `DEPUTIES,SUPERVISION_GROUP`). */
  raters: string;
}

/** 测评主体 (V-7). */
export const raterGroups = ['DEPUTIES', 'COMMITTEE_MEMBERS', 'SUPERVISION_GROUP'] as const;
export type RaterGroup = (typeof raterGroups)[number];

export const EvaluationRoundSchema = new EntitySchema<EvaluationRound>({
  name: 'EvaluationRound',
  tableName: 'evaluation_rounds',
  indexes: [
    {
      name: 'evaluation_rounds_region_code_prefix',
      expression:
        'create index "evaluation_rounds_region_code_prefix" on "voting"."evaluation_rounds" ("region_code" varchar_pattern_ops, "year")',
    },
    {
      name: 'evaluation_rounds_one_open_per_program',
      expression: `create unique index "evaluation_rounds_one_open_per_program" on "voting"."evaluation_rounds" ("program_id") where "status" = 'OPEN'`,
    },
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
    sessionId: { type: 'uuid', nullable: true },
    raters: { type: 'string', length: 64, default: 'DEPUTIES' },
  },
});

/** A deputy entitled to rate, and the group they rate in (DEPUTIES or SUPERVISION_GROUP). */
export interface EvaluationRollEntry {
  roundId: string;
  deputyId: string;
  raterGroup: 'DEPUTIES' | 'SUPERVISION_GROUP';
}

export const EvaluationRollSchema = new EntitySchema<EvaluationRollEntry>({
  name: 'EvaluationRollEntry',
  tableName: 'evaluation_roll',
  properties: {
    roundId: { type: 'uuid', primary: true },
    deputyId: { type: 'uuid', primary: true },
    raterGroup: { type: 'string', length: 17, default: 'DEPUTIES' },
  },
});

/** V-7: a standing-committee member entitled to rate (COMMITTEE_MEMBERS). */
export interface EvaluationMemberRollEntry {
  roundId: string;
  memberId: string;
}

export const EvaluationMemberRollSchema = new EntitySchema<EvaluationMemberRollEntry>({
  name: 'EvaluationMemberRollEntry',
  tableName: 'evaluation_member_roll',
  properties: {
    roundId: { type: 'uuid', primary: true },
    memberId: { type: 'uuid', primary: true },
  },
});

/** Which committee members have responded: the two ids and nothing else. */
export interface EvaluationMemberParticipation {
  roundId: string;
  memberId: string;
}

export const EvaluationMemberParticipationSchema = new EntitySchema<EvaluationMemberParticipation>({
  name: 'EvaluationMemberParticipation',
  tableName: 'evaluation_member_participation',
  properties: {
    roundId: { type: 'uuid', primary: true },
    memberId: { type: 'uuid', primary: true },
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

/** V-7: one rater group's totals for a project in a closed round, inserted once at close (never updated). */
export interface EvaluationGroupTally {
  roundId: string;
  projectId: string;
  raterGroup: RaterGroup;
  satisfied: number;
  basicallySatisfied: number;
  dissatisfied: number;
}

export const EvaluationGroupTallySchema = new EntitySchema<EvaluationGroupTally>({
  name: 'EvaluationGroupTally',
  tableName: 'evaluation_group_tallies',
  properties: {
    roundId: { type: 'uuid', primary: true },
    projectId: { type: 'uuid', primary: true },
    raterGroup: { type: 'string', length: 17, primary: true },
    satisfied: { type: 'integer' },
    basicallySatisfied: { type: 'integer' },
    dissatisfied: { type: 'integer' },
  },
});
