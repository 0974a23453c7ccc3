import { EntitySchema } from '@mikro-orm/postgresql';
import { regionPrefixIndex } from '../common/refs.ts';

export type AttendanceStatus = 'PRESENT' | 'EXCUSED' | 'ABSENT';

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
