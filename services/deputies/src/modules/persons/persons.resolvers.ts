import type { Resolvers } from '../../generated/resolvers.ts';
import { continuity, leadingCadresWithoutActivity, mandatesOf, personLoader } from './persons.service.ts';
import { referenced } from '../references.ts';

export const personResolvers: Resolvers = {
  Query: {
    person: (_, { id }, ctx) => personLoader(ctx).load(id),
  },
  Person: {
    __resolveReference: (ref, ctx) => personLoader(ctx).load(ref.id),
    mandates: (person, _, ctx) => mandatesOf(ctx, person.id),
  },
  Deputy: {
    person: async (deputy, _, ctx) => referenced(await personLoader(ctx).load(deputy.personId), "the deputy's person"),
  },
  Congress: {
    continuity: (congress, _, ctx) => continuity(ctx, congress),
    leadingCadresWithoutActivity: (congress, { year }, ctx) => leadingCadresWithoutActivity(ctx, congress, year),
  },
};
