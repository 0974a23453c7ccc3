import type { Resolvers } from '../../generated/resolvers.ts';
import { filingChanges, opinionItemChanges } from './feeds.service.ts';

/** 增量变更流: the registers' change feeds (`@renda/server-kit/feeds`). */
export const feedResolvers: Resolvers = {
  Query: {
    filingChanges: (_, args, ctx) => filingChanges(ctx, args),
    opinionItemChanges: (_, args, ctx) => opinionItemChanges(ctx, args),
  },
};
