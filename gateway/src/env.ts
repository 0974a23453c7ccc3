import { z } from 'zod';
import { commonEnvSchema, parseEnv } from '@renda/server-kit/env';

const flag = (name: string) =>
  z
    .enum(['true', 'false', '1', '0'], { message: `${name} must be true or false` })
    .transform((v) => v === 'true' || v === '1')
    .optional();

/** `*`, or a comma list of origins such as `https://npc.example.cn,http://localhost:5173`. */
const corsOrigins = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
  )
  .refine((list) => list.length > 0, 'CORS_ORIGINS must be * or a comma list of origins')
  .refine((list) => (list.length === 1 && list[0] === '*') || list.every((o) => /^https?:\/\/[^/\s*]+$/.test(o)), {
    message: 'CORS_ORIGINS must be * or a comma list of origins like https://example.cn (scheme and host, no path)',
  })
  .transform((list): '*' | string[] => (list[0] === '*' ? '*' : list))
  .optional();

/** `false` (default: the socket address), `true` (trust every proxy) or the number of proxies in front. */
const trustProxy = z
  .string()
  .regex(/^(true|false|\d{1,2})$/, 'TRUST_PROXY must be true, false or a number of proxy hops')
  .transform((v): boolean | number => (v === 'true' ? true : v === 'false' ? false : Number(v)))
  .default(false);

/** The one place the gateway reads process.env. */
const schema = commonEnvSchema.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  DEPUTIES_URL: z.string().url().default('http://127.0.0.1:4001/graphql'),
  SUGGESTIONS_URL: z.string().url().default('http://127.0.0.1:4002/graphql'),
  SUPERVISION_URL: z.string().url().default('http://127.0.0.1:4003/graphql'),
  VOTING_URL: z.string().url().default('http://127.0.0.1:4004/graphql'),
  MAX_DEPTH: z.coerce.number().int().min(1).default(15),
  MAX_ALIASES: z.coerce.number().int().min(0).default(30),
  MAX_COST: z.coerce.number().int().min(1).default(20_000),
  MAX_TOKENS: z.coerce.number().int().min(100, 'MAX_TOKENS must be at least 100').default(2_000),
  /** Default: on, off when NODE_ENV=production. */
  INTROSPECTION: flag('INTROSPECTION'),
  CORS_ORIGINS: corsOrigins,
  TRUST_PROXY: trustProxy,
  TOKEN_CACHE_SIZE: z.coerce.number().int().min(0).default(10_000),
  DEDUPE_SUBGRAPH_CALLS: z.enum(['true', 'false']).default('true'),
  SUBGRAPH_CONNECTIONS: z.coerce.number().int().min(1).default(64),
  PLAN_CACHE_MIB: z.coerce.number().int().min(1).default(16),
  DOCUMENT_CACHE_SIZE: z.coerce.number().int().min(1).default(1000),
});

export type GatewayEnv = Omit<z.infer<typeof schema>, 'INTROSPECTION'> & { INTROSPECTION: boolean };

export function readEnv(source: NodeJS.ProcessEnv = process.env): GatewayEnv {
  const env = parseEnv(schema, source);
  return { ...env, INTROSPECTION: env.INTROSPECTION ?? env.NODE_ENV !== 'production' };
}

/** For the platform launcher, which checks every setting before it starts anything. */
export { schema as gatewayEnvSchema };
