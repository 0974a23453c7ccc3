import { generateResolverTypes } from '@renda/server-kit/codegen';

const entity = (file: string, name: string) => `../modules/${file}#${name}`;

await generateResolverTypes({
  schemaFile: new URL('./src/schema.graphql', import.meta.url).pathname,
  outFile: new URL('./src/generated/resolvers.ts', import.meta.url).pathname,
  contextType: '@renda/server-kit/context#ServiceContext',
  mappers: {
    Region: entity('regions/region.entity.ts', 'Region'),
    Congress: entity('regions/region.entity.ts', 'Congress'),
    CongressSession: entity('regions/region.entity.ts', 'CongressSession'),
    Deputy: entity('deputies/deputy.entity.ts', 'Deputy'),
    DeputyGroup: entity('deputies/deputy.entity.ts', 'DeputyGroup'),
    LiaisonStation: entity('deputies/deputy.entity.ts', 'LiaisonStation'),
    StationStandards: entity('deputies/deputy.entity.ts', 'LiaisonStation'),
    CommitteeMember: entity('liaison/liaison.entity.ts', 'CommitteeMember'),
    GovernmentLeader: entity('liaison/liaison.entity.ts', 'GovernmentLeader'),
    ContactRecord: entity('liaison/liaison.entity.ts', 'ContactRecord'),
    SessionAttendance: entity('liaison/liaison.entity.ts', 'SessionAttendance'),
    DutySummary: entity('liaison/duty.ts', 'DutyCounts'),
    Person: entity('persons/person.entity.ts', 'Person'),
    Continuity: entity('persons/persons.service.ts', 'Continuity'),
    Points: entity('points/points.service.ts', 'Points'),
    PointsLine: entity('points/points.service.ts', 'PointsLine'),
    DeputyPointsRank: entity('points/points.resolvers.ts', 'DeputyRank'),
    MemberPointsRank: entity('points/points.resolvers.ts', 'MemberRank'),
    GroupActivityYear: entity('groups/groups.service.ts', 'GroupActivityYear'),
    GroupReview: entity('groups/group-review.entity.ts', 'GroupReview'),
    CommitteeMeeting: entity('meetings/meeting.entity.ts', 'CommitteeMeeting'),
    CommitteeMeetingAttendance: entity('meetings/meeting.entity.ts', 'CommitteeMeetingAttendance'),
    DutyAverages: entity('stats/stats.service.ts', 'DutyAverages'),
    DutyShortfalls: entity('stats/stats.service.ts', 'DutyShortfallsValue'),
    GroupDutyAverages: entity('stats/stats.service.ts', 'GroupAverages'),
  },
});
