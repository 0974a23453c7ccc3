import { join } from 'node:path';
import { createCache, type Cache } from '@renda/cache/cache';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '@renda/db/embedded';
import { createTokenVerifier, type TokenConfig } from '@renda/auth/tokens';
import type { Clock } from '@renda/server-kit/clock';
import { close, listen } from '@renda/server-kit/http';
import type { Logger } from '@renda/server-kit/logger';
import { startService, type RunningService, type ServiceDefinition } from '@renda/server-kit/service';
import { createGateway, type Gateway } from '@renda/gateway/server';

export interface PlatformOptions {
  services: ServiceDefinition[];
  databaseUrl?: string;
  dataDir?: string;
  embeddedDbPort?: number;
  redisUrl?: string;
  tokens: TokenConfig;
  secret: string;
  clock: Clock;
  log: Logger;
  ports: Record<string, number>;
  gatewayPort: number;
  host: string;
  seed: boolean;
  maskErrors?: boolean;
  supergraphSdl?: string;
}

export interface Platform {
  gatewayUrl: string;
  databaseUrl: string;
  services: Record<string, RunningService>;
  gateway: Gateway;
  cache: Cache;
  stop(): Promise<void>;
}

/**
 * Starts the whole graph in one process: the database (embedded unless a URL is given), the four
 * subgraphs (each migrating its own schema, seeding demo data when empty) and the gateway.
 */
export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  let embedded: EmbeddedPostgres | null = null;
  let databaseUrl = options.databaseUrl;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres({ dataDir: join(options.dataDir ?? '.data', 'pglite'), port: options.embeddedDbPort ?? 0 });
    databaseUrl = embedded.url;
  }
  const cache = createCache(options.redisUrl);
  const siblings: Record<string, string> = {};
  const services: Record<string, RunningService> = {};
  for (const def of options.services) {
    const running = await startService(
      def,
      {
        databaseUrl,
        tokens: options.tokens,
        clock: options.clock,
        cache,
        log: options.log.child({ service: def.name }),
        secret: options.secret,
        siblings,
        maskErrors: options.maskErrors ?? false,
        poolMax: embedded ? 4 : 10,
      },
      options.ports[def.name] ?? 0,
      options.host,
    );
    services[def.name] = running;
    siblings[def.name] = running.url;
    if (options.seed && def.seed) {
      await def.seed(running.orm.em.fork(), options.clock);
    }
  }
  const gateway = await createGateway({
    urls: siblings,
    secret: options.secret,
    verifier: createTokenVerifier(options.tokens),
    log: options.log.child({ service: 'gateway' }),
    maskErrors: options.maskErrors ?? false,
    ...(options.supergraphSdl ? { supergraphSdl: options.supergraphSdl } : {}),
  });
  const address = await listen(gateway.httpServer, options.gatewayPort, options.host);
  return {
    gatewayUrl: address.url,
    databaseUrl,
    services,
    gateway,
    cache,
    async stop() {
      await close(gateway.httpServer);
      await gateway.stop();
      for (const s of Object.values(services).reverse()) await s.stop();
      await cache.close();
      if (embedded) await embedded.stop();
    },
  };
}
