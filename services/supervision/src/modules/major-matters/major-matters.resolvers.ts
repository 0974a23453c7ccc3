import type { Resolvers } from '../../generated/resolvers.ts';
import { readable } from '../common/access.ts';
import { unitOf } from '../units/units.service.ts';

import {
  decideMajorMatter,
  registerMajorMatter,
  listMajorMatters,
  majorMatterLoader,
  majorMattersConnection,
  reportMajorMatter,
} from './major-matters.service.ts';

export const majorMatterResolvers: Resolvers = {
  Query: {
    majorMatters: (_, { regionCode, year }, ctx) => listMajorMatters(ctx, regionCode, year),
    majorMattersConnection: (_, { regionCode, year, first, after }, ctx) =>
      majorMattersConnection(ctx, first, after, regionCode, year),
  },
  Mutation: {
    registerMajorMatter: (_, { input }, ctx) => registerMajorMatter(ctx, input),
    listMajorMatter: (_, { input }, ctx) => registerMajorMatter(ctx, input),
    reportMajorMatter: (_, { id, on }, ctx) => reportMajorMatter(ctx, id, on),
    decideMajorMatter: (_, { id, on }, ctx) => decideMajorMatter(ctx, id, on),
  },
  MajorMatter: {
    __resolveReference: async (ref, ctx) => readable(ctx.viewer, await majorMatterLoader(ctx).load(ref.id)),
    unit: (matter, _, ctx) => unitOf(ctx, matter.unitId),
    reportedBeforeDecision: (matter) => matter.reportedBeforeDecision ?? null,
  },
};
