import { z } from 'zod';
import type { TokenConfig } from '@renda/auth/tokens';

/** The development secret `pnpm start` and the tests use when JWT_SECRET is unset. Never for production. */
export const devJwtSecret = 'renda-graph-development-secret-change-me';
export const devSubgraphSecret = 'renda-graph-development-subgraph-secret';

const common = {
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z.string().url().optional(),
  REDIS_URL: z.string().url().optional(),
  JWT_SECRET: z.string().min(16, 'JWT_SECRET must be at least 16 characters').optional(),
  JWKS_URL: z.string().url().optional(),
  JWT_ISSUER: z.string().optional(),
  JWT_AUDIENCE: z.string().optional(),
  SUBGRAPH_SECRET: z.string().min(16, 'SUBGRAPH_SECRET must be at least 16 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};

export const commonEnvSchema = z.object(common);
export type CommonEnv = z.infer<typeof commonEnvSchema>;

/** Parses env with `schema`; a wrong value stops start-up with one clear line per problem. */
export function parseEnv<S extends z.ZodType>(schema: S, source: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    console.error(`Configuration error:\n${lines.join('\n')}`);
    process.exit(1);
  }
  const env = result.data as CommonEnv;
  if (env.NODE_ENV === 'production' && !env.JWT_SECRET && !env.JWKS_URL) {
    console.error('Configuration error:\n  JWT_SECRET or JWKS_URL must be set in production');
    process.exit(1);
  }
  if (env.NODE_ENV === 'production' && !env.SUBGRAPH_SECRET) {
    console.error('Configuration error:\n  SUBGRAPH_SECRET must be set in production');
    process.exit(1);
  }
  return result.data;
}

export function serviceEnvSchema(defaultPort: number) {
  return z.object({ ...common, PORT: z.coerce.number().int().min(0).max(65535).default(defaultPort) });
}

export function tokenConfigOf(env: CommonEnv): TokenConfig {
  const claims = { ...(env.JWT_ISSUER ? { issuer: env.JWT_ISSUER } : {}), ...(env.JWT_AUDIENCE ? { audience: env.JWT_AUDIENCE } : {}) };
  if (env.JWKS_URL) return { kind: 'jwks', jwksUrl: env.JWKS_URL, ...claims };
  return { kind: 'hs256', secret: env.JWT_SECRET ?? devJwtSecret, ...claims };
}
