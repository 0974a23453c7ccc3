import type { Resolvers } from '../../generated/resolvers.ts';
import { readable } from '../common/access.ts';
import { officialLoader, unitOf } from '../units/units.service.ts';
import {
  listMotions,
  motionsConnection,
  motionLoader,
  recordExam,
  recordMotionVote,
  recordOath,
  submitMotion,
} from './appointments.service.ts';

export const appointmentResolvers: Resolvers = {
  Query: {
    motion: async (_, { id }, ctx) => readable(ctx.viewer, await motionLoader(ctx).load(id)),
    motions: (_, { regionCode, year, status }, ctx) => listMotions(ctx, regionCode, year, status),
    motionsConnection: (_, { regionCode, year, status, first, after }, ctx) =>
      motionsConnection(ctx, first, after, regionCode, year, status),
  },
  Mutation: {
    submitMotion: (_, { input }, ctx) => submitMotion(ctx, input),
    recordExam: (_, { motionId, score, statement }, ctx) => recordExam(ctx, motionId, score, statement),
    recordMotionVote: (_, { motionId, input }, ctx) => recordMotionVote(ctx, motionId, input),
    recordOath: (_, { motionId, on }, ctx) => recordOath(ctx, motionId, on),
  },
  AppointmentMotion: {
    __resolveReference: async (ref, ctx) => readable(ctx.viewer, await motionLoader(ctx).load(ref.id)),
    unit: (motion, _, ctx) => unitOf(ctx, motion.unitId),
    official: (motion, _, ctx) => (motion.officialId ? officialLoader(ctx).load(motion.officialId) : null),
  },
};
