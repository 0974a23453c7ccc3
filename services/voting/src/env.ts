import { z } from 'zod';
import { eventSettingsOf, eventsEnv, parseEnv, serviceEnvSchema } from '@renda/server-kit/env';
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

/** The local rules of this service, handed to resolvers as `ctx.settings` (`readSettings`). */
const rulesEnv = {
  /** V-2 (local): seats a township program may have (004: Hengyang 1-3). */
  SEATS_TOWNSHIP: seatRange.default([1, 3]),
  /** V-2 (local): seats a county program may have (004: Hengyang 5-10; Beita district elected 4). */
  SEATS_COUNTY: seatRange.default([1, 10]),
  /** V-2 (local): seats a city program may have. */
  SEATS_CITY: seatRange.default([1, 20]),
  /** Anonymous proposals one client address may send per minute (counted in Redis when configured). */
  PROPOSALS_PER_MINUTE: z.coerce.number().int().min(1).default(10),
};

/** The one place this service reads process.env. */
const schema = serviceEnvSchema(4004).extend({
  ...rulesEnv,
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

const settingsSchema = z.object({ ...rulesEnv, ...reminderEnv });

/**
 * The local rules handed to resolvers as `ctx.settings`, parsed at start (never at import): a wrong value stops
 * start-up with one line naming the variable (`parseEnv`).
 */
export function readSettings(source: NodeJS.ProcessEnv) {
  const env = parseEnv(settingsSchema, source);
  return { rules: votingRulesOf(env), reminders: { ballotOpenHours: env.REMINDER_BALLOT_OPEN_HOURS } };
}

export type VotingSettings = ReturnType<typeof readSettings>;

/** The defaults, where no setting says otherwise (never read from the environment here). */
export const defaultVotingSettings: VotingSettings = readSettings({});

/** The V-2 rules in force for a request: the service's settings (`ctx.settings`), else the defaults. */
export function votingRulesIn(ctx: { settings: Readonly<Record<string, unknown>> }): VotingRules {
  return (ctx.settings as Partial<VotingSettings>).rules ?? defaultVotingSettings.rules;
}

/** For the platform launcher, which checks every setting before it starts anything. */
export { schema as envSchema };

/** The outbox relay's and the reminder scheduler's settings (EVENTS_*, REMINDERS_EVERY_MS). */
export const readEventSettings = eventSettingsOf;
