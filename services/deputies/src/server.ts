import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'graphql';
import type { ServiceDefinition } from '@renda/server-kit/service';
import { mergeResolvers } from '@renda/server-kit/subgraph';
import { entities } from './entities.ts';
import { auditResolvers } from './modules/audit/audit.resolvers.ts';
import { deputyResolvers } from './modules/deputies/deputies.resolvers.ts';
import { dutyReportResolvers } from './modules/duty-reports/duty-reports.resolvers.ts';
import { feedResolvers } from './modules/feeds/feeds.resolvers.ts';
import { groupResolvers } from './modules/groups/groups.resolvers.ts';
import { liaisonResolvers } from './modules/liaison/liaison.resolvers.ts';
import { meetingResolvers } from './modules/meetings/meetings.resolvers.ts';
import { personResolvers } from './modules/persons/persons.resolvers.ts';
import { pointsResolvers } from './modules/points/points.resolvers.ts';
import { regionResolvers } from './modules/regions/regions.resolvers.ts';
import { statsResolvers } from './modules/stats/stats.resolvers.ts';
import { notificationResolvers } from './modules/notifications/notifications.resolvers.ts';
import { attachNotificationHub } from './modules/notifications/hub.ts';
import { migrations } from './migrations/list.ts';
import { seedDemo } from './seed.ts';
import { readEventSettings, readSettings } from './env.ts';
import { deputyReminderJobs } from './modules/reminders/reminders.ts';

export const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

/** The deputies subgraph: regions, congresses, deputies, contacts, stations, attendance. */
export const deputiesService: ServiceDefinition = {
  name: 'deputies',
  dbSchema: 'deputies',
  entities,
  migrationsPath: fileURLToPath(new URL('./migrations', import.meta.url)),
  migrations,
  typeDefs,
  resolvers: mergeResolvers(
    regionResolvers,
    deputyResolvers,
    liaisonResolvers,
    statsResolvers,
    meetingResolvers,
    groupResolvers,
    pointsResolvers,
    personResolvers,
    dutyReportResolvers,
    notificationResolvers,
    feedResolvers,
    auditResolvers,
  ),
  seed: seedDemo,
  partitions: [{ table: 'deputies.contact_records', column: 'occurred_on', kind: 'date' }],
  settings: readSettings,
  // The notifications hub: events in (HTTP, Redis stream), webhook deliveries out.
  attach: (host) => attachNotificationHub(host),
  events: {
    service: 'deputies',
    settings: readEventSettings,
    reminders: (settings: Partial<ReturnType<typeof readSettings>>, names) =>
      deputyReminderJobs(settings.reminders ?? readSettings({}).reminders, names),
  },
};
