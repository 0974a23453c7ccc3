import type { Resolvers } from '../../generated/resolvers.ts';
import { readable } from '../common/access.ts';
import { unitOf } from '../units/units.service.ts';

import {
  closeOpinionItem,
  correctOpinionItem,
  isOverdueToday,
  itemLoader,
  listOpinionItems,
  opinionItemsConnection,
  overdueOpinionItems,
  overdueOpinionItemsConnection,
  reportOpinionItem,
} from './opinions.service.ts';

export const opinionResolvers: Resolvers = {
  Query: {
    overdueOpinionItems: (_, { regionCode }, ctx) => overdueOpinionItems(ctx, regionCode),
    overdueOpinionItemsConnection: (_, { regionCode, first, after }, ctx) =>
      overdueOpinionItemsConnection(ctx, first, after, regionCode),
    opinionItems: (_, { regionCode, status, unitId }, ctx) => listOpinionItems(ctx, regionCode, status, unitId),
    opinionItemsConnection: (_, { regionCode, status, unitId, first, after }, ctx) =>
      opinionItemsConnection(ctx, first, after, regionCode, status, unitId),
  },
  Mutation: {
    reportOpinionItem: (_, { itemId, on }, ctx) => reportOpinionItem(ctx, itemId, on),
    closeOpinionItem: (_, { itemId, on }, ctx) => closeOpinionItem(ctx, itemId, on),
    correctOpinionItem: (_, { id, version, input, reason }, ctx) => correctOpinionItem(ctx, id, version, input, reason),
  },
  OpinionItem: {
    __resolveReference: async (ref, ctx) => readable(ctx.viewer, await itemLoader(ctx).load(ref.id)),
    unit: (item, _, ctx) => unitOf(ctx, item.unitId),
    overdue: (item, _, ctx) => isOverdueToday(ctx, item),
  },
};
