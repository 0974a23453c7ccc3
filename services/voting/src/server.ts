import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'graphql';
import type { ServiceDefinition } from '@renda/server-kit/service';
import { mergeResolvers } from '@renda/server-kit/subgraph';
import { entities } from './entities.ts';
import { auditResolvers } from './modules/audit/audit.resolvers.ts';
import { ballotResolvers } from './modules/ballots/ballots.resolvers.ts';
import { evaluationResolvers } from './modules/evaluations/evaluations.resolvers.ts';
import { feedResolvers } from './modules/feeds/feeds.resolvers.ts';
import { federationResolvers } from './modules/federation/federation.resolvers.ts';
import { programResolvers } from './modules/programs/programs.resolvers.ts';
import { projectResolvers } from './modules/projects/projects.resolvers.ts';
import { migrations } from './migrations/list.ts';
import { seedDemo } from './seed.ts';
import { defaultVotingSettings, readEventSettings, readSettings, type VotingSettings } from './env.ts';
import { votingReminderJobs } from './modules/reminders/reminders.ts';

export const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

/** The voting subgraph: livelihood programs, candidates, secret ballots, projects, evaluations. */
export const votingService: ServiceDefinition = {
  name: 'voting',
  dbSchema: 'voting',
  entities,
  migrationsPath: fileURLToPath(new URL('./migrations', import.meta.url)),
  migrations,
  typeDefs,
  resolvers: mergeResolvers(
    programResolvers,
    projectResolvers,
    ballotResolvers,
    evaluationResolvers,
    federationResolvers,
    feedResolvers,
    auditResolvers,
  ),
  seed: seedDemo,
  settings: readSettings,
  events: {
    service: 'voting',
    settings: readEventSettings,
    reminders: (settings: Partial<VotingSettings>, names) =>
      votingReminderJobs(settings.reminders ?? defaultVotingSettings.reminders, names),
  },
};
