import { DeferMode } from '@mikro-orm/core';
import { defineEntity, type InferEntity, p } from '@mikro-orm/postgresql';

export const programLevels = ['TOWNSHIP', 'COUNTY', 'CITY'] as const;
export type ProgramLevel = (typeof programLevels)[number];
export const programStages = ['SOLICITING', 'SCREENING', 'VOTING', 'IMPLEMENTING', 'EVALUATING', 'CLOSED'] as const;
export type ProgramStage = (typeof programStages)[number];

/** One year's livelihood-project vote of one congress. */
export const ProgramSchema = defineEntity({
  name: 'Program',
  tableName: 'programs',
  indexes: [
    {
      name: 'programs_region_code_prefix',
      expression:
        'create index "programs_region_code_prefix" on "voting"."programs" ("region_code" varchar_pattern_ops, "year")',
    },
    // 增量变更流: the feed reads (updated_at, id) windows (Migration20261130143004).
    { properties: ['updatedAt', 'id'] },
  ],
  properties: {
    id: p.uuid().primary(),
    regionCode: p.string().length(9),
    level: p.enum([...programLevels]).columnType('varchar(10)'),
    year: p.integer(),
    /** A session of the deputies subgraph: a plain id (federation's boundary). */
    sessionId: p.uuid().index(),
    /** The session's congress, from the deputies subgraph at creation: the roll is drawn from it. */
    congressId: p.uuid(),
    title: p.string().length(200),
    seats: p.integer(),
    stage: p.enum([...programStages]).columnType('varchar(12)'),
    createdAt: p.datetime(),
    /** 更正: the optimistic version a correction must name (issue 9). */
    version: p.integer().default(1),
    /** Kept by the feed trigger on every write (clock_timestamp()); the ORM never writes it. */
    updatedAt: p.datetime().defaultRaw('clock_timestamp()'),
  },
});
export type Program = InferEntity<typeof ProgramSchema>;

/** A project idea collected during solicitation. */
export const ProposalSchema = defineEntity({
  name: 'Proposal',
  tableName: 'proposals',
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
    title: p.string().length(200),
    description: p.text(),
    proposer: p.string().length(200),
    proposedAt: p.datetime(),
    /** 更正: the optimistic version a correction must name (issue 9). */
    version: p.integer().default(1),
    /** 撤回: set when staff withdraw the proposal; it then leaves the program's list. */
    withdrawnAt: p.datetime().nullable(),
  },
});
export type Proposal = InferEntity<typeof ProposalSchema>;
