/** A subgraph as a process of `pnpm start`: migrates (in its turn on the embedded database), seeds, listens. */
import { createCache, redisTargetOf } from '@renda/cache/cache';
import { systemClock } from '@renda/server-kit/clock';
import * as settings from '@renda/server-kit/env';
import type { CommonEnv } from '@renda/server-kit/env';
import { createLogger } from '@renda/server-kit/logger';
import { startService, type ServiceDefinition } from '@renda/server-kit/service';
import { phaseTimer } from '@renda/server-kit/timing';
import { tell, type ChildOptions } from './child-runtime.ts';

/** A service's two modules: `env.ts` (its `readEnv`) and `server.ts` (its `<name>Service` definition). */
export interface SubgraphModules {
  env: { readEnv: () => CommonEnv & { PORT: number } };
  server: Record<string, unknown>;
}

export async function startSubgraph(
  service: string,
  options: ChildOptions,
  load: () => Promise<SubgraphModules>,
): Promise<() => Promise<void>> {
  const modules = await load();
  const env = modules.env.readEnv();
  const def = modules.server[`${service}Service`] as ServiceDefinition;
  const log = createLogger(service, env.LOG_LEVEL);
  const phase = phaseTimer(log, { fromProcessStart: true });
  phase('modules loaded');
  const cache = createCache(env.REDIS_URL);
  const redis = redisTargetOf(env.REDIS_URL);
  const urls = {
    deputies: process.env.DEPUTIES_URL!,
    suggestions: process.env.SUGGESTIONS_URL!,
    supervision: process.env.SUPERVISION_URL!,
    voting: process.env.VOTING_URL!,
  };
  // Events reach the notifications hub (deputies) by the Redis stream, or without Redis by its internal route.
  if (!redis && service !== 'deputies' && !process.env.EVENTS_URL && urls.deputies) {
    process.env.EVENTS_URL = new URL('/internal/events', urls.deputies).href;
  }
  if (options.waitTurn) {
    // The embedded database serves one session: services migrate and seed one at a time, in the launcher's order.
    const turn = new Promise<void>((resolve) => {
      process.on('message', (m: { type?: string }) => m.type === 'open' && resolve());
    });
    tell({ type: 'loaded' });
    await turn;
    phase('waiting for a turn at the database');
  }
  const running = await startService(
    def,
    {
      databaseUrl: env.DATABASE_URL!,
      tokens: settings.tokenConfigOf(env),
      clock: systemClock,
      cache,
      log,
      secret: env.SUBGRAPH_SECRET ?? settings.devSubgraphSecret,
      maskErrors: env.NODE_ENV === 'production',
      siblings: urls,
      shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
      publicCacheSeconds: env.PUBLIC_CACHE_SECONDS,
      answerCacheMegabytes: env.ANSWER_CACHE_MB,
      events: { redis },
      ...(redis ? { redis } : {}),
      ...(options.poolMax ? { poolMax: options.poolMax } : {}),
      onMigrated: () => tell({ type: 'migrated' }),
      phase,
    },
    env.PORT,
    env.HOST,
  );
  if (options.seed && def.seed) {
    await def.seed(running.orm.em.fork(), systemClock);
    phase('demo data');
    tell({ type: 'seeded' });
  }
  tell({ type: 'up', url: running.url });
  return async () => {
    await running.stop();
    await cache.close();
  };
}
