import { generateResolverTypes } from '@renda/server-kit/codegen';

const entity = (file: string, name: string) => `../modules/${file}#${name}`;

await generateResolverTypes({
  schemaFile: new URL('./src/schema.graphql', import.meta.url).pathname,
  outFile: new URL('./src/generated/resolvers.ts', import.meta.url).pathname,
  contextType: '@renda/server-kit/context#ServiceContext',
  mappers: {
    Region: entity('units/refs.ts', 'RegionRef'),
    Deputy: entity('units/refs.ts', 'IdRef'),
    CommitteeMember: entity('units/refs.ts', 'IdRef'),
    GovernmentUnit: entity('units/unit.entity.ts', 'GovernmentUnit'),
    Official: entity('units/unit.entity.ts', 'Official'),
    PerformanceReview: entity('units/unit.entity.ts', 'PerformanceReview'),
    SatisfactionTally: entity('units/refs.ts', 'Tally'),
    AppointmentMotion: entity('appointments/motion.entity.ts', 'AppointmentMotion'),
    Report: entity('opinions/opinion.entity.ts', 'Report'),
    OpinionItem: entity('opinions/opinion.entity.ts', 'OpinionItem'),
    LawInspection: entity('opinions/opinion.entity.ts', 'LawInspection'),
    WorkEvaluation: entity('opinions/opinion.entity.ts', 'WorkEvaluation'),
    MajorMatter: entity('filings/filing.entity.ts', 'MajorMatter'),
    FiledDocument: entity('filings/filing.entity.ts', 'FiledDocument'),
    Inquiry: entity('inquiries/inquiry.entity.ts', 'Inquiry'),
    MeetingAttendance: entity('inquiries/inquiry.entity.ts', 'MeetingAttendance'),
    SupervisionActivity: entity('activities/activity.entity.ts', 'SupervisionActivity'),
    UnitSupervisionAssessment: entity('assessment/assessment.service.ts', 'UnitAssessment'),
    Resolution: entity('resolutions/resolution.entity.ts', 'Resolution'),
    SupervisionStats: entity('stats/stats.service.ts', 'SupervisionStats'),
  },
});
