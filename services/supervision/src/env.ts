import { z } from 'zod';
import { eventSettingsOf, eventsEnv, parseEnv, serviceEnvSchema } from '@renda/server-kit/env';

/** The local rules of this service (README: Configuration). */
const settingsEnv = {
  /** G-6 (local): the legal-knowledge exam's pass mark out of 100. */
  EXAM_PASS_SCORE: z.coerce
    .number({ message: 'must be a number from 0 to 100' })
    .min(0, 'must be a number from 0 to 100')
    .max(100, 'must be a number from 0 to 100')
    .default(60),
};

/** The one place this service reads process.env. */
const schema = serviceEnvSchema(4003).extend({
  /** The deputies subgraph, read through `_entities` to check deputy and committee-member ids. */
  DEPUTIES_URL: z.string().url().default('http://127.0.0.1:4001/graphql'),
  ...eventsEnv,
  ...settingsEnv,
});

export type SupervisionEnv = z.infer<typeof schema>;

export function readEnv(source: NodeJS.ProcessEnv = process.env): SupervisionEnv {
  return parseEnv(schema, source);
}

/** G-2: days after publication a document may be filed on time (000 二(一)2: 公布之日起30日内). */
export const filingDeadlineDays = 30;

/** G-4 (law): standing-committee members who must sign an inquiry (质询案). */
export const inquiryMinSigners = 5;

/**
 * The local rules handed to resolvers as `ctx.settings`, parsed at start (never at import): a wrong value
 * stops start-up with one line naming the variable (`parseEnv`).
 */
export function readSettings(source: NodeJS.ProcessEnv) {
  const env = parseEnv(z.object(settingsEnv), source);
  return { examPassScore: env.EXAM_PASS_SCORE };
}

export type SupervisionSettings = ReturnType<typeof readSettings>;

const defaultSettings: SupervisionSettings = readSettings({});

/** The settings in force for a request: the service's, else the defaults (a test may inject part of them). */
export function settingsOf(ctx: { settings: Readonly<Record<string, unknown>> }): SupervisionSettings {
  return { ...defaultSettings, ...(ctx.settings as Partial<SupervisionSettings>) };
}

/** For the platform launcher, which checks every setting before it starts anything. */
export { schema as envSchema };

/** The outbox relay's and the reminder scheduler's settings (EVENTS_*, REMINDERS_EVERY_MS). */
export const readEventSettings = eventSettingsOf;
