import type { Resolvers } from '../../generated/resolvers.ts';
import { readable } from '../common/access.ts';
import { unitOf } from '../units/units.service.ts';
import {
  answerInquiry,
  concludeInquiry,
  fileInquiry,
  inquiriesConnection,
  inquiryLoader,
  listInquiries,
} from './inquiries.service.ts';

export const inquiryResolvers: Resolvers = {
  Query: {
    inquiries: (_, { regionCode, year }, ctx) => listInquiries(ctx, regionCode, year),
    inquiriesConnection: (_, { regionCode, year, first, after }, ctx) =>
      inquiriesConnection(ctx, first, after, regionCode, year),
  },
  Mutation: {
    fileInquiry: (_, { input }, ctx) => fileInquiry(ctx, input),
    answerInquiry: (_, { id, answer, on }, ctx) => answerInquiry(ctx, id, answer, on),
    concludeInquiry: (_, { id, satisfied }, ctx) => concludeInquiry(ctx, id, satisfied),
  },
  Inquiry: {
    __resolveReference: async (ref, ctx) => readable(ctx.viewer, await inquiryLoader(ctx).load(ref.id)),
    unit: (inquiry, _, ctx) => unitOf(ctx, inquiry.unitId),
  },
};
