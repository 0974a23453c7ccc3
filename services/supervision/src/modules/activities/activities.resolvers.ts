import type { Resolvers } from '../../generated/resolvers.ts';
import { readable } from '../common/access.ts';
import { unitOf } from '../units/units.service.ts';
import { opinionsOf } from '../opinions/opinions.service.ts';
import {
  activityDeputies,
  activityLoader,
  activityUnitIds,
  addActivityOpinions,
  holdActivity,
  listActivities,
  activitiesConnection,
} from './activities.service.ts';

export const activityResolvers: Resolvers = {
  Query: {
    activity: async (_, { id }, ctx) => readable(ctx.viewer, await activityLoader(ctx).load(id)),
    activities: (_, { regionCode, kind, year }, ctx) => listActivities(ctx, regionCode, kind, year),
    activitiesConnection: (_, { regionCode, kind, year, first, after }, ctx) =>
      activitiesConnection(ctx, first, after, regionCode, kind, year),
  },
  Mutation: {
    holdActivity: (_, { input }, ctx) => holdActivity(ctx, input),
    addActivityOpinions: (_, { activityId, findings, items }, ctx) =>
      addActivityOpinions(ctx, activityId, findings, items),
  },
  SupervisionActivity: {
    __resolveReference: async (ref, ctx) => readable(ctx.viewer, await activityLoader(ctx).load(ref.id)),
    region: (activity) => ({ code: activity.regionCode }),
    deputies: (activity, _, ctx) => activityDeputies(ctx, activity.id),
    governmentUnits: async (activity, _, ctx) =>
      Promise.all((await activityUnitIds(ctx, activity.id)).map((id) => unitOf(ctx, id))),
    opinions: (activity, _, ctx) => opinionsOf(ctx, activity.id),
  },
};
