import { z } from 'zod';
import { eventSettingsOf, eventsEnv, parseEnv, serviceEnvSchema } from '@renda/server-kit/env';
import type { DeliverySettings } from './modules/notifications/delivery.ts';
import { loadPointsScheme } from './modules/points/scheme.ts';

/** The one place this service reads process.env. */
const schema = serviceEnvSchema(4001).extend({
  /** D-6 (local): voter-contact activities a deputy holds each year. */
  DUTY_MIN_VOTER_CONTACTS: z.coerce.number().int().min(0).default(2),
  /** D-7 (local): deputy-group activities a deputy takes part in each year. */
  DUTY_MIN_GROUP_ACTIVITIES: z.coerce.number().int().min(0).default(3),
  /** D-7 (local): suggestions each deputy puts forward a year, on average over the body. */
  DUTY_MIN_SUGGESTIONS: z.coerce.number().int().min(0).default(1),
  /** D-4: contacts a committee member makes with each assigned deputy each year. */
  COMMITTEE_MIN_CONTACTS: z.coerce.number().int().min(0).default(2),
  /** D-5: deputies a mayor or vice-mayor is linked to per term. */
  LEADER_MAX_LINKED_DEPUTIES: z.coerce.number().int().min(1).default(5),
  /** D-15 (local): a deputy reports to the voters once a TERM (002 §7) or every YEAR (004, Zhuzhou). */
  DUTY_REPORT_FREQUENCY: z.enum(['TERM', 'YEAR']).default('TERM'),
  /** D-11 (local): a JSON points scheme (weights per item, per region); the built-in default when unset. */
  POINTS_SCHEME_FILE: z
    .string()
    .optional()
    .transform((file, ctx) => {
      // Read and checked with the other settings: a wrong file is one line naming the variable.
      try {
        return loadPointsScheme(file);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message.replace(/^POINTS_SCHEME_FILE /, '') });
        return z.NEVER;
      }
    }),
  /** Webhooks: failed attempts after which a delivery is parked (staff may queue it again). */
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  /** Webhooks: seconds before the retry after a first failure; each further failure doubles it. */
  WEBHOOK_RETRY_BASE_SECONDS: z.coerce.number().int().min(1).default(30),
  /** Webhooks: the longest wait between two attempts, in seconds. */
  WEBHOOK_RETRY_MAX_SECONDS: z.coerce.number().int().min(1).default(21_600),
  /** Webhooks: the longest one attempt may take, in milliseconds. */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /** Webhooks: how often the worker looks for due deliveries, in milliseconds (0: never, tests drive it). */
  WEBHOOK_POLL_MS: z.coerce.number().int().min(0).default(1000),
  /** Webhooks: also send to loopback and private addresses (a receiver inside the cluster). */
  WEBHOOK_ALLOW_PRIVATE_TARGETS: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** Event stream: entries another copy left unacknowledged this long (ms) are claimed by this one. */
  EVENTS_CLAIM_IDLE_MS: z.coerce.number().int().min(100).default(60_000),
  /** Siblings whose parts of the duty record count in the points (read through their `_entities`). */
  SUGGESTIONS_URL: z.string().url().default('http://127.0.0.1:4002/graphql'),
  SUPERVISION_URL: z.string().url().default('http://127.0.0.1:4003/graphql'),
  VOTING_URL: z.string().url().default('http://127.0.0.1:4004/graphql'),
  /** D-5 reminders (local): from this day of each year (MM-DD), a linked deputy not yet visited that year is reminded of. */
  REMINDER_LEADER_VISIT_BY: z
    .string()
    .regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be a day of the year as MM-DD, such as 11-30')
    .refine(
      (day) => new Date(`2025-${day}T00:00:00Z`).toISOString().slice(5, 10) === day,
      'must be a day every year has (not 02-29)',
    )
    .default('11-30'),
  ...eventsEnv,
});

export type DeputiesEnv = z.infer<typeof schema>;

export function readEnv(source: NodeJS.ProcessEnv = process.env): DeputiesEnv {
  return parseEnv(schema, source);
}

/** Local rules (D-4 to D-7) as settings, read once. */
export function dutyRulesOf(
  env: Pick<
    DeputiesEnv,
    | 'DUTY_MIN_VOTER_CONTACTS'
    | 'DUTY_MIN_GROUP_ACTIVITIES'
    | 'DUTY_MIN_SUGGESTIONS'
    | 'COMMITTEE_MIN_CONTACTS'
    | 'LEADER_MAX_LINKED_DEPUTIES'
  >,
) {
  return {
    minVoterContacts: env.DUTY_MIN_VOTER_CONTACTS,
    minGroupActivities: env.DUTY_MIN_GROUP_ACTIVITIES,
    minSuggestions: env.DUTY_MIN_SUGGESTIONS,
    minCommitteeContacts: env.COMMITTEE_MIN_CONTACTS,
    maxLinkedDeputies: env.LEADER_MAX_LINKED_DEPUTIES,
  };
}

export type DutyRules = ReturnType<typeof dutyRulesOf>;

/** The defaults of D-4 to D-7, where no setting says otherwise (never read from the environment here). */
export const defaultDutyRules: DutyRules = dutyRulesOf(schema.parse({}));

/** The local rules (D-4 to D-7) in force for a request: the service's settings (`ctx.settings`), else the defaults. */
export function dutyRulesIn(ctx: { settings: Readonly<Record<string, unknown>> }): DutyRules {
  return (ctx.settings as { dutyRules?: DutyRules }).dutyRules ?? defaultDutyRules;
}

/** For the platform launcher, which checks every setting before it starts anything. */
export { schema as envSchema };

/** How the notifications hub sends and retries webhook deliveries. */
export function deliverySettingsOf(
  env: Pick<
    DeputiesEnv,
    | 'WEBHOOK_MAX_ATTEMPTS'
    | 'WEBHOOK_RETRY_BASE_SECONDS'
    | 'WEBHOOK_RETRY_MAX_SECONDS'
    | 'WEBHOOK_TIMEOUT_MS'
    | 'WEBHOOK_POLL_MS'
    | 'WEBHOOK_ALLOW_PRIVATE_TARGETS'
  >,
): DeliverySettings {
  return {
    maxAttempts: env.WEBHOOK_MAX_ATTEMPTS,
    retryBaseSeconds: env.WEBHOOK_RETRY_BASE_SECONDS,
    retryMaxSeconds: env.WEBHOOK_RETRY_MAX_SECONDS,
    timeoutMs: env.WEBHOOK_TIMEOUT_MS,
    pollMs: env.WEBHOOK_POLL_MS,
    allowPrivateTargets: env.WEBHOOK_ALLOW_PRIVATE_TARGETS,
  };
}

/** The settings of `readSettings`: the local rules and the workers' tuning (secrets and URLs are the entry point's). */
const settingsSchema = schema.pick({
  DUTY_MIN_VOTER_CONTACTS: true,
  DUTY_MIN_GROUP_ACTIVITIES: true,
  DUTY_MIN_SUGGESTIONS: true,
  COMMITTEE_MIN_CONTACTS: true,
  LEADER_MAX_LINKED_DEPUTIES: true,
  DUTY_REPORT_FREQUENCY: true,
  POINTS_SCHEME_FILE: true,
  WEBHOOK_MAX_ATTEMPTS: true,
  WEBHOOK_RETRY_BASE_SECONDS: true,
  WEBHOOK_RETRY_MAX_SECONDS: true,
  WEBHOOK_TIMEOUT_MS: true,
  WEBHOOK_POLL_MS: true,
  WEBHOOK_ALLOW_PRIVATE_TARGETS: true,
  EVENTS_CLAIM_IDLE_MS: true,
  REMINDER_LEADER_VISIT_BY: true,
});

/**
 * The local rules handed to resolvers as `ctx.settings`, parsed at start (never at import): a wrong value stops
 * start-up with one line naming the variable (`parseEnv`), never falls back to a default unseen.
 */
export function readSettings(source: NodeJS.ProcessEnv) {
  const env = parseEnv(settingsSchema, source);
  return {
    dutyRules: dutyRulesOf(env),
    delivery: deliverySettingsOf(env),
    stream: { claimIdleMs: env.EVENTS_CLAIM_IDLE_MS },
    reminders: { leaderVisitBy: env.REMINDER_LEADER_VISIT_BY },
    /** D-15 (local): once a TERM or every YEAR. */
    dutyReportFrequency: env.DUTY_REPORT_FREQUENCY,
    /** D-11 (local): the points scheme in force. */
    pointsScheme: env.POINTS_SCHEME_FILE,
  };
}

/** The outbox relay's and the reminder scheduler's settings (EVENTS_*, REMINDERS_EVERY_MS). */
export const readEventSettings = eventSettingsOf;
