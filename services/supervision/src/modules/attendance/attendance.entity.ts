import { defineEntity, type InferEntity, p } from '@mikro-orm/postgresql';
import { regionPrefixIndex } from '../common/refs.ts';
import { officialKey, unitKey } from '../units/unit.entity.ts';

export const attendanceStatuses = ['PRESENT', 'EXCUSED', 'ABSENT'] as const;
export type AttendanceStatus = (typeof attendanceStatuses)[number];

/** 列席 of one official at one committee meeting (G-5). */
export const MeetingAttendanceSchema = defineEntity({
  name: 'MeetingAttendance',
  tableName: 'meeting_attendance',
  indexes: [regionPrefixIndex('meeting_attendance', '"meeting_on"')],
  uniques: [{ properties: ['meetingOn', 'officialId'] }],
  properties: {
    id: p.uuid().primary(),
    meetingOn: p.date(),
    officialId: () => officialKey().index(),
    unitId: () => unitKey(),
    regionCode: p.string().length(9),
    status: p.enum([...attendanceStatuses]).columnType('varchar(8)'),
    leaveReason: p.text().nullable(),
    /** Optimistic version of the record (corrections, issue 9). */
    version: p.integer().default(1),
    /** 撤回: a withdrawn attendance row leaves the lists. */
    withdrawnAt: p.datetime().nullable(),
  },
});
export type MeetingAttendance = InferEntity<typeof MeetingAttendanceSchema>;
