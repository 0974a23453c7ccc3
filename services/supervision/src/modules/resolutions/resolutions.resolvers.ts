import type { Resolvers } from '../../generated/resolvers.ts';
import { opinionsOf } from '../opinions/opinions.service.ts';
import {
  addResolutionTasks,
  adoptResolution,
  isCarriedOut,
  listResolutions,
  resolutionsConnection,
  readableResolution,
  resolutionLoader,
} from './resolutions.service.ts';

export const resolutionResolvers: Resolvers = {
  Query: {
    resolution: async (_, { id }, ctx) => readableResolution(ctx, await resolutionLoader(ctx).load(id)),
    resolutions: (_, { regionCode, year }, ctx) => listResolutions(ctx, regionCode, year),
    resolutionsConnection: (_, { regionCode, year, first, after }, ctx) =>
      resolutionsConnection(ctx, first, after, regionCode, year),
  },
  Mutation: {
    adoptResolution: (_, { input }, ctx) => adoptResolution(ctx, input),
    addResolutionTasks: (_, { resolutionId, tasks }, ctx) => addResolutionTasks(ctx, resolutionId, tasks),
  },
  Resolution: {
    __resolveReference: async (ref, ctx) => readableResolution(ctx, await resolutionLoader(ctx).load(ref.id)),
    region: (resolution) => ({ code: resolution.regionCode }),
    tasks: (resolution, _, ctx) => opinionsOf(ctx, resolution.id),
    carriedOut: (resolution, _, ctx) => isCarriedOut(ctx, resolution.id),
  },
};
