import { z } from 'zod';
import { parseLifetime, type TokenConfig } from '@renda/auth/tokens';

/** The development secret `pnpm start` and the tests use when JWT_SECRET is unset. Never for production. */
export const devJwtSecret = 'renda-graph-development-secret-change-me';
export const devSubgraphSecret = 'renda-graph-development-subgraph-secret';

const port = z.coerce
  .number()
  .int('must be a whole number')
  .min(0, 'must be 0 to 65535')
  .max(65535, 'must be 0 to 65535');

const common = {
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z.string().url('must be a URL such as postgres://user@host:5432/db').optional(),
  REDIS_URL: z.string().url('must be a URL such as redis://127.0.0.1:6379').optional(),
  JWT_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  JWKS_URL: z.string().url("must be the https:// URL of the identity provider's keys").optional(),
  JWT_ISSUER: z.string().optional(),
  JWT_AUDIENCE: z.string().optional(),
  /** Longest lifetime a token may have (exp − iat): `24h`, `30m`, `3600` (seconds). */
  JWT_MAX_LIFETIME: z
    .string()
    .default('24h')
    .transform((text, ctx) => {
      const seconds = parseLifetime(text);
      if (seconds === null || seconds <= 0) {
        const message = 'must be a duration such as 24h, 30m, 90s, 7d or a number of seconds';
        ctx.addIssue({ code: 'custom', message });
        return z.NEVER;
      }
      return seconds;
    }),
  SUBGRAPH_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Subgraphs: seconds an answer to the public is served from the cache at most (0: off); a write ends it. */
  PUBLIC_CACHE_SECONDS: z.coerce
    .number()
    .int('must be a whole number of seconds')
    .min(0, 'must be 0 or more')
    .max(3600, 'must be at most 3600')
    .default(30),
  /**
   * Subgraphs: megabytes of bearers' answers each process keeps and serves again while PostgreSQL's
   * snapshot is unchanged (no write anywhere since; see answer-cache.ts). 0: off.
   */
  ANSWER_CACHE_MB: z.coerce.number().min(0, 'must be 0 or more').max(4096, 'must be at most 4096').default(32),
  /** How long a stopping server lets requests in flight finish (SIGTERM, SIGINT). */
  SHUTDOWN_GRACE_MS: z.coerce
    .number()
    .int('must be a whole number of milliseconds')
    .min(0, 'must be 0 or more')
    .default(10_000),
};

export const commonEnvSchema = z.object(common);

/** The outbox relay and the reminder scheduler of a subgraph (README: Events and reminders). */
export const eventsEnv = {
  /** Without Redis: where the relay POSTs each batch of events (`{ events }`, with the subgraph secret). */
  EVENTS_URL: z.string().url('must be a URL such as http://127.0.0.1:4001/internal/events').optional(),
  /** How often the relay's leader looks for unpublished events (a commit in the same process wakes it at once). */
  EVENTS_POLL_MS: z.coerce
    .number()
    .int('must be a whole number of milliseconds')
    .min(10, 'must be 10 or more')
    .default(1000),
  /** Events the relay reads and publishes per round. */
  EVENTS_BATCH_SIZE: z.coerce
    .number()
    .int('must be a whole number')
    .min(1, 'must be 1 to 10000')
    .max(10_000, 'must be 1 to 10000')
    .default(100),
  /** Approximate cap on the Redis stream's length (XADD MAXLEN ~); 0 keeps every event. */
  EVENTS_STREAM_MAXLEN: z.coerce.number().int('must be a whole number').min(0, 'must be 0 or more').default(1_000_000),
  /** How often the reminder scheduler's leader looks for deadlines. */
  REMINDERS_EVERY_MS: z.coerce
    .number()
    .int('must be a whole number of milliseconds')
    .min(100, 'must be 100 or more')
    .default(60_000),
};

const eventsEnvSchema = z.object(eventsEnv);

/** The relay's and the scheduler's settings from an environment (defaults where unset). */
export function eventSettingsOf(source: NodeJS.ProcessEnv) {
  const env = parseEnv(eventsEnvSchema, source);
  return {
    eventsUrl: env.EVENTS_URL,
    pollMs: env.EVENTS_POLL_MS,
    batchSize: env.EVENTS_BATCH_SIZE,
    streamMaxLength: env.EVENTS_STREAM_MAXLEN,
    remindersEveryMs: env.REMINDERS_EVERY_MS,
  };
}
export type CommonEnv = z.infer<typeof commonEnvSchema>;
export const portSetting = port;

/** One line per problem, naming the variable, the rule and the value given (secrets are not echoed). */
export function envProblems<S extends z.ZodType>(
  schema: S,
  source: NodeJS.ProcessEnv = process.env,
): { env: z.infer<S>; problems: [] } | { env: null; problems: string[] } {
  const result = schema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const name = issue.path.join('.');
      const given = source[name];
      const shown = given === undefined || /SECRET/.test(name) ? '' : ` (got ${JSON.stringify(given)})`;
      return `${name}: ${issue.message}${shown}`;
    });
    return { env: null, problems };
  }
  const env = result.data as CommonEnv;
  const problems: string[] = [];
  if (env.NODE_ENV === 'production') {
    if (!env.JWT_SECRET && !env.JWKS_URL) problems.push('JWT_SECRET or JWKS_URL: one must be set in production');
    if (!env.SUBGRAPH_SECRET) problems.push('SUBGRAPH_SECRET: must be set in production');
  }
  return problems.length ? { env: null, problems } : { env: result.data, problems: [] };
}

/** Prints the problems, one line each, and stops with exit code 1 (no stack: the lines say it all). */
export function exitWithProblems(problems: readonly string[]): never {
  console.error(`Configuration error:\n${[...new Set(problems)].map((p) => `  ${p}`).join('\n')}`);
  process.exit(1);
}

/** Parses env with `schema`; a wrong value stops start-up with one clear line per problem. */
export function parseEnv<S extends z.ZodType>(schema: S, source: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const checked = envProblems(schema, source);
  if (checked.env === null) exitWithProblems(checked.problems);
  return checked.env;
}

export function serviceEnvSchema(defaultPort: number) {
  return z.object({ ...common, PORT: port.default(defaultPort) });
}

export function tokenConfigOf(env: CommonEnv): TokenConfig {
  const rules = {
    ...(env.JWT_ISSUER ? { issuer: env.JWT_ISSUER } : {}),
    ...(env.JWT_AUDIENCE ? { audience: env.JWT_AUDIENCE } : {}),
    maxLifetimeSeconds: env.JWT_MAX_LIFETIME,
  };
  if (env.JWKS_URL) return { kind: 'jwks', jwksUrl: env.JWKS_URL, ...rules };
  return { kind: 'hs256', secret: env.JWT_SECRET ?? devJwtSecret, ...rules };
}
