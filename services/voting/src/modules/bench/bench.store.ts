import type { EntityManager } from '@mikro-orm/postgresql';
import { sqlTable } from '@renda/db/tables';
import type { CopyStep } from '@renda/server-kit/bench-copies';
import {
  BallotCandidateSchema,
  BallotParticipationSchema,
  BallotRollSchema,
  BallotSchema,
  BallotTallySchema,
} from '../ballots/ballot.entity.ts';
import {
  EvaluationGroupTallySchema,
  EvaluationItemSchema,
  EvaluationMemberParticipationSchema,
  EvaluationMemberRollSchema,
  EvaluationParticipationSchema,
  EvaluationRollSchema,
  EvaluationRoundSchema,
  EvaluationTallySchema,
} from '../evaluations/evaluation.entity.ts';
import { ProgramSchema, ProposalSchema } from '../programs/program.entity.ts';
import { ProgressReportSchema, ProjectSchema, ProjectSupervisorSchema } from '../projects/project.entity.ts';

/**
 * The copies of the benchmark's voting template (`bench-data.ts`) into every region of `regions`
 * (`createProvinceRegions`) whose template region has programs: each of them, with its proposals, projects,
 * ballots (roll, participation, candidates, tallies), progress reports, supervisors and evaluation rounds (rolls,
 * participation, items, tallies). The ids of the deputies subgraph's rows (sessions, congresses, deputies on the
 * rolls) and the supervision subgraph's (lead units) are the template's: plain ids across the federation's
 * boundary.
 */
export function programCopySteps(em: EntityManager, regions: string, templatePrefix: string): CopyStep[] {
  const programs = sqlTable(em, ProgramSchema);
  const region = ['region_code'];
  const ofBallot = { column: 'ballot_id', map: 'ballots' };
  const ofRound = { column: 'round_id', map: 'rounds' };
  const project = { map: 'projects' };
  return [
    {
      table: programs,
      map: 'programs',
      roots: `select t.id as old, r.n as copy, r.code as region, gen_random_uuid() as new
        from ${programs} t join (select code, template, row_number() over (order by code) as n from ${regions}) r
        on r.template = t.region_code`,
      template: `select id as old from ${programs} where region_code like '${templatePrefix.replace(/\D/g, '')}%'`,
      region,
    },
    {
      table: sqlTable(em, ProposalSchema),
      map: 'proposals',
      follows: { column: 'program_id', map: 'programs' },
      region,
    },
    {
      table: sqlTable(em, ProjectSchema),
      map: 'projects',
      follows: { column: 'program_id', map: 'programs' },
      refs: { proposal_id: { map: 'proposals' } },
      region,
    },
    {
      table: sqlTable(em, ProgressReportSchema),
      map: 'progress',
      follows: { column: 'project_id', map: 'projects' },
      region,
    },
    { table: sqlTable(em, ProjectSupervisorSchema), follows: { column: 'project_id', map: 'projects' }, region },
    { table: sqlTable(em, BallotSchema), map: 'ballots', follows: { column: 'program_id', map: 'programs' }, region },
    { table: sqlTable(em, BallotRollSchema), follows: ofBallot },
    { table: sqlTable(em, BallotParticipationSchema), follows: ofBallot },
    { table: sqlTable(em, BallotCandidateSchema), follows: ofBallot, refs: { candidate_id: project } },
    { table: sqlTable(em, BallotTallySchema), follows: ofBallot, refs: { candidate_id: project } },
    {
      table: sqlTable(em, EvaluationRoundSchema),
      map: 'rounds',
      follows: { column: 'program_id', map: 'programs' },
      region,
    },
    { table: sqlTable(em, EvaluationRollSchema), follows: ofRound },
    { table: sqlTable(em, EvaluationParticipationSchema), follows: ofRound },
    { table: sqlTable(em, EvaluationMemberRollSchema), follows: ofRound },
    { table: sqlTable(em, EvaluationMemberParticipationSchema), follows: ofRound },
    { table: sqlTable(em, EvaluationItemSchema), follows: ofRound, refs: { project_id: project } },
    { table: sqlTable(em, EvaluationTallySchema), follows: ofRound, refs: { project_id: project } },
    { table: sqlTable(em, EvaluationGroupTallySchema), follows: ofRound, refs: { project_id: project } },
  ];
}

/** The tables counted and vacuumed after the copies. */
export const benchTables = (em: EntityManager) => ({
  programs: sqlTable(em, ProgramSchema),
  ballots: sqlTable(em, BallotSchema),
  rounds: sqlTable(em, EvaluationRoundSchema),
  tallies: sqlTable(em, EvaluationTallySchema),
});
