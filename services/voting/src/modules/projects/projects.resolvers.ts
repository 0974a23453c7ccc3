import type { Resolvers } from '../../generated/resolvers.ts';
import { refKey } from '../federation/representation-key.ts';
import { programLoader } from '../programs/programs.service.ts';
import { correctProgressReport, withdrawProgressReport } from './progress-corrections.ts';
import {
  assignSupervisors,
  progressOf,
  projectLoader,
  reportProgress,
  satisfactionOf,
  satisfactionRate,
  supervisorIdsOf,
} from './projects.service.ts';

export const projectResolvers: Resolvers = {
  Query: {
    project: (_, { id }, ctx) => projectLoader(ctx).load(id),
  },
  Mutation: {
    reportProgress: (_, { projectId, input }, ctx) => reportProgress(ctx, projectId, input),
    assignSupervisors: (_, { projectId, deputyIds }, ctx) => assignSupervisors(ctx, projectId, deputyIds),
    correctProgressReport: (_, { id, version, input, reason }, ctx) =>
      correctProgressReport(ctx, id, version, input, reason),
    withdrawProgressReport: (_, { id, version, reason }, ctx) => withdrawProgressReport(ctx, id, version, reason),
  },
  LivelihoodProject: {
    __resolveReference: (ref, ctx) => projectLoader(ctx).load(refKey(ref, 'id', 'LivelihoodProject')),
    program: async (project, _, ctx) => (await programLoader(ctx).load(project.programId))!,
    leadUnit: (project) => ({ id: project.leadUnitId }),
    progress: (project, _, ctx) => progressOf(ctx, project.id),
    supervisors: async (project, _, ctx) => (await supervisorIdsOf(ctx, project.id)).map((id) => ({ id })),
    satisfaction: (project, _, ctx) => satisfactionOf(ctx, project.id),
  },
  SatisfactionTally: {
    rate: (tally) => satisfactionRate(tally),
  },
};
