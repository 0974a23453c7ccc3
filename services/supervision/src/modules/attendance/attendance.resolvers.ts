import type { Resolvers } from '../../generated/resolvers.ts';
import { officialLoader } from '../units/units.service.ts';

import {
  attendanceConnection,
  correctMeetingAttendance,
  listAttendance,
  recordMeetingAttendance,
  withdrawMeetingAttendance,
} from './attendance.service.ts';

export const attendanceResolvers: Resolvers = {
  Query: {
    attendance: (_, { regionCode, year }, ctx) => listAttendance(ctx, regionCode, year),
    attendanceConnection: (_, { regionCode, year, first, after }, ctx) =>
      attendanceConnection(ctx, first, after, regionCode, year),
  },
  Mutation: {
    recordMeetingAttendance: (_, { input }, ctx) => recordMeetingAttendance(ctx, input),
    correctMeetingAttendance: (_, { id, version, input, reason }, ctx) =>
      correctMeetingAttendance(ctx, id, version, input, reason),
    withdrawMeetingAttendance: (_, { id, version, reason }, ctx) => withdrawMeetingAttendance(ctx, id, version, reason),
  },
  MeetingAttendance: {
    // meeting_attendance_official_fk guarantees the official.
    official: async (row, _, ctx) => (await officialLoader(ctx).load(row.officialId))!,
  },
};
