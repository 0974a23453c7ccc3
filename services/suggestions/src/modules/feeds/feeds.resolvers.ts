import type { Resolvers } from '../../generated/resolvers.ts';
import { sheetChanges, suggestionChanges } from './feeds.service.ts';

/** 增量变更流: the registers' change feeds (`@renda/server-kit/feeds`). */
export const feedResolvers: Resolvers = {
  Query: {
    suggestionChanges: (_, args, ctx) => suggestionChanges(ctx, args),
    sheetChanges: (_, args, ctx) => sheetChanges(ctx, args),
  },
};
