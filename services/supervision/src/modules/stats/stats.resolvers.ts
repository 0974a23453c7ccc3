import type { Resolvers } from '../../generated/resolvers.ts';
import { supervisionFigures, supervisionStats } from './stats.service.ts';

export const statsResolvers: Resolvers = {
  Region: {
    supervisionStats: (region, { year }, ctx) => supervisionStats(ctx, region.code, year),
    supervisionFigures: (region, args, ctx) => supervisionFigures(ctx, region.code, args),
  },
};
