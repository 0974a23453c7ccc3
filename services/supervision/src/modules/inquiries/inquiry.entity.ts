import { EntitySchema } from '@mikro-orm/postgresql';
import { regionPrefixIndex } from '../units/refs.ts';

export type InquiryStatus = 'FILED' | 'ANSWERED' | 'REANSWER_REQUIRED' | 'CLOSED';
export type AttendanceStatus = 'PRESENT' | 'EXCUSED' | 'ABSENT';

/** 质询案 (G-4). */
export interface Inquiry {
  id: string;
  unitId: string;
  regionCode: string;
  subject: string;
  signers: number;
  filedOn: string;
  answerDueOn: string;
  answeredOn: string | null;
  answer: string | null;
  status: InquiryStatus;
}

export const InquirySchema = new EntitySchema<Inquiry>({
  name: 'Inquiry',
  tableName: 'inquiries',
  indexes: [regionPrefixIndex('inquiries', '"filed_on"')],
  properties: {
    id: { type: 'uuid', primary: true },
    unitId: { type: 'uuid', index: true },
    regionCode: { type: 'string', length: 9 },
    subject: { type: 'string', length: 300 },
    signers: { type: 'integer' },
    filedOn: { type: 'date' },
    answerDueOn: { type: 'date' },
    answeredOn: { type: 'date', nullable: true },
    answer: { type: 'text', nullable: true },
    status: { type: 'string', length: 20 },
  },
});

/** 列席 of one official at one committee meeting (G-5). */
export interface MeetingAttendance {
  id: string;
  meetingOn: string;
  officialId: string;
  unitId: string;
  regionCode: string;
  status: AttendanceStatus;
  leaveReason: string | null;
}

export const MeetingAttendanceSchema = new EntitySchema<MeetingAttendance>({
  name: 'MeetingAttendance',
  tableName: 'meeting_attendance',
  indexes: [regionPrefixIndex('meeting_attendance', '"meeting_on"')],
  uniques: [{ properties: ['meetingOn', 'officialId'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    meetingOn: { type: 'date' },
    officialId: { type: 'uuid', index: true },
    unitId: { type: 'uuid' },
    regionCode: { type: 'string', length: 9 },
    status: { type: 'string', length: 8 },
    leaveReason: { type: 'text', nullable: true },
  },
});
