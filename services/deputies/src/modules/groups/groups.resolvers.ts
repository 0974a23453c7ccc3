import type { Resolvers } from '../../generated/resolvers.ts';
import { groupActivity, reviewGroup } from './groups.service.ts';

export const groupResolvers: Resolvers = {
  Mutation: {
    reviewGroup: (_, { groupId, year, comment }, ctx) => reviewGroup(ctx, groupId, year, comment),
  },
  DeputyGroup: {
    activity: (group, { year }, ctx) => groupActivity(ctx, group, year),
  },
};
