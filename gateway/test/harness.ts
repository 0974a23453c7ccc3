import { composeServices } from '@apollo/composition';
import { createTokenVerifier } from '@renda/auth/tokens';
import { countStatements } from '@renda/db/orm';
import { devJwtSecret, devSubgraphSecret } from '@renda/server-kit/env';
import { listen, close } from '@renda/server-kit/http';
import { createLogger } from '@renda/server-kit/logger';
import type { ServiceDefinition } from '@renda/server-kit/service';
import { startTestServices, type TestStack } from '@renda/testing/services';
import type { Result } from '@renda/testing/graphql';
import { printSchema } from 'graphql';
import { createGateway, type Gateway } from '../src/server.ts';
import type { QueryLimits } from '../src/limits.ts';

export interface TestPlatform extends TestStack {
  gateway: Gateway;
  url: string;
  /** Posts a raw body to the gateway. */
  post(body: unknown, headers?: Record<string, string>): Promise<{ status: number; json: any }>;
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
export async function startTestPlatform(defs: ServiceDefinition[], options: { limits?: QueryLimits; supergraphSdl?: string; now?: string } = {}): Promise<TestPlatform> {
  const stack = await startTestServices(defs, options.now ? { now: options.now } : {});
  const gateway = await createGateway({
    urls: Object.fromEntries(Object.entries(stack.services).map(([name, s]) => [name, s.url])),
    secret: devSubgraphSecret,
    verifier: createTokenVerifier({ kind: 'hs256', secret: devJwtSecret }),
    log: createLogger('gateway', 'silent'),
    supergraphSdl: options.supergraphSdl ?? compose(defs),
    ...(options.limits ? { limits: options.limits } : {}),
  });
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
    return { status: res.status, json };
  };
  return {
    ...stack,
    gateway,
    url,
    post,
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
      await close(gateway.httpServer);
      await gateway.stop();
      await stack.stop();
    },
  };
}

export { printSchema };
