import type { Resolvers } from '../../generated/resolvers.ts';
import { refKey } from '../refs.ts';
import { programLoader } from '../programs/programs.service.ts';
import { closeEvaluation, hasResponded, openEvaluation, rateProjects, roundLoader } from './evaluations.service.ts';

export const evaluationResolvers: Resolvers = {
  Query: {
    evaluationRound: (_, { id }, ctx) => roundLoader(ctx).load(id),
  },
  Mutation: {
    openEvaluation: (_, { programId, rollDeputyIds }, ctx) => openEvaluation(ctx, programId, rollDeputyIds),
    rateProjects: (_, { roundId, ratings }, ctx) => rateProjects(ctx, roundId, ratings),
    closeEvaluation: (_, { roundId }, ctx) => closeEvaluation(ctx, roundId),
  },
  EvaluationRound: {
    __resolveReference: (ref, ctx) => roundLoader(ctx).load(refKey(ref, 'id', 'EvaluationRound')),
    program: async (round, _, ctx) => (await programLoader(ctx).load(round.programId))!,
    hasResponded: (round, _, ctx) => (ctx.viewer?.role === 'DEPUTY' && ctx.viewer.deputy ? hasResponded(ctx, round.id, ctx.viewer.deputy) : false),
  },
};
