import { z } from 'zod';
import { commonEnvSchema, parseEnv } from '@renda/server-kit/env';

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
  TOKEN_CACHE_SIZE: z.coerce.number().int().min(0).default(10_000),
  DEDUPE_SUBGRAPH_CALLS: z.enum(['true', 'false']).default('true'),
  SUBGRAPH_CONNECTIONS: z.coerce.number().int().min(1).default(64),
  PLAN_CACHE_MIB: z.coerce.number().int().min(1).default(16),
  DOCUMENT_CACHE_SIZE: z.coerce.number().int().min(1).default(1000),
});

export type GatewayEnv = z.infer<typeof schema>;

export function readEnv(source: NodeJS.ProcessEnv = process.env): GatewayEnv {
  return parseEnv(schema, source);
}
