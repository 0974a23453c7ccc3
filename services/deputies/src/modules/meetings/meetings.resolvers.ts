import type { Resolvers } from '../../generated/resolvers.ts';
import { congressLoader } from '../regions/regions.service.ts';
import { memberLoader, requireContactReader } from '../liaison/liaison.service.ts';
import {
  correctCommitteeAttendance,
  createCommitteeMeeting,
  meetingAbsences,
  meetingAttendance,
  meetingsOf,
  membersToResign,
  recordCommitteeAttendance,
  withdrawCommitteeAttendance,
} from './meetings.service.ts';
import { referenced } from '../references.ts';

export const meetingResolvers: Resolvers = {
  Mutation: {
    createCommitteeMeeting: (_, { input }, ctx) => createCommitteeMeeting(ctx, input),
    recordCommitteeAttendance: (_, { input }, ctx) => recordCommitteeAttendance(ctx, input),
    correctCommitteeAttendance: (_, { id, version, input, reason }, ctx) =>
      correctCommitteeAttendance(ctx, id, version, input, reason),
    withdrawCommitteeAttendance: (_, { id, version, reason }, ctx) =>
      withdrawCommitteeAttendance(ctx, id, version, reason),
  },
  Congress: {
    committeeMeetings: (congress, { year }, ctx) => meetingsOf(ctx, congress.id, year),
    committeeMembersToResign: (congress, { year }, ctx) => {
      requireContactReader(ctx.viewer, congress.regionCode);
      return membersToResign(ctx, congress.id, year);
    },
  },
  CommitteeMember: {
    meetingAbsences: (member, { year }, ctx) => {
      requireContactReader(ctx.viewer, member.regionCode);
      return meetingAbsences(ctx, member.id, year);
    },
  },
  CommitteeMeeting: {
    congress: async (meeting, _, ctx) =>
      referenced(await congressLoader(ctx).load(meeting.congressId), "the meeting's congress"),
    attendance: (meeting, _, ctx) => {
      requireContactReader(ctx.viewer, meeting.regionCode);
      return meetingAttendance(ctx, meeting.id);
    },
  },
  CommitteeMeetingAttendance: {
    member: async (row, _, ctx) => referenced(await memberLoader(ctx).load(row.memberId), 'the committee member'),
  },
};
