import { EntitySchema } from '@mikro-orm/postgresql';

export type CommitteeRole = 'CHAIR' | 'VICE_CHAIR' | 'SECRETARY_GENERAL' | 'MEMBER';
export type GovernmentLeaderRole = 'MAYOR' | 'VICE_MAYOR';
export type ContactKind = 'COMMITTEE_MEMBER' | 'GOVERNMENT_LEADER' | 'VOTER' | 'GROUP_ACTIVITY' | 'DUTY_REPORT';
export type ContactMethod = 'VISIT' | 'MEETING' | 'PHONE' | 'LETTER' | 'ONLINE';
export type AttendanceStatus = 'PRESENT' | 'EXCUSED' | 'ABSENT';

export interface CommitteeMember {
  id: string;
  congressId: string;
  regionCode: string;
  name: string;
  role: CommitteeRole;
  fullTime: boolean;
}

export const CommitteeMemberSchema = new EntitySchema<CommitteeMember>({
  name: 'CommitteeMember',
  tableName: 'committee_members',
  properties: {
    id: { type: 'uuid', primary: true },
    congressId: { type: 'uuid', index: true },
    regionCode: { type: 'string', length: 9, index: true },
    name: { type: 'string', length: 100 },
    role: { type: 'string', length: 20 },
    fullTime: { type: 'boolean' },
  },
});

/** 代工委 assignment of a deputy to a committee member (D-4). */
export interface CommitteeAssignment {
  memberId: string;
  deputyId: string;
}

export const CommitteeAssignmentSchema = new EntitySchema<CommitteeAssignment>({
  name: 'CommitteeAssignment',
  tableName: 'committee_assignments',
  properties: {
    memberId: { type: 'uuid', primary: true },
    deputyId: { type: 'uuid', primary: true, index: true },
  },
});

export interface GovernmentLeader {
  id: string;
  regionCode: string;
  name: string;
  role: GovernmentLeaderRole;
}

export const GovernmentLeaderSchema = new EntitySchema<GovernmentLeader>({
  name: 'GovernmentLeader',
  tableName: 'government_leaders',
  properties: {
    id: { type: 'uuid', primary: true },
    regionCode: { type: 'string', length: 9, index: true },
    name: { type: 'string', length: 100 },
    role: { type: 'string', length: 12 },
  },
});

/** A mayor's or vice-mayor's link to a deputy for the term (D-5). */
export interface LeaderLink {
  leaderId: string;
  deputyId: string;
}

export const LeaderLinkSchema = new EntitySchema<LeaderLink>({
  name: 'LeaderLink',
  tableName: 'leader_links',
  properties: {
    leaderId: { type: 'uuid', primary: true },
    deputyId: { type: 'uuid', primary: true, index: true },
  },
});

export interface ContactRecord {
  id: string;
  kind: ContactKind;
  method: ContactMethod;
  occurredOn: string;
  deputyId: string;
  regionCode: string;
  committeeMemberId: string | null;
  governmentLeaderId: string | null;
  stationId: string | null;
  /** D-14: the deputy group whose activity a GROUP_ACTIVITY contact was. */
  groupId: string | null;
  participants: number | null;
  /** D-15: voters' evaluation of a duty report (述职), a tally; null until recorded. */
  voterSatisfied: number | null;
  voterBasicallySatisfied: number | null;
  voterDissatisfied: number | null;
  summary: string;
  opinions: string[];
  recordedAt: Date;
  recordedBy: string;
}

export const ContactRecordSchema = new EntitySchema<ContactRecord>({
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
  ],
  properties: {
    id: { type: 'uuid', primary: true },
    kind: { type: 'string', length: 20 },
    method: { type: 'string', length: 10 },
    occurredOn: { type: 'date' },
    deputyId: { type: 'uuid' },
    regionCode: { type: 'string', length: 9 },
    committeeMemberId: { type: 'uuid', nullable: true },
    governmentLeaderId: { type: 'uuid', nullable: true },
    stationId: { type: 'uuid', nullable: true },
    groupId: { type: 'uuid', nullable: true, index: true },
    participants: { type: 'integer', nullable: true },
    voterSatisfied: { type: 'integer', nullable: true },
    voterBasicallySatisfied: { type: 'integer', nullable: true },
    voterDissatisfied: { type: 'integer', nullable: true },
    summary: { type: 'text' },
    opinions: { type: 'text[]', default: '{}' },
    recordedAt: { type: 'datetime' },
    recordedBy: { type: 'string', length: 200 },
  },
});

export interface SessionAttendance {
  sessionId: string;
  deputyId: string;
  congressId: string;
  regionCode: string;
  status: AttendanceStatus;
}

export const SessionAttendanceSchema = new EntitySchema<SessionAttendance>({
  name: 'SessionAttendance',
  tableName: 'session_attendance',
  properties: {
    sessionId: { type: 'uuid', primary: true },
    deputyId: { type: 'uuid', primary: true, index: true },
    congressId: { type: 'uuid' },
    regionCode: { type: 'string', length: 9 },
    status: { type: 'string', length: 8 },
  },
});
