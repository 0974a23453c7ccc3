import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCache, type Cache } from '@renda/cache/cache';
import { FixedClock } from '@renda/server-kit/clock';
import { devJwtSecret, devSubgraphSecret } from '@renda/server-kit/env';
import { subgraphSecretHeader } from '@renda/server-kit/http';
import { createLogger } from '@renda/server-kit/logger';
import { startService, type RunningService, type ServiceDefinition } from '@renda/server-kit/service';
import { subgraphKeepAliveMs } from '@renda/server-kit/subgraph';
import { createTestDatabase, type TestDatabase } from './database.ts';

/** A small round-robin load balancer in front of the copies of one subgraph. */
export interface Balancer {
  url: string;
  /** Requests sent to each copy so far. */
  served: number[];
  server: Server;
}

function startBalancer(upstreams: string[]): Promise<Balancer> {
  let next = 0;
  const served = upstreams.map(() => 0);
  const server = createServer((req, res) => {
    const i = next++ % upstreams.length;
    served[i]!++;
    const upstream = request(
      new URL(req.url ?? '/', upstreams[i]),
      { method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  // Idle connections stay open as long as the subgraphs keep theirs (Node's default is 5 s), as a balancer would.
  server.keepAliveTimeout = subgraphKeepAliveMs;
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, served, server }),
    ),
  );
}

export interface GraphQLAnswer {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  data?: Record<string, any> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

export interface CopiesStack {
  db: TestDatabase;
  clock: FixedClock;
  /** Every copy of each subgraph, by service name. */
  copies: Record<string, RunningService[]>;
  /** The balancer of each subgraph; subgraphs call each other through these too. */
  balancers: Record<string, Balancer>;
  /** POSTs a GraphQL operation to a subgraph through its balancer, as the gateway would (with the secret). */
  post(
    service: string,
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLAnswer>;
  stop(): Promise<void>;
}

/**
 * Starts `copies` copies of each subgraph at the same moment on one new, empty database (so every copy
 * migrates at once) and one Redis (REDIS_URL; each copy its own client, as separate processes have),
 * each subgraph behind a round-robin balancer. What scaling out by copies relies on (docs/scale.md).
 */
export async function startCopies(
  definitions: ServiceDefinition[],
  copies = 2,
  now = '2026-06-15T02:00:00Z',
): Promise<CopiesStack> {
  const db = await createTestDatabase();
  const clock = new FixedClock(now);
  const caches: Cache[] = [];
  const siblings: Record<string, string> = {};
  const running: Record<string, RunningService[]> = {};
  const balancers: Record<string, Balancer> = {};
  try {
    await Promise.all(
      definitions.map(async (def) => {
        running[def.name] = await Promise.all(
          Array.from({ length: copies }, () => {
            const cache = createCache(process.env.REDIS_URL);
            caches.push(cache);
            return startService(
              def,
              {
                databaseUrl: db.url,
                tokens: { kind: 'hs256', secret: devJwtSecret },
                clock,
                cache,
                log: createLogger(def.name, process.env.TEST_LOG_LEVEL ?? 'silent'),
                secret: devSubgraphSecret,
                poolMax: 4,
                siblings,
                // Every copy runs its outbox relay and reminder scheduler: one per service leads (advisory lock).
                events: {
                  redis: process.env.REDIS_URL || undefined,
                  settings: {
                    eventsUrl: undefined,
                    pollMs: 100,
                    batchSize: 100,
                    streamMaxLength: 10_000,
                    remindersEveryMs: 500,
                  },
                },
              },
              0,
            );
          }),
        );
      }),
    );
    for (const def of definitions) {
      balancers[def.name] = await startBalancer(running[def.name]!.map((c) => c.url));
      siblings[def.name] = `${balancers[def.name]!.url}${new URL(running[def.name]![0]!.url).pathname}`;
    }
  } catch (e) {
    await Promise.all(
      Object.values(running)
        .flat()
        .map((c) => c.stop()),
    );
    await Promise.all(caches.map((c) => c.close()));
    await db.drop();
    throw e;
  }
  return {
    db,
    clock,
    copies: running,
    balancers,
    async post(service, query, variables = {}, headers = {}) {
      const res = await fetch(siblings[service]!, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [subgraphSecretHeader]: devSubgraphSecret, ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return (await res.json()) as GraphQLAnswer;
    },
    async stop() {
      await Promise.all(Object.values(balancers).map((b) => new Promise((r) => b.server.close(r))));
      await Promise.all(
        Object.values(running)
          .flat()
          .map((c) => c.stop()),
      );
      await Promise.all(caches.map((c) => c.close()));
      await db.drop();
    },
  };
}
