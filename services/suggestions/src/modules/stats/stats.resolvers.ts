import type { Resolvers } from '../../generated/resolvers.ts';
import { refKey } from '../refs.ts';
import {
  overdueByUnit,
  regionStats,
  suggestionFigures,
  suggestionFiguresByCategory,
  unitRanking,
  unitStats,
} from './stats.service.ts';

export const statsResolvers: Resolvers = {
  Query: {
    unitRanking: (_, { regionCode, year }, ctx) => unitRanking(ctx, regionCode, year),
  },
  Region: {
    __resolveReference: (ref) => ({ code: refKey(ref, 'code', 'Region') }),
    suggestionStats: (region, { year }, ctx) => regionStats(ctx, region.code, year),
    suggestionFigures: (region, args, ctx) => suggestionFigures(ctx, region.code, args),
    suggestionFiguresByCategory: (region, args, ctx) => suggestionFiguresByCategory(ctx, region.code, args),
    overdueByUnit: (region, args, ctx) => overdueByUnit(ctx, region.code, args),
  },
  GovernmentUnit: {
    suggestionStats: (unit, { year }, ctx) => unitStats(ctx, unit.id, year),
  },
  UnitOverdue: {
    unit: (row) => ({ id: row.unitId }),
  },
  UnitRanking: {
    unit: (ranking) => ({ id: ranking.unitId }),
  },
};
