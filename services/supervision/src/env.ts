import { z } from 'zod';
import { eventSettingsOf, eventsEnv, parseEnv, rulesFromEnv, serviceEnvSchema } from '@renda/server-kit/env';

/** The one place this service reads process.env. */
const schema = serviceEnvSchema(4003).extend({
  /** The deputies subgraph, read through `_entities` to check deputy and committee-member ids. */
  DEPUTIES_URL: z.string().url().default('http://127.0.0.1:4001/graphql'),
  /** G-6 (local): the legal-knowledge exam's pass mark out of 100. */
  EXAM_PASS_SCORE: z.coerce.number().min(0).max(100).default(60),
  ...eventsEnv,
});

export type SupervisionEnv = z.infer<typeof schema>;

export function readEnv(source: NodeJS.ProcessEnv = process.env): SupervisionEnv {
  return parseEnv(schema, source);
}

/** G-2: days after publication a document may be filed on time (000 二(一)2: 公布之日起30日内). */
export const filingDeadlineDays = 30;

/** G-4 (law): standing-committee members who must sign an inquiry (质询案). */
export const inquiryMinSigners = 5;

/** Local rules as settings, read once: defaults where unset. */
export const supervisionRules = {
  examPassScore: rulesFromEnv(schema.pick({ EXAM_PASS_SCORE: true }), { EXAM_PASS_SCORE: process.env.EXAM_PASS_SCORE })
    .EXAM_PASS_SCORE,
};

/** For the platform launcher, which checks every setting before it starts anything. */
export { schema as envSchema };

/** The outbox relay's and the reminder scheduler's settings (EVENTS_*, REMINDERS_EVERY_MS). */
export const readEventSettings = eventSettingsOf;
