/**
 * One process of `pnpm start`: a subgraph (`deputies`, `supervision`, `suggestions`, `voting`) or
 * the gateway, started by the launcher (main.ts) with `child_process.fork`. It reads its settings
 * like the standalone entry does (the launcher checked them all first and set the database URL,
 * ports and sibling URLs), reports each phase to the launcher, and stops cleanly on SIGTERM or when
 * the launcher goes away.
 */
import { parseArgs } from 'node:util';
import type { CommonEnv } from '@renda/server-kit/env';
import type { ServiceDefinition } from '@renda/server-kit/service';

export type ChildMessage =
  | { type: 'loaded' }
  | { type: 'migrated' }
  | { type: 'seeded' }
  | { type: 'up'; url: string };

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { 'pool-max': { type: 'string' }, seed: { type: 'boolean' }, 'wait-turn': { type: 'boolean' } },
});
const name = positionals[0];
const tell = (message: ChildMessage) => process.send?.(message);

async function startSubgraph(service: string): Promise<() => Promise<void>> {
  const { readEnv } = (await import(`@renda/${service}/env`)) as { readEnv: () => CommonEnv & { PORT: number } };
  const env = readEnv();
  const [{ createCache, redisTargetOf }, { systemClock }, settings, { createLogger }, { startService }, server] = await Promise.all([
    import('@renda/cache/cache'),
    import('@renda/server-kit/clock'),
    import('@renda/server-kit/env'),
    import('@renda/server-kit/logger'),
    import('@renda/server-kit/service'),
    import(`@renda/${service}/server`) as Promise<Record<string, ServiceDefinition>>,
  ]);
  const def = server[`${service}Service`]!;
  const log = createLogger(service, env.LOG_LEVEL);
  const cache = createCache(env.REDIS_URL);
  const redis = redisTargetOf(env.REDIS_URL);
  const urls = {
    deputies: process.env.DEPUTIES_URL!,
    suggestions: process.env.SUGGESTIONS_URL!,
    supervision: process.env.SUPERVISION_URL!,
    voting: process.env.VOTING_URL!,
  };
  if (values['wait-turn']) {
    // The embedded database serves one session: services migrate and seed one at a time, in the launcher's order.
    const turn = new Promise<void>((resolve) => {
      process.on('message', (m: { type?: string }) => m.type === 'open' && resolve());
    });
    tell({ type: 'loaded' });
    await turn;
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
      events: { redis },
      ...(values['pool-max'] ? { poolMax: Number(values['pool-max']) } : {}),
      onMigrated: () => tell({ type: 'migrated' }),
      ...(redis ? { redis } : {}),
    },
    env.PORT,
    env.HOST,
  );
  if (values.seed && def.seed) {
    await def.seed(running.orm.em.fork(), systemClock);
    tell({ type: 'seeded' });
  }
  tell({ type: 'up', url: running.url });
  return async () => {
    await running.stop();
    await cache.close();
  };
}

async function startGateway(): Promise<() => Promise<void>> {
  const { readEnv } = await import('@renda/gateway/env');
  const env = readEnv();
  const modules = await Promise.all([
    import('@renda/auth/tokens'),
    import('@renda/server-kit/env'),
    import('@renda/server-kit/http'),
    import('@renda/server-kit/logger'),
    import('@renda/gateway/server'),
  ]);
  const [{ createTokenVerifier }, settings, { close, listen }, { createLogger }, { createGateway }] = modules;
  const gateway = await createGateway({
    urls: {
      deputies: env.DEPUTIES_URL,
      suggestions: env.SUGGESTIONS_URL,
      supervision: env.SUPERVISION_URL,
      voting: env.VOTING_URL,
    },
    secret: env.SUBGRAPH_SECRET ?? settings.devSubgraphSecret,
    verifier: createTokenVerifier(settings.tokenConfigOf(env)),
    log: createLogger('gateway', env.LOG_LEVEL),
    limits: { maxDepth: env.MAX_DEPTH, maxAliases: env.MAX_ALIASES, maxCost: env.MAX_COST },
    maskErrors: env.NODE_ENV === 'production',
  });
  const address = await listen(gateway.httpServer, env.PORT, env.HOST);
  tell({ type: 'up', url: address.url });
  return async () => {
    await close(gateway.httpServer, env.SHUTDOWN_GRACE_MS);
    await gateway.stop();
  };
}

if (!name) {
  console.error('Usage: child.ts <deputies|supervision|suggestions|voting|gateway> (started by `pnpm start`)');
  process.exit(2);
}
const stop = await (name === 'gateway' ? startGateway() : startSubgraph(name));
let stopping = false;
const shutdown = (code: number) => {
  if (stopping) return;
  stopping = true;
  stop().then(
    () => process.exit(code),
    (e: unknown) => {
      console.error(`${name}: error while stopping:`, e);
      process.exit(1);
    },
  );
};
process.on('SIGTERM', () => shutdown(0));
process.on('SIGINT', () => shutdown(0));
// The launcher went away (killed hard): stop rather than hold the ports.
process.on('disconnect', () => shutdown(0));
