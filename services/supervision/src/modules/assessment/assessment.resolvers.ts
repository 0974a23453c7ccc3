import type { Resolvers } from '../../generated/resolvers.ts';
import { unitOf } from '../units/units.service.ts';
import { unitAssessments } from './assessment.service.ts';

export const assessmentResolvers: Resolvers = {
  Query: {
    unitAssessments: (_, { regionCode, year, asOf }, ctx) => unitAssessments(ctx, regionCode, year, asOf),
  },
  UnitSupervisionAssessment: {
    unit: (assessment, _, ctx) => unitOf(ctx, assessment.unitId),
  },
};
