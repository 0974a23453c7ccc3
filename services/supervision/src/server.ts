import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'graphql';
import type { ServiceDefinition } from '@renda/server-kit/service';
import { mergeResolvers } from '@renda/server-kit/subgraph';
import { assessmentResolvers } from './modules/assessment/assessment.resolvers.ts';
import { activityResolvers } from './modules/activities/activities.resolvers.ts';
import { resolutionResolvers } from './modules/resolutions/resolutions.resolvers.ts';
import { entities } from './entities.ts';
import { migrations } from './migrations/list.ts';
import { appointmentResolvers } from './modules/appointments/appointments.resolvers.ts';
import { feedResolvers } from './modules/feeds/feeds.resolvers.ts';
import { auditResolvers } from './modules/audit/audit.resolvers.ts';
import { attendanceResolvers } from './modules/attendance/attendance.resolvers.ts';
import { evaluationResolvers } from './modules/evaluations/evaluations.resolvers.ts';
import { filingResolvers } from './modules/filings/filings.resolvers.ts';
import { inspectionResolvers } from './modules/inspections/inspections.resolvers.ts';
import { majorMatterResolvers } from './modules/major-matters/major-matters.resolvers.ts';
import { reportResolvers } from './modules/reports/reports.resolvers.ts';
import { inquiryResolvers } from './modules/inquiries/inquiries.resolvers.ts';
import { opinionResolvers } from './modules/opinions/opinions.resolvers.ts';
import { statsResolvers } from './modules/stats/stats.resolvers.ts';
import { unitResolvers } from './modules/units/units.resolvers.ts';
import { seedDemo } from './seed.ts';
import { readEventSettings, readSettings } from './env.ts';
import { supervisionReminderJobs } from './modules/reminders/reminders.ts';

export const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

/** The supervision subgraph: units, officials and appointments, reports and opinions, major matters, filings, inspections, evaluations, inquiries, attendance. */
export const supervisionService: ServiceDefinition = {
  name: 'supervision',
  dbSchema: 'supervision',
  entities,
  migrationsPath: fileURLToPath(new URL('./migrations', import.meta.url)),
  migrations,
  typeDefs,
  resolvers: mergeResolvers(
    feedResolvers,
    unitResolvers,
    appointmentResolvers,
    reportResolvers,
    opinionResolvers,
    inspectionResolvers,
    evaluationResolvers,
    majorMatterResolvers,
    filingResolvers,
    inquiryResolvers,
    attendanceResolvers,
    auditResolvers,
    statsResolvers,
    resolutionResolvers,
    activityResolvers,
    assessmentResolvers,
  ),
  seed: seedDemo,
  settings: readSettings,
  events: {
    service: 'supervision',
    settings: readEventSettings,
    reminders: (_settings, names) => supervisionReminderJobs(names),
  },
};
