import type { Resolvers } from '../../generated/resolvers.ts';
import { officialLoader } from '../units/units.service.ts';

import { attendanceConnection, listAttendance, recordMeetingAttendance } from './attendance.service.ts';

export const attendanceResolvers: Resolvers = {
  Query: {
    attendance: (_, { regionCode, year }, ctx) => listAttendance(ctx, regionCode, year),
    attendanceConnection: (_, { regionCode, year, first, after }, ctx) =>
      attendanceConnection(ctx, first, after, regionCode, year),
  },
  Mutation: {
    recordMeetingAttendance: (_, { input }, ctx) => recordMeetingAttendance(ctx, input),
  },
  MeetingAttendance: {
    // meeting_attendance_official_fk guarantees the official.
    official: async (row, _, ctx) => (await officialLoader(ctx).load(row.officialId))!,
  },
};
