import type { Resolvers } from '../../generated/resolvers.ts';
import { programChanges, projectChanges } from './feeds.service.ts';

/** 增量变更流: the registers' change feeds (`@renda/server-kit/feeds`). */
export const feedResolvers: Resolvers = {
  Query: {
    programChanges: (_, args, ctx) => programChanges(ctx, args),
    projectChanges: (_, args, ctx) => projectChanges(ctx, args),
  },
};
