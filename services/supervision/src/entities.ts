import { AuditEntry } from '@renda/server-kit/corrections';
import { ActivityDeputySchema, ActivityUnitSchema } from './modules/activities/activity.entity.ts';
import { SupervisionActivitySchema } from './modules/activities/activity.entity.ts';
import { ResolutionSchema } from './modules/resolutions/resolution.entity.ts';
import { AppointmentMotionSchema } from './modules/appointments/motion.entity.ts';
import { FiledDocumentSchema } from './modules/filings/filing.entity.ts';
import { MajorMatterSchema } from './modules/major-matters/major-matter.entity.ts';
import { InquirySchema } from './modules/inquiries/inquiry.entity.ts';
import { MeetingAttendanceSchema } from './modules/attendance/attendance.entity.ts';
import {
  InspectionDeputySchema,
  InspectionMemberSchema,
  LawInspectionSchema,
} from './modules/inspections/inspection.entity.ts';
import { OpinionItemSchema } from './modules/opinions/opinion.entity.ts';
import { ReportSchema } from './modules/reports/report.entity.ts';
import { WorkEvaluationSchema } from './modules/evaluations/evaluation.entity.ts';
import { GovernmentUnitSchema, OfficialSchema, PerformanceReviewSchema } from './modules/units/unit.entity.ts';

export const entities = [
  AuditEntry,
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
