import { DeferMode } from '@mikro-orm/core';
import { defineEntity, type InferEntity, p } from '@mikro-orm/postgresql';
import { type AttendanceStatus, CommitteeMemberSchema } from '../liaison/liaison.entity.ts';
import { CongressSchema } from '../regions/region.entity.ts';

const deferred = DeferMode.INITIALLY_DEFERRED;

/** 常委会会议: a meeting of a congress's standing committee (D-8, 001 §16). */
export const CommitteeMeetingSchema = defineEntity({
  name: 'CommitteeMeeting',
  tableName: 'committee_meetings',
  indexes: [{ properties: ['congressId', 'heldOn'] }],
  properties: {
    id: p.uuid().primary(),
    congressId: () =>
      p
        .manyToOne(CongressSchema)
        .mapToPk()
        .fieldName('congress_id')
        .updateRule('no action')
        .deleteRule('no action')
        .deferMode(deferred),
    regionCode: p.string().length(9),
    heldOn: p.date(),
    title: p.string().length(200),
  },
});
export type CommitteeMeeting = InferEntity<typeof CommitteeMeetingSchema>;

/**
 * A committee member's attendance at one meeting; recording again replaces it, `correctCommitteeAttendance` corrects
 * it with a trail. `status` is checked together
 * with `leave_reason` (an EXCUSED absence has a reason, no other status does) in one constraint named as an enum
 * check would be, so it is declared as that check rather than as `p.enum`.
 */
export const CommitteeMeetingAttendanceSchema = defineEntity({
  name: 'CommitteeMeetingAttendance',
  tableName: 'committee_meeting_attendance',
  indexes: [{ properties: ['memberId', 'heldOn'] }],
  checks: [
    {
      name: 'committee_meeting_attendance_status_check',
      // As PostgreSQL prints it (the generator compares the printed form): one of the statuses, and a leave reason
      // exactly when EXCUSED.
      expression: `((status)::text = ANY ((ARRAY['PRESENT'::character varying, 'EXCUSED'::character varying, 'ABSENT'::character varying])::text[])) AND (((status)::text = 'EXCUSED'::text) = (leave_reason IS NOT NULL))`,
    },
  ],
  properties: {
    meetingId: () =>
      p
        .manyToOne(CommitteeMeetingSchema)
        .mapToPk()
        .primary()
        .fieldName('meeting_id')
        .updateRule('no action')
        .deleteRule('no action')
        .deferMode(deferred),
    memberId: () =>
      p
        .manyToOne(CommitteeMemberSchema)
        .mapToPk()
        .primary()
        .fieldName('member_id')
        .updateRule('no action')
        .deleteRule('no action')
        .deferMode(deferred),
    congressId: () =>
      p
        .manyToOne(CongressSchema)
        .mapToPk()
        .fieldName('congress_id')
        .updateRule('no action')
        .deleteRule('no action')
        .deferMode(deferred),
    heldOn: p.date(),
    status: p.string().length(8).$type<AttendanceStatus>(),
    leaveReason: p.string().length(500).nullable(),
    /** The row's own id (corrections and the audit log name it; the key stays meeting and member); the service writes a v7 id. */
    id: p.uuid().unique().defaultRaw('gen_random_uuid()'),
    /** Optimistic version of the record (corrections, issue 9). */
    version: p.integer().default(1),
    /** 撤回: a withdrawn row leaves the meeting's attendance, the D-8 absences and the D-4 points. */
    withdrawnAt: p.datetime().nullable(),
  },
});
export type CommitteeMeetingAttendance = InferEntity<typeof CommitteeMeetingAttendanceSchema>;
