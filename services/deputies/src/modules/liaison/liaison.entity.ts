import { DeferMode } from '@mikro-orm/core';
import { defineEntity, type InferEntity, p } from '@mikro-orm/postgresql';
import { DeputyGroupSchema, DeputySchema, LiaisonStationSchema } from '../deputies/deputy.entity.ts';
import { CongressSchema, CongressSessionSchema } from '../regions/region.entity.ts';

export const committeeRoles = ['CHAIR', 'VICE_CHAIR', 'SECRETARY_GENERAL', 'MEMBER'] as const;
export type CommitteeRole = (typeof committeeRoles)[number];
export const governmentLeaderRoles = ['MAYOR', 'VICE_MAYOR'] as const;
export type GovernmentLeaderRole = (typeof governmentLeaderRoles)[number];
export const contactKinds = [
  'COMMITTEE_MEMBER',
  'GOVERNMENT_LEADER',
  'VOTER',
  'GROUP_ACTIVITY',
  'DUTY_REPORT',
] as const;
export type ContactKind = (typeof contactKinds)[number];
export const contactMethods = ['VISIT', 'MEETING', 'PHONE', 'LETTER', 'ONLINE'] as const;
export type ContactMethod = (typeof contactMethods)[number];
export const attendanceStatuses = ['PRESENT', 'EXCUSED', 'ABSENT'] as const;
export type AttendanceStatus = (typeof attendanceStatuses)[number];

const deferred = DeferMode.INITIALLY_DEFERRED;

export const CommitteeMemberSchema = defineEntity({
  name: 'CommitteeMember',
  tableName: 'committee_members',
  properties: {
    id: p.uuid().primary(),
    congressId: () =>
      p
        .manyToOne(CongressSchema)
        .mapToPk()
        .fieldName('congress_id')
        .index()
        .updateRule('no action')
        .deleteRule('no action')
        .deferMode(deferred),
    regionCode: p.string().length(9).index(),
    name: p.string().length(100),
    role: p.enum([...committeeRoles]).columnType('varchar(20)'),
    fullTime: p.boolean(),
  },
});
export type CommitteeMember = InferEntity<typeof CommitteeMemberSchema>;

/** 代工委 assignment of a deputy to a committee member (D-4). */
export const CommitteeAssignmentSchema = defineEntity({
  name: 'CommitteeAssignment',
  tableName: 'committee_assignments',
  properties: {
    memberId: () =>
      p
        .manyToOne(CommitteeMemberSchema)
        .mapToPk()
        .primary()
        .fieldName('member_id')
        .updateRule('no action')
        .deleteRule('no action')
        .deferMode(deferred),
    deputyId: () =>
      p
        .manyToOne(DeputySchema)
        .mapToPk()
        .primary()
        .fieldName('deputy_id')
        .index()
        .updateRule('no action')
        .deleteRule('no action')
        .deferMode(deferred),
  },
});

export const GovernmentLeaderSchema = defineEntity({
  name: 'GovernmentLeader',
  tableName: 'government_leaders',
  properties: {
    id: p.uuid().primary(),
    regionCode: p.string().length(9).index(),
    name: p.string().length(100),
    role: p.enum([...governmentLeaderRoles]).columnType('varchar(12)'),
  },
});
export type GovernmentLeader = InferEntity<typeof GovernmentLeaderSchema>;

/** A mayor's or vice-mayor's link to a deputy for the term (D-5). */
export const LeaderLinkSchema = defineEntity({
  name: 'LeaderLink',
  tableName: 'leader_links',
  properties: {
    leaderId: () =>
      p
        .manyToOne(GovernmentLeaderSchema)
        .mapToPk()
        .primary()
        .fieldName('leader_id')
        .updateRule('no action')
        .deleteRule('no action')
        .deferMode(deferred),
    deputyId: () =>
      p
        .manyToOne(DeputySchema)
        .mapToPk()
        .primary()
        .fieldName('deputy_id')
        .index()
        .updateRule('no action')
        .deleteRule('no action')
        .deferMode(deferred),
  },
});

/**
 * 联系 a contact of a deputy. The table is partitioned by the year of `occurred_on` (Migration20261130145010):
 * in the database its primary key is (id, occurred_on) and `contact_records_key_fk` ties it to the key registry
 * `contact_record_keys`, which keeps `id` unique across years. Neither can be declared here (the entity's key is
 * `id`, as the code finds a contact by id): `src/make-migration.ts` skips those two, with this reason.
 */
export const ContactRecordSchema = defineEntity({
  name: 'ContactRecord',
  tableName: 'contact_records',
  indexes: [
    { properties: ['deputyId', 'occurredOn'] },
    { properties: ['committeeMemberId', 'occurredOn'] },
    { properties: ['governmentLeaderId', 'occurredOn'] },
    {
      name: 'contact_records_region_code_prefix',
      expression:
        'create index "contact_records_region_code_prefix" on "deputies"."contact_records" ("region_code" varchar_pattern_ops, "occurred_on")',
    },
    // The change feed's window (Migration20261130143001).
    { properties: ['updatedAt', 'id'] },
  ],
  checks: [
    {
      // D-15: all three or none, never negative, only on a duty report, never more than the voters who took part.
      name: 'contact_records_voter_evaluation_check',
      expression: `("voter_satisfied" is null and "voter_basically_satisfied" is null and "voter_dissatisfied" is null)
      or ("kind" = 'DUTY_REPORT' and "voter_satisfied" >= 0 and "voter_basically_satisfied" >= 0 and "voter_dissatisfied" >= 0
          and "voter_satisfied" + "voter_basically_satisfied" + "voter_dissatisfied" <= coalesce("participants", 0))`,
    },
  ],
  properties: {
    id: p.uuid().primary(),
    kind: p.enum([...contactKinds]).columnType('varchar(20)'),
    method: p.enum([...contactMethods]).columnType('varchar(10)'),
    occurredOn: p.date(),
    deputyId: () =>
      p
        .manyToOne(DeputySchema)
        .mapToPk()
        .fieldName('deputy_id')
        .updateRule('no action')
        .deleteRule('no action')
        .deferMode(deferred),
    regionCode: p.string().length(9),
    committeeMemberId: () =>
      p
        .manyToOne(CommitteeMemberSchema)
        .mapToPk()
        .fieldName('committee_member_id')
        .nullable()
        .updateRule('no action')
        .deleteRule('no action')
        .deferMode(deferred),
    governmentLeaderId: () =>
      p
        .manyToOne(GovernmentLeaderSchema)
        .mapToPk()
        .fieldName('government_leader_id')
        .nullable()
        .updateRule('no action')
        .deleteRule('no action')
        .deferMode(deferred),
    stationId: () =>
      p
        .manyToOne(LiaisonStationSchema)
        .mapToPk()
        .fieldName('station_id')
        .nullable()
        .updateRule('no action')
        .deleteRule('no action')
        .deferMode(deferred),
    /** D-14: the deputy group whose activity a GROUP_ACTIVITY contact was. */
    groupId: () =>
      p
        .manyToOne(DeputyGroupSchema)
        .mapToPk()
        .fieldName('group_id')
        .nullable()
        .index()
        .updateRule('no action')
        .deleteRule('no action')
        .deferMode(deferred),
    participants: p.integer().nullable(),
    /** D-15: voters' evaluation of a duty report (述职), a tally; null until recorded. */
    voterSatisfied: p.integer().nullable(),
    voterBasicallySatisfied: p.integer().nullable(),
    voterDissatisfied: p.integer().nullable(),
    summary: p.text(),
    opinions: p.array().columnType('text[]').default('{}'),
    recordedAt: p.datetime(),
    recordedBy: p.string().length(200),
    /** 更正 the optimistic version of the record: a correction names the version it was made on (issue 9). */
    version: p.integer().default(1),
    /** 撤回 when staff withdrew the record: it then leaves the lists and the figures; null while it counts. */
    withdrawnAt: p.datetime().nullable(),
    /** Kept by the trigger `contact_records_feed_touch` on every write (the change feed); never set by the code. */
    updatedAt: p.datetime().defaultRaw('clock_timestamp()').lazy(true, false),
  },
});
export type ContactRecord = InferEntity<typeof ContactRecordSchema>;

export const SessionAttendanceSchema = defineEntity({
  name: 'SessionAttendance',
  tableName: 'session_attendance',
  checks: [
    {
      name: 'session_attendance_leave_reason_check',
      // As PostgreSQL prints it (the generator compares the printed form): a reason of leave goes with EXCUSED only.
      expression: `(leave_reason IS NULL) OR ((status)::text = 'EXCUSED'::text)`,
    },
  ],
  properties: {
    sessionId: () =>
      p
        .manyToOne(CongressSessionSchema)
        .mapToPk()
        .primary()
        .fieldName('session_id')
        .updateRule('no action')
        .deleteRule('no action')
        .deferMode(deferred),
    deputyId: () =>
      p
        .manyToOne(DeputySchema)
        .mapToPk()
        .primary()
        .fieldName('deputy_id')
        .index()
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
    regionCode: p.string().length(9),
    status: p.enum([...attendanceStatuses]).columnType('varchar(8)'),
    /** 请假事由: only with EXCUSED (check `session_attendance_leave_reason_check`); optional, as recording takes none. */
    leaveReason: p.string().length(500).nullable(),
    /** The row's own id (corrections and the audit log name it; the key stays session and deputy). */
    id: p.uuid().unique().defaultRaw('gen_random_uuid()'),
    /** Optimistic version of the record (corrections, issue 9). */
    version: p.integer().default(1),
    /** 撤回: a withdrawn row leaves the session's attendance, the D-8 absences, the duty archive and the points. */
    withdrawnAt: p.datetime().nullable(),
    /** D-8: this row's absence was the second that TERMINATED the mandate (a fact stored when it did). */
    endedMandate: p.boolean().default(false),
  },
});
export type SessionAttendance = InferEntity<typeof SessionAttendanceSchema>;
