import type { Resolvers } from '../../generated/resolvers.ts';
import { contactChanges, deputyChanges } from './feeds.service.ts';

/** 增量变更流: the registers' change feeds (`@renda/server-kit/feeds`). */
export const feedResolvers: Resolvers = {
  Query: {
    deputyChanges: (_, args, ctx) => deputyChanges(ctx, args),
    contactChanges: (_, args, ctx) => contactChanges(ctx, args),
  },
};
