import { AuditEntry } from '@renda/server-kit/corrections';
import {
  BallotCandidateSchema,
  BallotParticipationSchema,
  BallotRollSchema,
  BallotSchema,
  BallotTallySchema,
} from './modules/ballots/ballot.entity.ts';
import {
  EvaluationGroupTallySchema,
  EvaluationMemberParticipationSchema,
  EvaluationMemberRollSchema,
} from './modules/evaluations/evaluation.entity.ts';
import {
  EvaluationItemSchema,
  EvaluationParticipationSchema,
  EvaluationRollSchema,
  EvaluationRoundSchema,
  EvaluationTallySchema,
} from './modules/evaluations/evaluation.entity.ts';
import { RoomConfirmationSchema, RoomCountSchema, RoomEntrySchema } from './modules/room-tallies/room-tally.entity.ts';
import { ProgramSchema, ProposalSchema } from './modules/programs/program.entity.ts';
import { ProgressReportSchema, ProjectSchema, ProjectSupervisorSchema } from './modules/projects/project.entity.ts';

export const entities = [
  ProgramSchema,
  ProposalSchema,
  ProjectSchema,
  ProgressReportSchema,
  ProjectSupervisorSchema,
  BallotSchema,
  BallotRollSchema,
  BallotParticipationSchema,
  BallotCandidateSchema,
  BallotTallySchema,
  EvaluationRoundSchema,
  EvaluationRollSchema,
  EvaluationParticipationSchema,
  EvaluationItemSchema,
  EvaluationTallySchema,
  EvaluationMemberRollSchema,
  EvaluationMemberParticipationSchema,
  EvaluationGroupTallySchema,
  RoomEntrySchema,
  RoomCountSchema,
  RoomConfirmationSchema,
  AuditEntry,
];
