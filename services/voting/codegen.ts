import { generateResolverTypes } from '@renda/server-kit/codegen';

const entity = (file: string, name: string) => `../modules/${file}#${name}`;

await generateResolverTypes({
  schemaFile: new URL('./src/schema.graphql', import.meta.url).pathname,
  outFile: new URL('./src/generated/resolvers.ts', import.meta.url).pathname,
  contextType: '@renda/server-kit/context#ServiceContext',
  mappers: {
    Region: entity('federation/refs.ts', 'RegionRef'),
    Deputy: entity('federation/refs.ts', 'DeputyRef'),
    GovernmentUnit: entity('federation/refs.ts', 'UnitRef'),
    CongressSession: entity('federation/refs.ts', 'SessionRef'),
    LivelihoodProgram: entity('programs/program.entity.ts', 'Program'),
    ProjectProposal: entity('programs/program.entity.ts', 'Proposal'),
    LivelihoodProject: entity('projects/project.entity.ts', 'Project'),
    ProgressReport: entity('projects/project.entity.ts', 'ProgressReport'),
    Ballot: entity('ballots/ballot.entity.ts', 'Ballot'),
    RoomTally: entity('room-tallies/room-tally.entity.ts', 'RoomTallyView'),
    RoomCount: entity('room-tallies/room-tally.entity.ts', 'RoomCount'),
    GroupSatisfaction: entity('evaluations/evaluation.entity.ts', 'EvaluationGroupTally'),
    CandidateResult: entity('ballots/ballot.entity.ts', 'BallotTally'),
    EvaluationRound: entity('evaluations/evaluation.entity.ts', 'EvaluationRound'),
    SatisfactionTally: entity('evaluations/evaluation.entity.ts', 'EvaluationTally'),
    VotingStats: entity('federation/stats.service.ts', 'VotingStatsRow'),
  },
});
