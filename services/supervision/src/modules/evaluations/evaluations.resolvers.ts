import type { Resolvers } from '../../generated/resolvers.ts';
import { readable } from '../common/access.ts';
import { tallyOf } from '../common/tally.ts';
import { opinionsOf } from '../opinions/opinions.service.ts';
import { unitOf } from '../units/units.service.ts';

import {
  evaluationLoader,
  evaluationsConnection,
  listEvaluations,
  recordEvaluationTally,
  startEvaluation,
} from './evaluations.service.ts';

export const evaluationResolvers: Resolvers = {
  Query: {
    evaluations: (_, { regionCode, year }, ctx) => listEvaluations(ctx, regionCode, year),
    evaluationsConnection: (_, { regionCode, year, first, after }, ctx) =>
      evaluationsConnection(ctx, first, after, regionCode, year),
  },
  Mutation: {
    startEvaluation: (_, { input }, ctx) => startEvaluation(ctx, input),
    recordEvaluationTally: (_, { evaluationId, tally, items }, ctx) =>
      recordEvaluationTally(ctx, evaluationId, tally, items),
  },
  WorkEvaluation: {
    __resolveReference: async (ref, ctx) => readable(ctx.viewer, await evaluationLoader(ctx).load(ref.id)),
    unit: (evaluation, _, ctx) => unitOf(ctx, evaluation.unitId),
    tally: (evaluation) => tallyOf(evaluation),
    opinions: (evaluation, _, ctx) => opinionsOf(ctx, evaluation.id),
  },
};
