import { z } from 'zod';
import { eventSettingsOf, eventsEnv, parseEnv, serviceEnvSchema } from '@renda/server-kit/env';

/** The one place this service reads process.env. */
const schema = serviceEnvSchema(4002).extend({
  /** The deputies subgraph, which this one asks whether deputies and sessions exist. */
  DEPUTIES_URL: z.string().url().default('http://127.0.0.1:4001/graphql'),
  /** The supervision subgraph, which this one asks whether government units exist. */
  SUPERVISION_URL: z.string().url().default('http://127.0.0.1:4003/graphql'),
  ...eventsEnv,
  ...reminderEnv(),
});

export type SuggestionsEnv = z.infer<typeof schema>;

/** S-8 (local): weights of on-time, satisfaction and resolution rates in a unit's score, summing to 100. */
const assessmentWeights = z
  .string()
  .default('40,40,20')
  .transform((text) => text.split(',').map((part) => Number(part.trim())))
  .refine(
    (w) => w.length === 3 && w.every((n) => Number.isFinite(n) && n >= 0) && w.reduce((a, b) => a + b, 0) === 100,
    {
      message:
        'ASSESSMENT_WEIGHTS is three numbers ≥ 0 summing to 100: on-time, satisfaction, resolution (e.g. 40,40,20)',
    },
  )
  .transform(([onTime, satisfaction, resolution]) => ({
    onTime: onTime!,
    satisfaction: satisfaction!,
    resolution: resolution!,
  }));

/** Reminders (local): a reply due within N days (S-4), a rating not given N days after the reply (S-7). */
function reminderEnv() {
  return {
    REMINDER_REPLY_DUE_DAYS: z.coerce
      .number()
      .int('must be a whole number of days')
      .min(0, 'must be 0 or more')
      .default(7),
    REMINDER_RATE_AFTER_DAYS: z.coerce
      .number()
      .int('must be a whole number of days')
      .min(1, 'must be 1 or more')
      .default(14),
  };
}

const settingsSchema = z.object({ ASSESSMENT_WEIGHTS: assessmentWeights, ...reminderEnv() });

/** The local rules of this service, parsed at start and handed to resolvers as `ctx.settings`. */
export function readSettings(source: NodeJS.ProcessEnv) {
  const env = parseEnv(settingsSchema, source);
  return {
    assessmentWeights: env.ASSESSMENT_WEIGHTS,
    reminders: { replyDueDays: env.REMINDER_REPLY_DUE_DAYS, rateAfterDays: env.REMINDER_RATE_AFTER_DAYS },
  };
}

/** The outbox relay's and the reminder scheduler's settings (EVENTS_*, REMINDERS_EVERY_MS). */
export const readEventSettings = eventSettingsOf;

export type SuggestionSettings = ReturnType<typeof readSettings>;

export function readEnv(source: NodeJS.ProcessEnv = process.env): SuggestionsEnv {
  return parseEnv(schema, source);
}

/** For the platform launcher, which checks every setting before it starts anything. */
export { schema as envSchema };
