import { EntitySchema } from '@mikro-orm/postgresql';

export type ProjectStatus = 'CANDIDATE' | 'ELECTED' | 'NOT_ELECTED' | 'IN_PROGRESS' | 'COMPLETED';

/** A candidate and, once elected, a livelihood project. */
export interface Project {
  id: string;
  programId: string;
  regionCode: string;
  /** The program's year, kept here so per-year lists and statistics need no join. */
  year: number;
  /** Order on the candidate list, from 1. */
  position: number;
  title: string;
  description: string;
  /** Yuan, numeric(14,2), as a string. */
  budget: string;
  leadUnitId: string;
  status: ProjectStatus;
  rank: number | null;
  proposalId: string | null;
  percentComplete: number;
}

export const ProjectSchema = new EntitySchema<Project>({
  name: 'Project',
  tableName: 'projects',
  indexes: [
    {
      name: 'projects_region_code_prefix',
      expression:
        'create index "projects_region_code_prefix" on "voting"."projects" ("region_code" varchar_pattern_ops, "year")',
    },
    { properties: ['leadUnitId', 'year'] },
  ],
  uniques: [{ properties: ['proposalId'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    programId: { type: 'uuid', index: true },
    regionCode: { type: 'string', length: 9 },
    year: { type: 'integer' },
    position: { type: 'integer' },
    title: { type: 'string', length: 200 },
    description: { type: 'text' },
    budget: { type: 'decimal', precision: 14, scale: 2 },
    leadUnitId: { type: 'uuid' },
    status: { type: 'string', length: 12 },
    rank: { type: 'integer', nullable: true },
    proposalId: { type: 'uuid', nullable: true },
    percentComplete: { type: 'integer', default: 0 },
  },
});

export interface ProgressReport {
  id: string;
  projectId: string;
  regionCode: string;
  reportedOn: string;
  percentComplete: number;
  spent: string;
  note: string;
  recordedAt: Date;
}

export const ProgressReportSchema = new EntitySchema<ProgressReport>({
  name: 'ProgressReport',
  tableName: 'progress_reports',
  indexes: [{ properties: ['projectId', 'reportedOn'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    projectId: { type: 'uuid' },
    regionCode: { type: 'string', length: 9 },
    reportedOn: { type: 'date' },
    percentComplete: { type: 'integer' },
    spent: { type: 'decimal', precision: 14, scale: 2 },
    note: { type: 'text' },
    recordedAt: { type: 'datetime' },
  },
});

/** 监督小组 membership: one deputy in the supervision group of one project. */
export interface ProjectSupervisor {
  projectId: string;
  deputyId: string;
  regionCode: string;
}

export const ProjectSupervisorSchema = new EntitySchema<ProjectSupervisor>({
  name: 'ProjectSupervisor',
  tableName: 'project_supervisors',
  properties: {
    projectId: { type: 'uuid', primary: true },
    deputyId: { type: 'uuid', primary: true, index: true },
    regionCode: { type: 'string', length: 9 },
  },
});
