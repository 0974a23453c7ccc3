import { z } from 'zod';
import { eventSettingsOf, eventsEnv, parseEnv, rulesFromEnv, serviceEnvSchema } from '@renda/server-kit/env';
import type { ProgramLevel } from './modules/programs/program.entity.ts';

const seatRange = z
  .string()
  .regex(/^\d+-\d+$/, 'a range of seats such as 1-3')
  .transform((text) => text.split('-').map(Number) as [number, number])
  .refine(([min, max]) => min >= 1 && max >= min, 'the range must start at 1 or more and not end below its start');

/** Reminders (local): a ballot open this many hours is reminded of to its roll once. */
const reminderEnv = {
  REMINDER_BALLOT_OPEN_HOURS: z.coerce.number().min(0, 'must be 0 or more').default(2),
};

/** The one place this service reads process.env. */
const schema = serviceEnvSchema(4004).extend({
  /** V-2 (local): seats a township program may have (004: Hengyang 1-3). */
  SEATS_TOWNSHIP: seatRange.default([1, 3]),
  /** V-2 (local): seats a county program may have (004: Hengyang 5-10; Beita district elected 4). */
  SEATS_COUNTY: seatRange.default([1, 10]),
  /** V-2 (local): seats a city program may have. */
  SEATS_CITY: seatRange.default([1, 20]),
  /** Anonymous proposals one client address may send per minute (counted in Redis when configured). */
  PROPOSALS_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  /** The deputies subgraph, read for sessions and the deputies on a roll (running alone). */
  DEPUTIES_URL: z.string().url().default('http://127.0.0.1:4001/graphql'),
  /** The supervision subgraph, read for lead units (running alone). */
  SUPERVISION_URL: z.string().url().default('http://127.0.0.1:4003/graphql'),
  ...eventsEnv,
  ...reminderEnv,
});

export type VotingEnv = z.infer<typeof schema>;

export function readEnv(source: NodeJS.ProcessEnv = process.env): VotingEnv {
  return parseEnv(schema, source);
}

export interface VotingRules {
  seats: Record<ProgramLevel, [number, number]>;
  proposalsPerMinute: number;
}

export function votingRulesOf(
  env: Pick<VotingEnv, 'SEATS_TOWNSHIP' | 'SEATS_COUNTY' | 'SEATS_CITY' | 'PROPOSALS_PER_MINUTE'>,
): VotingRules {
  return {
    seats: { TOWNSHIP: env.SEATS_TOWNSHIP, COUNTY: env.SEATS_COUNTY, CITY: env.SEATS_CITY },
    proposalsPerMinute: env.PROPOSALS_PER_MINUTE,
  };
}

/** The rules in force: from the environment, defaults where unset. */
export const votingRules: VotingRules = votingRulesOf(
  rulesFromEnv(schema, { ...process.env, DATABASE_URL: undefined, REDIS_URL: undefined, JWKS_URL: undefined }),
);

/** For the platform launcher, which checks every setting before it starts anything. */
export { schema as envSchema };

/** The outbox relay's and the reminder scheduler's settings (EVENTS_*, REMINDERS_EVERY_MS). */
export const readEventSettings = eventSettingsOf;

/** The reminders' local settings, read at start. */
export function readReminderSettings(source: NodeJS.ProcessEnv) {
  return { ballotOpenHours: parseEnv(z.object(reminderEnv), source).REMINDER_BALLOT_OPEN_HOURS };
}
