import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayRuntime } from '@graphql-hive/gateway';
import { SignJWT } from 'jose';
import { createTokenVerifier } from '@renda/auth/tokens';
import { demoId } from '@renda/db/ids';
import { deputiesService } from '@renda/deputies/server';
import { devJwtSecret, devSubgraphSecret } from '@renda/server-kit/env';
import { close, listen } from '@renda/server-kit/http';
import { suggestionsService } from '@renda/suggestions/server';
import { supervisionService } from '@renda/supervision/server';
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
  stack = await startTestServices(services);
  for (const def of services) await def.seed!(stack.services[def.name]!.orm.em.fork(), stack.clock);
  runtime = createGatewayRuntime(
    hiveGatewayConfig({
      urls: Object.fromEntries(Object.entries(stack.services).map(([name, s]) => [name, s.url])),
      secret: devSubgraphSecret,
      verifier: createTokenVerifier({ kind: 'hs256', secret: devJwtSecret }),
      supergraphSdl: readFileSync(supergraphPath, 'utf8'),
    }),
  );
  server = createServer(runtime);
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
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test reads nested fields freely
  type Answer = { data?: Record<string, any>; errors?: { message: string; extensions?: { code?: string } }[] };
  return { status: res.status, json: (await res.json()) as Answer };
}

async function data(query: string, token?: string, variables?: Record<string, unknown>) {
  const { json } = await post({ query, variables }, token ? { authorization: `Bearer ${token}` } : {});
  expect(json.errors, JSON.stringify(json.errors)).toBeUndefined();
  console.log(`hive gateway: ${JSON.stringify(json.data).slice(0, 300)}`);
  return json.data!;
}

describe('one graph across four subgraphs, through Hive Gateway', () => {
  it('a region carries the figures of every subgraph for its subtree', async () => {
    const analyst = await tokens.analyst('43');
    const d = await data(
      `{ region(code: "430181") { name level children { code name }
          deputyStats(year: 2026) { activeDeputies stations }
          supervisionStats(year: 2026) { documentsFiled filedLate motions }
          suggestionStats(year: 2026) { total replied satisfactionRate }
          votingStats(year: 2026) { programs regionsWithProgram projectsElected budgetTotal }
          units { name kind } programs { title stage } } }`,
      analyst,
    );
    expect(d.region.name).toBe('浏阳市');
    expect(d.region.children).toEqual([{ code: '430181104', name: '永安镇' }]);
    expect(d.region.deputyStats.activeDeputies).toBe(119);
    expect(d.region.supervisionStats.documentsFiled).toBeGreaterThan(0);
    expect(d.region.suggestionStats.total).toBeGreaterThan(0);
    expect(d.region.votingStats.programs).toBeGreaterThan(0);
    expect(d.region.units.length).toBeGreaterThan(5);
  });

  it('a deputy sees their own record across subgraphs (the bearer reaches every subgraph)', async () => {
    const id = demoId('deputy:430181:1');
    const token = await tokens.deputy('430181', id);
    const d = await data(
      `{ me { id name congress { name } inspections { lawName } suggestions { title stage }
              suggestionCount(year: 2026) supervisedProjects { title } ballotsCast(year: 2026)
              duty(year: 2026) { voterContacts meetsMinimums } } }`,
      token,
    );
    expect(d.me.id).toBe(id);
    expect(d.me.congress.name).toBe('浏阳市第十八届人民代表大会');
    expect(Array.isArray(d.me.suggestions)).toBe(true);
  });

  it("a unit shows what it handles in suggestions and voting, and the Yong'an vote is public once closed", async () => {
    const staff = await tokens.staff('43');
    const d = await data(
      `query($unit: ID!) { unit(id: $unit) { name region { name } officials { name }
          handledSuggestions { title } suggestionStats(year: 2026) { total } livelihoodProjects { title } } }`,
      staff,
      { unit: demoId('unit:430181:transport') },
    );
    expect(d.unit.name).toBe('浏阳市交通运输局');
    expect(d.unit.region.name).toBe('浏阳市');
    const publicView = await data(
      `{ programs(regionCode: "430181104") { title stage session { number congress { name } }
          projects { title rank satisfaction { rate } } } }`,
    );
    const closed = publicView.programs.filter((p: { stage: string }) => p.stage === 'CLOSED');
    expect(closed.length).toBeGreaterThan(0);
    expect(closed[0].session.congress.name).toBe('永安镇第十八届人民代表大会');
  });

  it('a session lists the suggestions and programs of every subgraph', async () => {
    const staff = await tokens.staff('43');
    const d = await data(
      `query($id: ID!) { congress(id: $id) {
          sessions { number suggestions { title } livelihoodPrograms { title } } } }`,
      staff,
      { id: demoId('congress:430181104') },
    );
    expect(d.congress.sessions).toHaveLength(4);
  });

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
