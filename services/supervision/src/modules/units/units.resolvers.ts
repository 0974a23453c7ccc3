import type { Resolvers } from '../../generated/resolvers.ts';
import { satisfactionRate } from '../common/tally.ts';
import {
  createUnit,
  findOfficial,
  findUnit,
  listUnits,
  unitsConnection,
  officialsOf,
  recordPerformanceReview,
  reviewsOf,
  unitLoader,
  unitOf,
  unitsOfRegion,
} from './units.service.ts';

export const unitResolvers: Resolvers = {
  Query: {
    unit: (_, { id }, ctx) => findUnit(ctx, id),
    units: (_, { regionCode, kind }, ctx) => listUnits(ctx, regionCode, kind),
    unitsConnection: (_, { regionCode, kind, first, after }, ctx) =>
      unitsConnection(ctx, first, after, regionCode, kind),
    official: (_, { id }, ctx) => findOfficial(ctx, id),
  },
  Mutation: {
    createUnit: (_, { input }, ctx) => createUnit(ctx, input),
    recordPerformanceReview: (_, { officialId, year, reportSummary, tally }, ctx) =>
      recordPerformanceReview(ctx, officialId, year, reportSummary, tally),
  },
  Region: {
    __resolveReference: (ref) => ({ code: ref.code }),
    units: (region, _, ctx) => unitsOfRegion(ctx, region.code),
  },
  GovernmentUnit: {
    __resolveReference: (ref, ctx) => unitLoader(ctx).load(ref.id),
    region: (unit) => ({ code: unit.regionCode }),
    parent: (unit, _, ctx) => (unit.parentId ? unitLoader(ctx).load(unit.parentId) : null),
    officials: (unit, _, ctx) => officialsOf(ctx, unit),
  },
  Official: {
    __resolveReference: (ref, ctx) => findOfficial(ctx, ref.id),
    unit: (official, _, ctx) => unitOf(ctx, official.unitId),
    reviews: (official, _, ctx) => reviewsOf(ctx, official),
  },
  PerformanceReview: {
    tally: (review) => review,
  },
  SatisfactionTally: {
    rate: (tally) => satisfactionRate(tally),
  },
};
