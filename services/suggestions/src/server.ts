import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'graphql';
import type { ServiceDefinition } from '@renda/server-kit/service';
import { mergeResolvers } from '@renda/server-kit/subgraph';
import { entities } from './entities.ts';
import { migrations } from './migrations/list.ts';
import { feedResolvers } from './modules/feeds/feeds.resolvers.ts';
import { handlingResolvers } from './modules/handling/handling.resolvers.ts';
import { statsResolvers } from './modules/stats/stats.resolvers.ts';
import { suggestionResolvers } from './modules/suggestions/suggestions.resolvers.ts';
import { seedDemo } from './seed.ts';
import { readEventSettings, readSettings, type SuggestionSettings } from './env.ts';
import { suggestionReminderJobs } from './modules/reminders/reminders.ts';

export const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

/** The suggestions subgraph: suggestions, motions, proposals, the 12 steps, evaluations, handling stats. */
export const suggestionsService: ServiceDefinition = {
  name: 'suggestions',
  dbSchema: 'suggestions',
  entities,
  migrationsPath: fileURLToPath(new URL('./migrations', import.meta.url)),
  migrations,
  typeDefs,
  resolvers: mergeResolvers(suggestionResolvers, statsResolvers, handlingResolvers, feedResolvers),
  seed: seedDemo,
  partitions: [
    { table: 'suggestions.suggestions', column: 'year', kind: 'year' },
    { table: 'suggestions.process_steps', column: 'year', kind: 'year' },
  ],
  settings: readSettings,
  events: {
    service: 'suggestions',
    settings: readEventSettings,
    reminders: (settings: Partial<SuggestionSettings>, names) =>
      suggestionReminderJobs(settings.reminders ?? readSettings({}).reminders, names),
  },
};
