import { DeferMode } from '@mikro-orm/core';
import { defineEntity, type InferEntity, p } from '@mikro-orm/postgresql';
import { ProgramSchema, ProposalSchema } from '../programs/program.entity.ts';

export const projectStatuses = ['CANDIDATE', 'ELECTED', 'NOT_ELECTED', 'IN_PROGRESS', 'COMPLETED'] as const;
export type ProjectStatus = (typeof projectStatuses)[number];

/** A candidate and, once elected, a livelihood project. */
export const ProjectSchema = defineEntity({
  name: 'Project',
  tableName: 'projects',
  indexes: [
    {
      name: 'projects_region_code_prefix',
      expression:
        'create index "projects_region_code_prefix" on "voting"."projects" ("region_code" varchar_pattern_ops, "year")',
    },
    { properties: ['leadUnitId', 'year'] },
    // 增量变更流: the feed reads (updated_at, id) windows (Migration20261130143004).
    { properties: ['updatedAt', 'id'] },
  ],
  uniques: [{ properties: ['proposalId'] }],
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
    /** The program's year, kept here so per-year lists and statistics need no join. */
    year: p.integer(),
    /** Order on the candidate list, from 1. */
    position: p.integer(),
    title: p.string().length(200),
    description: p.text(),
    /** Yuan, numeric(14,2), as a string. */
    budget: p.decimal().precision(14).scale(2),
    /** A unit of the supervision subgraph: a plain id. */
    leadUnitId: p.uuid(),
    status: p.enum([...projectStatuses]).columnType('varchar(12)'),
    rank: p.integer().nullable(),
    proposalId: () =>
      p
        .manyToOne(ProposalSchema)
        .mapToPk()
        .fieldName('proposal_id')
        .deferMode(DeferMode.INITIALLY_DEFERRED)
        .updateRule('no action')
        .deleteRule('no action')
        .nullable(),
    percentComplete: p.integer().default(0),
    /** Kept by the feed trigger on every write (clock_timestamp()); the ORM never writes it. */
    updatedAt: p.datetime().defaultRaw('clock_timestamp()'),
  },
});
export type Project = InferEntity<typeof ProjectSchema>;

/** 进展 a progress report of a project. */
export const ProgressReportSchema = defineEntity({
  name: 'ProgressReport',
  tableName: 'progress_reports',
  indexes: [{ properties: ['projectId', 'reportedOn'] }],
  properties: {
    id: p.uuid().primary(),
    projectId: () =>
      p
        .manyToOne(ProjectSchema)
        .mapToPk()
        .fieldName('project_id')
        .deferMode(DeferMode.INITIALLY_DEFERRED)
        .updateRule('no action')
        .deleteRule('no action'),
    regionCode: p.string().length(9),
    reportedOn: p.date(),
    percentComplete: p.integer(),
    spent: p.decimal().precision(14).scale(2),
    note: p.text(),
    recordedAt: p.datetime(),
    /** 更正: the optimistic version a correction must name (issue 9). */
    version: p.integer().default(1),
    /** 撤回: set when a report entered by mistake is withdrawn; it then leaves the project's progress. */
    withdrawnAt: p.datetime().nullable(),
  },
});
export type ProgressReport = InferEntity<typeof ProgressReportSchema>;

/** 监督小组 membership: one deputy in the supervision group of one project. */
export const ProjectSupervisorSchema = defineEntity({
  name: 'ProjectSupervisor',
  tableName: 'project_supervisors',
  properties: {
    projectId: () =>
      p
        .manyToOne(ProjectSchema)
        .mapToPk()
        .fieldName('project_id')
        .deferMode(DeferMode.INITIALLY_DEFERRED)
        .updateRule('no action')
        .deleteRule('no action')
        .primary(),
    /** A deputy of the deputies subgraph: a plain id. */
    deputyId: p.uuid().primary().index(),
    regionCode: p.string().length(9),
  },
});
