import { generateResolverTypes } from '@renda/server-kit/codegen';

const entity = (file: string, name: string) => `../modules/${file}#${name}`;

await generateResolverTypes({
  schemaFile: new URL('./src/schema.graphql', import.meta.url).pathname,
  outFile: new URL('./src/generated/resolvers.ts', import.meta.url).pathname,
  contextType: '@renda/server-kit/context#ServiceContext',
  mappers: {
    Region: entity('suggestions/refs.ts', 'RegionRef'),
    Deputy: entity('suggestions/refs.ts', 'IdRef'),
    GovernmentUnit: entity('suggestions/refs.ts', 'IdRef'),
    CongressSession: entity('suggestions/refs.ts', 'IdRef'),
    ContactRecord: entity('suggestions/refs.ts', 'IdRef'),
    Suggestion: entity('suggestions/suggestion.entity.ts', 'Suggestion'),
    HandlingUnit: entity('suggestions/suggestion.entity.ts', 'HandlingUnitRow'),
    Reply: entity('suggestions/suggestion.entity.ts', 'ReplyRow'),
    Evaluation: entity('suggestions/suggestion.entity.ts', 'EvaluationRow'),
    SupervisionSheet: entity('suggestions/suggestion.entity.ts', 'SheetRow'),
    ProcessStep: entity('suggestions/suggestion.entity.ts', 'ProcessStepRow'),
    HandlingProgress: entity('handling/handling.entity.ts', 'ProgressReportRow'),
    CoHandlerContribution: entity('handling/handling.entity.ts', 'ContributionRow'),
    DeputyContact: entity('handling/handling.entity.ts', 'DeputyContactRow'),
    KeyHearing: entity('key-items/key-items.entity.ts', 'KeyHearingRow'),
    CommitteeVote: entity('key-items/key-items.entity.ts', 'CommitteeVoteRow'),
    Actor: entity('handling/actor.ts', 'ActorValue'),
    SuggestionStats: entity('stats/stats.service.ts', 'SuggestionStatsValue'),
    UnitRanking: entity('stats/stats.service.ts', 'UnitRankingValue'),
    UnitOverdue: entity('stats/stats.service.ts', 'UnitOverdueValue'),
  },
});
