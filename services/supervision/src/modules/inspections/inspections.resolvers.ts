import type { Resolvers } from '../../generated/resolvers.ts';
import { readable } from '../common/access.ts';
import { opinionsOf } from '../opinions/opinions.service.ts';

import {
  addInspectionOpinions,
  inspectionDeputies,
  inspectionLoader,
  inspectionMembers,
  inspectionsConnection,
  inspectionsOfPerson,
  listInspections,
  startInspection,
} from './inspections.service.ts';

export const inspectionResolvers: Resolvers = {
  Query: {
    inspections: (_, { regionCode, year }, ctx) => listInspections(ctx, regionCode, year),
    inspectionsConnection: (_, { regionCode, year, first, after }, ctx) =>
      inspectionsConnection(ctx, first, after, regionCode, year),
  },
  Mutation: {
    startInspection: (_, { input }, ctx) => startInspection(ctx, input),
    addInspectionOpinions: (_, { inspectionId, findings, items }, ctx) =>
      addInspectionOpinions(ctx, inspectionId, findings, items),
  },
  Deputy: {
    __resolveReference: (ref) => ({ id: ref.id }),
    inspections: (deputy, { year }, ctx) => inspectionsOfPerson(ctx, 'deputy', deputy.id, year),
  },
  CommitteeMember: {
    __resolveReference: (ref) => ({ id: ref.id }),
    inspections: (member, { year }, ctx) => inspectionsOfPerson(ctx, 'member', member.id, year),
  },
  LawInspection: {
    __resolveReference: async (ref, ctx) => readable(ctx.viewer, await inspectionLoader(ctx).load(ref.id)),
    region: (inspection) => ({ code: inspection.regionCode }),
    committeeMembers: (inspection, _, ctx) => inspectionMembers(ctx, inspection.id),
    deputies: (inspection, _, ctx) => inspectionDeputies(ctx, inspection.id),
    opinions: (inspection, _, ctx) => opinionsOf(ctx, inspection.id),
  },
};
