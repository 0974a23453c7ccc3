import { ActivityDeputySchema, ActivityUnitSchema } from './modules/activities/activity.entity.ts';
import { SupervisionActivitySchema } from './modules/activities/activity.entity.ts';
import { ResolutionSchema } from './modules/resolutions/resolution.entity.ts';
import { AppointmentMotionSchema } from './modules/appointments/motion.entity.ts';
import { FiledDocumentSchema, MajorMatterSchema } from './modules/filings/filing.entity.ts';
import { InquirySchema, MeetingAttendanceSchema } from './modules/inquiries/inquiry.entity.ts';
import {
  InspectionDeputySchema,
  InspectionMemberSchema,
  LawInspectionSchema,
  OpinionItemSchema,
  ReportSchema,
  WorkEvaluationSchema,
} from './modules/opinions/opinion.entity.ts';
import { GovernmentUnitSchema, OfficialSchema, PerformanceReviewSchema } from './modules/units/unit.entity.ts';

export const entities = [
  GovernmentUnitSchema,
  OfficialSchema,
  PerformanceReviewSchema,
  AppointmentMotionSchema,
  ReportSchema,
  OpinionItemSchema,
  LawInspectionSchema,
  InspectionDeputySchema,
  InspectionMemberSchema,
  WorkEvaluationSchema,
  MajorMatterSchema,
  FiledDocumentSchema,
  InquirySchema,
  MeetingAttendanceSchema,
  ResolutionSchema,
  SupervisionActivitySchema,
  ActivityDeputySchema,
  ActivityUnitSchema,
];
