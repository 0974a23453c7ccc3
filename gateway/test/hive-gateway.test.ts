import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayRuntime } from '@graphql-hive/gateway';
import { SignJWT } from 'jose';
import { createTokenVerifier } from '@renda/auth/tokens';
import { deputiesService } from '@renda/deputies/server';
import { devJwtSecret, devSubgraphSecret } from '@renda/server-kit/env';
import { close, listen } from '@renda/server-kit/http';
import { suggestionsService } from '@renda/suggestions/server';
import { supervisionService } from '@renda/supervision/server';
import { federationSuite } from './federation-suite.ts';
import { startTestServices, type TestStack } from '@renda/testing/services';
import { tokens } from '@renda/testing/tokens';
import { votingService } from '@renda/voting/server';
import { supergraphPath } from '../src/compose.ts';
import { hiveGatewayConfig } from '../src/hive.ts';

/**
 * The federation queries of federation.test.ts once through Hive Gateway with Hive Router's Rust
 * query planner instead of Apollo Gateway: the same committed supergraph, the same four subgraphs
 * with their demo data, the same token check and subgraph secret. Shows that the graph does not
 * depend on Apollo's gateway (deploy/hive-gateway/README.md).
 */
let stack: TestStack;
let runtime: ReturnType<typeof createGatewayRuntime>;
let server: ReturnType<typeof createServer>;
let url: string;
const services = [deputiesService, supervisionService, suggestionsService, votingService];

beforeAll(async () => {
  stack = await startTestServices(services, { demo: true });
  runtime = createGatewayRuntime(
    hiveGatewayConfig({
      urls: Object.fromEntries(Object.entries(stack.services).map(([name, s]) => [name, s.url])),
      secret: devSubgraphSecret,
      verifier: createTokenVerifier({ kind: 'hs256', secret: devJwtSecret }),
      supergraphSdl: readFileSync(supergraphPath, 'utf8'),
    }),
  );
  server = createServer((req, res) => {
    // The runtime answers every request itself, its own failures included (as a 500): nothing to await.
    void runtime(req, res);
  });
  url = (await listen(server, 0, '127.0.0.1')).url;
});
afterAll(async () => {
  if (server) await close(server);
  await runtime?.dispose();
  await stack?.stop();
});

async function post(body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  type Answer = { data?: Record<string, any>; errors?: { message: string; extensions?: { code?: string } }[] };
  return { status: res.status, json: (await res.json()) as Answer };
}

async function data(query: string, token?: string, variables?: Record<string, unknown>) {
  const { json } = await post({ query, variables }, token ? { authorization: `Bearer ${token}` } : {});
  expect(json.errors, JSON.stringify(json.errors)).toBeUndefined();
  console.log(`hive gateway: ${JSON.stringify(json.data).slice(0, 300)}`);
  return json.data!;
}

federationSuite('one graph across four subgraphs, through Hive Gateway', data);

describe("Hive Gateway keeps the platform's rules", () => {
  it('refuses a present but invalid token with UNAUTHENTICATED and 401, never as the public', async () => {
    const forged = await new SignJWT({ role: 'ADMIN' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .sign(new TextEncoder().encode('another-secret-of-enough-length'));
    for (const token of [forged, 'not-a-jwt']) {
      const { status, json } = await post({ query: '{ regions { code } }' }, { authorization: `Bearer ${token}` });
      console.log(`hive gateway, invalid token: ${status} ${JSON.stringify(json.errors?.[0])}`);
      expect(status).toBe(401);
      expect(json.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(json.data ?? null).toBeNull();
    }
  });

  it('applies the gateway depth limit before any subgraph is called', async () => {
    const deep = `{ region(code: "43") { ${'children { '.repeat(16)}code${' }'.repeat(16)} } }`;
    const { json } = await post({ query: deep }, { authorization: `Bearer ${await tokens.admin()}` });
    expect(json.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
