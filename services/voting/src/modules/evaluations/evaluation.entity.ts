import { DeferMode } from '@mikro-orm/core';
import { defineEntity, type InferEntity, p } from '@mikro-orm/postgresql';
import { ballotStatuses } from '../ballots/ballot.entity.ts';
import { ProgramSchema } from '../programs/program.entity.ts';
import { ProjectSchema } from '../projects/project.entity.ts';

/** 测评主体 (V-7). */
export const raterGroups = ['DEPUTIES', 'COMMITTEE_MEMBERS', 'SUPERVISION_GROUP'] as const;
export type RaterGroup = (typeof raterGroups)[number];
/** The groups a deputy on the roll rates in (committee members have a roll of their own). */
const deputyRaterGroups = ['DEPUTIES', 'SUPERVISION_GROUP'] as const;

/** 满意度测评 round: anonymous like the ballot (participation and per-project counters only). */
export const EvaluationRoundSchema = defineEntity({
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
    // F-1: a subtree's closed rounds by closing instant (Migration20261130200100).
    {
      name: 'evaluation_rounds_closed_in_subtree',
      expression: `create index "evaluation_rounds_closed_in_subtree" on "voting"."evaluation_rounds" ("region_code" varchar_pattern_ops, "closed_at") include ("status", "id")`,
    },
    {
      // F-1: the rounds closed in the month the figures read from the base rows (Migration20261201030000).
      name: 'evaluation_rounds_closed_at',
      expression: `create index "evaluation_rounds_closed_at" on "voting"."evaluation_rounds" ("closed_at") include ("region_code", "status", "id")`,
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
    /** The program's year (the year the rated projects were carried out). */
    year: p.integer(),
    status: p.enum([...ballotStatuses]).columnType('varchar(6)'),
    rollSize: p.integer(),
    responses: p.integer().default(0),
    openedAt: p.datetime(),
    closedAt: p.datetime().nullable(),
    /** V-7: the session that hears the report (deputies subgraph, plain id); null for older rounds. */
    sessionId: p.uuid().nullable(),
    /** V-7: the rater groups, comma-separated in `raterGroups` order (e.g. `DEPUTIES,SUPERVISION_GROUP`). */
    raters: p.string().length(64).default('DEPUTIES'),
  },
});
export type EvaluationRound = InferEntity<typeof EvaluationRoundSchema>;

const roundRef = () =>
  p
    .manyToOne(EvaluationRoundSchema)
    .mapToPk()
    .fieldName('round_id')
    .deferMode(DeferMode.INITIALLY_DEFERRED)
    .updateRule('no action')
    .deleteRule('no action')
    .primary();
const projectRef = () =>
  p
    .manyToOne(ProjectSchema)
    .mapToPk()
    .fieldName('project_id')
    .deferMode(DeferMode.INITIALLY_DEFERRED)
    .updateRule('no action')
    .deleteRule('no action')
    .primary();

/** A deputy entitled to rate, and the group they rate in (DEPUTIES or SUPERVISION_GROUP). */
export const EvaluationRollSchema = defineEntity({
  name: 'EvaluationRollEntry',
  tableName: 'evaluation_roll',
  properties: {
    roundId: roundRef,
    deputyId: p.uuid().primary(),
    raterGroup: p
      .enum([...deputyRaterGroups])
      .columnType('varchar(17)')
      .default('DEPUTIES'),
  },
});

/** V-7: a standing-committee member entitled to rate (COMMITTEE_MEMBERS). */
export const EvaluationMemberRollSchema = defineEntity({
  name: 'EvaluationMemberRollEntry',
  tableName: 'evaluation_member_roll',
  properties: {
    roundId: roundRef,
    memberId: p.uuid().primary(),
  },
});

/** Which committee members have responded: the two ids and nothing else. */
export const EvaluationMemberParticipationSchema = defineEntity({
  name: 'EvaluationMemberParticipation',
  tableName: 'evaluation_member_participation',
  properties: {
    roundId: roundRef,
    memberId: p.uuid().primary(),
  },
});

/** Who has responded: the two ids and nothing else. */
export const EvaluationParticipationSchema = defineEntity({
  name: 'EvaluationParticipation',
  tableName: 'evaluation_participation',
  properties: {
    roundId: roundRef,
    deputyId: p.uuid().primary().index(),
  },
});

/** The rating form: the projects a round rates, written when it opens, never updated. */
export const EvaluationItemSchema = defineEntity({
  name: 'EvaluationItem',
  tableName: 'evaluation_items',
  properties: {
    roundId: roundRef,
    projectId: projectRef,
  },
});
export type EvaluationItem = InferEntity<typeof EvaluationItemSchema>;

/**
 * Per-project rating totals of a closed round, inserted once at close from the round's own counter
 * table, which is then dropped (like the ballot's). An open round has no rows here.
 */
export const EvaluationTallySchema = defineEntity({
  name: 'EvaluationTally',
  tableName: 'evaluation_tallies',
  indexes: [
    // F-1: a round's ratings read from the index alone by the figures (Migration20261130200100).
    {
      name: 'evaluation_tallies_round_ratings',
      expression:
        'create index "evaluation_tallies_round_ratings" on "voting"."evaluation_tallies" ("round_id") include ("satisfied", "basically_satisfied", "dissatisfied")',
    },
  ],
  properties: {
    roundId: roundRef,
    projectId: () => projectRef().index(),
    satisfied: p.integer().default(0),
    basicallySatisfied: p.integer().default(0),
    dissatisfied: p.integer().default(0),
    final: p.boolean().default(false),
  },
});
export type EvaluationTally = InferEntity<typeof EvaluationTallySchema>;

/** V-7: one rater group's totals for a project in a closed round, inserted once at close (never updated). */
export const EvaluationGroupTallySchema = defineEntity({
  name: 'EvaluationGroupTally',
  tableName: 'evaluation_group_tallies',
  properties: {
    roundId: roundRef,
    projectId: projectRef,
    raterGroup: p
      .enum([...raterGroups])
      .columnType('varchar(17)')
      .primary(),
    satisfied: p.integer(),
    basicallySatisfied: p.integer(),
    dissatisfied: p.integer(),
  },
});
export type EvaluationGroupTally = InferEntity<typeof EvaluationGroupTallySchema>;
