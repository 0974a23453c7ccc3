import type { Resolvers } from '../../generated/resolvers.ts';
import { contactChanges, deputyChanges, exportLinks } from './feeds.service.ts';

/** 增量变更流: the registers' change feeds (`@renda/server-kit/feeds`); 开放数据 links of the exports. */
export const feedResolvers: Resolvers = {
  Query: {
    deputyChanges: (_, args, ctx) => deputyChanges(ctx, args),
    contactChanges: (_, args, ctx) => contactChanges(ctx, args),
    exportLinks: (_, { regionCode, year }, ctx) => exportLinks(ctx, regionCode, year),
  },
};
