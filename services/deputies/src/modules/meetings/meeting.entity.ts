import { EntitySchema } from '@mikro-orm/postgresql';
import type { AttendanceStatus } from '../liaison/liaison.entity.ts';

/** 常委会会议: a meeting of a congress's standing committee (D-8, 001 §16). */
export interface CommitteeMeeting {
  id: string;
  congressId: string;
  regionCode: string;
  heldOn: string;
  title: string;
}

export const CommitteeMeetingSchema = new EntitySchema<CommitteeMeeting>({
  name: 'CommitteeMeeting',
  tableName: 'committee_meetings',
  indexes: [{ properties: ['congressId', 'heldOn'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    congressId: { type: 'uuid' },
    regionCode: { type: 'string', length: 9 },
    heldOn: { type: 'date' },
    title: { type: 'string', length: 200 },
  },
});

/** A committee member's attendance at one meeting; recording again corrects it. */
export interface CommitteeMeetingAttendance {
  meetingId: string;
  memberId: string;
  congressId: string;
  heldOn: string;
  status: AttendanceStatus;
  leaveReason: string | null;
}

export const CommitteeMeetingAttendanceSchema = new EntitySchema<CommitteeMeetingAttendance>({
  name: 'CommitteeMeetingAttendance',
  tableName: 'committee_meeting_attendance',
  indexes: [{ properties: ['memberId', 'heldOn'] }],
  properties: {
    meetingId: { type: 'uuid', primary: true },
    memberId: { type: 'uuid', primary: true },
    congressId: { type: 'uuid' },
    heldOn: { type: 'date' },
    status: { type: 'string', length: 8 },
    leaveReason: { type: 'string', length: 500, nullable: true },
  },
});
