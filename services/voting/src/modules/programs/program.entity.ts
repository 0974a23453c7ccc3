import { EntitySchema } from '@mikro-orm/postgresql';

export type ProgramLevel = 'TOWNSHIP' | 'COUNTY' | 'CITY';
export type ProgramStage = 'SOLICITING' | 'SCREENING' | 'VOTING' | 'IMPLEMENTING' | 'EVALUATING' | 'CLOSED';

/** One year's livelihood-project vote of one congress. */
export interface Program {
  id: string;
  regionCode: string;
  level: ProgramLevel;
  year: number;
  sessionId: string;
  /** The session's congress, from the deputies subgraph at creation: the roll is drawn from it. */
  congressId: string;
  title: string;
  seats: number;
  stage: ProgramStage;
  createdAt: Date;
}

export const ProgramSchema = new EntitySchema<Program>({
  name: 'Program',
  tableName: 'programs',
  indexes: [
    {
      name: 'programs_region_code_prefix',
      expression:
        'create index "programs_region_code_prefix" on "voting"."programs" ("region_code" varchar_pattern_ops, "year")',
    },
  ],
  properties: {
    id: { type: 'uuid', primary: true },
    regionCode: { type: 'string', length: 9 },
    level: { type: 'string', length: 10 },
    year: { type: 'integer' },
    sessionId: { type: 'uuid', index: true },
    congressId: { type: 'uuid' },
    title: { type: 'string', length: 200 },
    seats: { type: 'integer' },
    stage: { type: 'string', length: 12 },
    createdAt: { type: 'datetime' },
  },
});

/** A project idea collected during solicitation. */
export interface Proposal {
  id: string;
  programId: string;
  regionCode: string;
  title: string;
  description: string;
  proposer: string;
  proposedAt: Date;
}

export const ProposalSchema = new EntitySchema<Proposal>({
  name: 'Proposal',
  tableName: 'proposals',
  properties: {
    id: { type: 'uuid', primary: true },
    programId: { type: 'uuid', index: true },
    regionCode: { type: 'string', length: 9 },
    title: { type: 'string', length: 200 },
    description: { type: 'text' },
    proposer: { type: 'string', length: 200 },
    proposedAt: { type: 'datetime' },
  },
});
