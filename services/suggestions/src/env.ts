import { z } from 'zod';
import { parseEnv, serviceEnvSchema } from '@renda/server-kit/env';

/** The one place this service reads process.env. */
const schema = serviceEnvSchema(4002).extend({
  /** The deputies subgraph, which this one asks whether deputies and sessions exist. */
  DEPUTIES_URL: z.string().url().default('http://127.0.0.1:4001/graphql'),
  /** The supervision subgraph, which this one asks whether government units exist. */
  SUPERVISION_URL: z.string().url().default('http://127.0.0.1:4003/graphql'),
});

export type SuggestionsEnv = z.infer<typeof schema>;

export function readEnv(source: NodeJS.ProcessEnv = process.env): SuggestionsEnv {
  return parseEnv(schema, source);
}

/** For the platform launcher, which checks every setting before it starts anything. */
export { schema as envSchema };
