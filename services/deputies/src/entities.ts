import { AuditEntry } from '@renda/server-kit/corrections';
import {
  CommitteeAssignmentSchema,
  CommitteeMemberSchema,
  ContactRecordSchema,
  GovernmentLeaderSchema,
  LeaderLinkSchema,
  SessionAttendanceSchema,
} from './modules/liaison/liaison.entity.ts';
import { DeputyGroupSchema, DeputySchema, LiaisonStationSchema } from './modules/deputies/deputy.entity.ts';
import { PersonSchema } from './modules/persons/person.entity.ts';
import { GroupReviewSchema } from './modules/groups/group-review.entity.ts';
import { CommitteeMeetingAttendanceSchema, CommitteeMeetingSchema } from './modules/meetings/meeting.entity.ts';
import {
  NotificationPreferenceSchema,
  NotificationSchema,
  ProcessedEventSchema,
  WebhookAttemptSchema,
  WebhookDeliverySchema,
  WebhookSchema,
} from './modules/notifications/notification.entity.ts';
import { CongressSchema, CongressSessionSchema, RegionSchema } from './modules/regions/region.entity.ts';
import { DeputyRollupPartSchema, DeputyRollupSchema } from './modules/stats/rollup.entity.ts';

export const entities = [
  RegionSchema,
  CongressSchema,
  CongressSessionSchema,
  DeputySchema,
  DeputyGroupSchema,
  LiaisonStationSchema,
  CommitteeMemberSchema,
  CommitteeAssignmentSchema,
  GovernmentLeaderSchema,
  LeaderLinkSchema,
  ContactRecordSchema,
  SessionAttendanceSchema,
  CommitteeMeetingSchema,
  CommitteeMeetingAttendanceSchema,
  GroupReviewSchema,
  PersonSchema,
  ProcessedEventSchema,
  WebhookSchema,
  WebhookDeliverySchema,
  WebhookAttemptSchema,
  NotificationSchema,
  NotificationPreferenceSchema,
  DeputyRollupSchema,
  DeputyRollupPartSchema,
  AuditEntry,
];
