import { composeServices } from '@apollo/composition';
import { createTokenVerifier } from '@renda/auth/tokens';
import { countStatements } from '@renda/db/orm';
import { devJwtSecret, devSubgraphSecret } from '@renda/server-kit/env';
import { listen, close } from '@renda/server-kit/http';
import { createLogger } from '@renda/server-kit/logger';
import type { ServiceDefinition } from '@renda/server-kit/service';
import { startTestServices, type TestStack } from '@renda/testing/services';
import type { Result } from '@renda/testing/graphql';
import { createGateway, type Gateway, type GatewayOptions } from '../src/server.ts';
import type { QueryLimits } from '../src/limits.ts';

export interface TestGateway {
  gateway: Gateway;
  url: string;
  /** Posts a raw body to the gateway. */
  post(body: unknown, headers?: Record<string, string>): Promise<{ status: number; json: any; headers: Headers }>;
  stop(): Promise<void>;
}

export interface TestPlatform extends TestStack {
  gateway: Gateway;
  url: string;
  /** Posts a raw body to the gateway. */
  post(body: unknown, headers?: Record<string, string>): Promise<{ status: number; json: any; headers: Headers }>;
  /** Another gateway in front of the same subgraphs, with other options (CORS, introspection, proxies, logs). */
  gatewayWith(options: Partial<GatewayOptions>): Promise<TestGateway>;
  execute(query: string, variables?: Record<string, unknown>, token?: string): Promise<Result>;
  /** Counts SQL statements of every service's database while `fn` runs. */
  countSql<T>(fn: () => Promise<T>): Promise<{ result: T; statements: number }>;
}

/** Composes a supergraph from the given services' SDL in memory (the committed file is checked elsewhere). */
function compose(defs: ServiceDefinition[]): string {
  const result = composeServices(defs.map((d) => ({ name: d.name, url: `http://${d.name}`, typeDefs: d.typeDefs })));
  if (result.errors) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.supergraphSdl;
}

/** The gateway with the given subgraphs in process, on a fresh database, on ephemeral ports. */
async function startGateway(options: GatewayOptions): Promise<TestGateway> {
  const gateway = await createGateway(options);
  const { url } = await listen(gateway.httpServer, 0, '127.0.0.1');
  const post = async (body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: res.status, json, headers: res.headers };
  };
  return {
    gateway,
    url,
    post,
    async stop() {
      await close(gateway.httpServer);
      await gateway.stop();
    },
  };
}

export async function startTestPlatform(
  defs: ServiceDefinition[],
  options: {
    limits?: Partial<QueryLimits>;
    supergraphSdl?: string;
    now?: string;
    /** Settings of a service by name, instead of its definition's from process.env. */
    settings?: Record<string, Readonly<Record<string, unknown>>>;
    /** The subgraphs' answer cache (on by default; see startTestServices). */
    answerCacheMegabytes?: number;
    /** Start on a copy of every service's demo data (seeded once per test run, on the day of `now`). */
    demo?: boolean;
  } = {},
): Promise<TestPlatform> {
  const stack = await startTestServices(defs, {
    ...(options.now ? { now: options.now } : {}),
    ...(options.answerCacheMegabytes !== undefined ? { answerCacheMegabytes: options.answerCacheMegabytes } : {}),
    ...(options.settings ? { settings: options.settings } : {}),
    ...(options.demo ? { demo: true } : {}),
  });
  const base: GatewayOptions = {
    urls: Object.fromEntries(Object.entries(stack.services).map(([name, s]) => [name, s.url])),
    secret: devSubgraphSecret,
    verifier: createTokenVerifier({ kind: 'hs256', secret: devJwtSecret }),
    log: createLogger('gateway', 'silent'),
    supergraphSdl: options.supergraphSdl ?? compose(defs),
    ...(options.limits ? { limits: options.limits } : {}),
  };
  const { gateway, url, post } = await startGateway(base);
  const extra: TestGateway[] = [];
  return {
    ...stack,
    gateway,
    url,
    post,
    async gatewayWith(more) {
      const started = await startGateway({ ...base, ...more });
      extra.push(started);
      return started;
    },
    async execute(query, variables, token) {
      const { json } = await post({ query, variables }, token ? { authorization: `Bearer ${token}` } : {});
      return json as Result;
    },
    async countSql(fn) {
      const counters = Object.values(stack.services).map((s) => countStatements(s.orm));
      try {
        const result = await fn();
        return { result, statements: counters.reduce((n, c) => n + c.count(), 0) };
      } finally {
        counters.forEach((c) => c.stop());
      }
    },
    async stop() {
      for (const g of extra) await g.stop();
      await close(gateway.httpServer);
      await gateway.stop();
      await stack.stop();
    },
  };
}
