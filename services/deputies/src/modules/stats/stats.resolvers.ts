import type { Resolvers } from '../../generated/resolvers.ts';
import { deputyLoader, groupLoader } from '../deputies/deputies.service.ts';
import { congressLoader } from '../regions/regions.service.ts';
import {
  deputiesShortOfDuties,
  deputyFigures,
  deputyStats,
  dutyAverages,
  registeredRegions,
  suggestionAverages,
} from './stats.service.ts';

export const statsResolvers: Resolvers = {
  Region: {
    deputyStats: (region, { year }, ctx) => deputyStats(ctx, region.code, year),
    deputyFigures: (region, args, ctx) => deputyFigures(ctx, region.code, args),
    registeredRegions: (region, { level }, ctx) => registeredRegions(ctx, region.code, level),
  },
  Congress: {
    dutyAverages: (congress, { year }, ctx) => dutyAverages(ctx, congress, year),
    deputiesShortOfDuties: (congress, { year }, ctx) => deputiesShortOfDuties(ctx, congress, year),
  },
  DutyShortfalls: {
    deputy: async (row, _, ctx) => (await deputyLoader(ctx).load(row.deputyId))!,
  },
  DutyAverages: {
    congress: async (averages, _, ctx) => (await congressLoader(ctx).load(averages.congressId))!,
    suggestionsLed: async (averages, _, ctx) => (await suggestionAverages(ctx, averages)).suggestionsLed,
    suggestionsPerDeputy: async (averages, _, ctx) => (await suggestionAverages(ctx, averages)).suggestionsPerDeputy,
    suggestionTarget: async (averages, _, ctx) => (await suggestionAverages(ctx, averages)).suggestionTarget,
    meetsSuggestionTarget: async (averages, _, ctx) => (await suggestionAverages(ctx, averages)).meetsSuggestionTarget,
  },
  GroupDutyAverages: {
    group: async (g, _, ctx) => (await groupLoader(ctx).load(g.groupId))!,
    suggestionsLed: async (g, _, ctx) => (await suggestionAverages(ctx, g)).suggestionsLed,
    suggestionsPerDeputy: async (g, _, ctx) => (await suggestionAverages(ctx, g)).suggestionsPerDeputy,
    meetsSuggestionTarget: async (g, _, ctx) => (await suggestionAverages(ctx, g)).meetsSuggestionTarget,
  },
};
