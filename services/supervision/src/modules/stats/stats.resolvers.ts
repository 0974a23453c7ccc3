import type { Resolvers } from '../../generated/resolvers.ts';
import { supervisionStats } from './stats.service.ts';

export const statsResolvers: Resolvers = {
  Region: {
    supervisionStats: (region, { year }, ctx) => supervisionStats(ctx, region.code, year),
  },
};
