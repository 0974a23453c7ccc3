import type { Resolvers } from '../../generated/resolvers.ts';
import { refKey } from '../federation/representation-key.ts';
import { programLoader } from '../programs/programs.service.ts';
import { projectLoader } from '../projects/projects.service.ts';
import {
  closeEvaluation,
  groupTalliesOf,
  openEvaluation,
  rateProjects,
  ratersOf,
  rollSizesOf,
  roundLoader,
  viewerHasResponded,
} from './evaluations.service.ts';

export const evaluationResolvers: Resolvers = {
  Query: {
    evaluationRound: (_, { id }, ctx) => roundLoader(ctx).load(id),
  },
  Mutation: {
    openEvaluation: (_, { programId, rollDeputyIds, raters, committeeMemberIds, sessionId }, ctx) =>
      openEvaluation(ctx, programId, rollDeputyIds, { raters, committeeMemberIds, sessionId }),
    rateProjects: (_, { roundId, ratings }, ctx) => rateProjects(ctx, roundId, ratings),
    closeEvaluation: (_, { roundId }, ctx) => closeEvaluation(ctx, roundId),
  },
  EvaluationRound: {
    __resolveReference: (ref, ctx) => roundLoader(ctx).load(refKey(ref, 'id', 'EvaluationRound')),
    program: async (round, _, ctx) => (await programLoader(ctx).load(round.programId))!,
    hasResponded: (round, _, ctx) => viewerHasResponded(ctx, round.id),
    raters: (round) => ratersOf(round),
    session: (round) => (round.sessionId ? { id: round.sessionId } : null),
    rollSizes: (round, _, ctx) => rollSizesOf(ctx, round),
    groupResults: (round, _, ctx) => (round.status === 'OPEN' ? null : groupTalliesOf(ctx, round.id)),
  },
  GroupSatisfaction: {
    project: async (t, _, ctx) => (await projectLoader(ctx).load(t.projectId))!,
    raters: (t) => t.raterGroup,
    tally: ({ roundId, projectId, satisfied, basicallySatisfied, dissatisfied }) => ({
      roundId,
      projectId,
      satisfied,
      basicallySatisfied,
      dissatisfied,
      final: true,
    }),
  },
};
