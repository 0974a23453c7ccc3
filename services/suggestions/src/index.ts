import { createCache } from '@renda/cache/cache';
import { systemClock } from '@renda/server-kit/clock';
import { devSubgraphSecret, tokenConfigOf } from '@renda/server-kit/env';
import { createLogger } from '@renda/server-kit/logger';
import { startService } from '@renda/server-kit/service';
import { readEnv } from './env.ts';
import { suggestionsService } from './server.ts';

const env = readEnv();
if (!env.DATABASE_URL) {
  console.error('Configuration error:\n  DATABASE_URL must be set to run this subgraph alone; `pnpm start` runs the whole platform on an embedded database.');
  process.exit(1);
}
const log = createLogger('suggestions', env.LOG_LEVEL);
const running = await startService(
  suggestionsService,
  {
    databaseUrl: env.DATABASE_URL,
    tokens: tokenConfigOf(env),
    clock: systemClock,
    cache: createCache(env.REDIS_URL),
    log,
    secret: env.SUBGRAPH_SECRET ?? devSubgraphSecret,
    maskErrors: env.NODE_ENV === 'production',
    siblings: { deputies: env.DEPUTIES_URL, supervision: env.SUPERVISION_URL },
  },
  env.PORT,
  env.HOST,
);
log.info({ url: running.url }, 'suggestions subgraph listening');
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void running.stop().then(() => process.exit(0)));
