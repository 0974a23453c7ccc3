import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { commonEnvSchema, parseEnv } from '@renda/server-kit/env';

/** The one place the platform launcher reads process.env. */
const schema = commonEnvSchema.extend({
  /** Where the embedded database keeps its data when DATABASE_URL is unset. */
  DATA_DIR: z.string().default('.data'),
  /** Port of the embedded PostgreSQL (0: any free port). */
  EMBEDDED_DB_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  GATEWAY_PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  DEPUTIES_PORT: z.coerce.number().int().min(0).max(65535).default(4001),
  SUGGESTIONS_PORT: z.coerce.number().int().min(0).max(65535).default(4002),
  SUPERVISION_PORT: z.coerce.number().int().min(0).max(65535).default(4003),
  VOTING_PORT: z.coerce.number().int().min(0).max(65535).default(4004),
  /** Write demo data on first start (an empty database). */
  SEED_DEMO: z.enum(['true', 'false']).default('true'),
});

export type PlatformEnv = z.infer<typeof schema> & { dataDir: string };

export function readEnv(source: NodeJS.ProcessEnv = process.env): PlatformEnv {
  const env = parseEnv(schema, source);
  // pnpm runs scripts in the package folder; a relative DATA_DIR means relative to where you ran `pnpm start`.
  const base = source.INIT_CWD ?? process.cwd();
  return { ...env, dataDir: isAbsolute(env.DATA_DIR) ? env.DATA_DIR : resolve(base, env.DATA_DIR) };
}
