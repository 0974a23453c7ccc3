import { generateResolverTypes } from '@renda/server-kit/codegen';

const entity = (file: string, name: string) => `../modules/${file}#${name}`;

await generateResolverTypes({
  schemaFile: new URL('./src/schema.graphql', import.meta.url).pathname,
  outFile: new URL('./src/generated/resolvers.ts', import.meta.url).pathname,
  contextType: '@renda/server-kit/context#ServiceContext',
  mappers: {
    Region: entity('common/refs.ts', 'RegionRef'),
    Deputy: entity('common/refs.ts', 'IdRef'),
    CommitteeMember: entity('common/refs.ts', 'IdRef'),
    GovernmentUnit: entity('units/unit.entity.ts', 'GovernmentUnit'),
    Official: entity('units/unit.entity.ts', 'Official'),
    PerformanceReview: entity('units/unit.entity.ts', 'PerformanceReview'),
    SatisfactionTally: entity('common/tally.ts', 'Tally'),
    AppointmentMotion: entity('appointments/motion.entity.ts', 'AppointmentMotion'),
    Report: entity('reports/report.entity.ts', 'Report'),
    OpinionItem: entity('opinions/opinion.entity.ts', 'OpinionItem'),
    LawInspection: entity('inspections/inspection.entity.ts', 'LawInspection'),
    WorkEvaluation: entity('evaluations/evaluation.entity.ts', 'WorkEvaluation'),
    MajorMatter: entity('major-matters/major-matter.entity.ts', 'MajorMatter'),
    FiledDocument: entity('filings/filing.entity.ts', 'FiledDocument'),
    Inquiry: entity('inquiries/inquiry.entity.ts', 'Inquiry'),
    MeetingAttendance: entity('attendance/attendance.entity.ts', 'MeetingAttendance'),
    SupervisionActivity: entity('activities/activity.entity.ts', 'SupervisionActivity'),
    UnitSupervisionAssessment: entity('assessment/assessment.service.ts', 'UnitAssessment'),
    Resolution: entity('resolutions/resolution.entity.ts', 'Resolution'),
    SupervisionStats: entity('stats/stats.service.ts', 'SupervisionStats'),
  },
});
