import type { Resolvers } from '../../generated/resolvers.ts';
import { correctGroupReview, groupActivity, reviewGroup } from './groups.service.ts';

export const groupResolvers: Resolvers = {
  Mutation: {
    reviewGroup: (_, { groupId, year, comment }, ctx) => reviewGroup(ctx, groupId, year, comment),
    correctGroupReview: (_, { groupId, year, version, comment, reason }, ctx) =>
      correctGroupReview(ctx, groupId, year, version, comment, reason),
  },
  DeputyGroup: {
    activity: (group, { year }, ctx) => groupActivity(ctx, group, year),
  },
};
