import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { getIntrospectionQuery } from 'graphql';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { demoId } from '@renda/db/ids';
import { deputiesService } from '@renda/deputies/server';
import { suggestionsService } from '@renda/suggestions/server';
import { supervisionService } from '@renda/supervision/server';
import { votingService } from '@renda/voting/server';
import { devJwtSecret, devSubgraphSecret } from '@renda/server-kit/env';
import { close } from '@renda/server-kit/http';
import { startService, type RunningService } from '@renda/server-kit/service';
import { tokens } from '@renda/testing/tokens';
import { readEnv } from '../src/env.ts';
import { clientAddressOf, clientError } from '../src/server.ts';
import { startTestPlatform, type TestPlatform } from './harness.ts';

/**
 * The gateway against an attacker and a broken neighbourhood: cheap limits that cover introspection
 * and variables, subgraph answers kept whatever their status, a dead subgraph nulling only its own
 * fields, readiness, CORS, request ids, trusted proxies and errors that never quote addresses or SQL.
 */
let platform: TestPlatform;
const services = [deputiesService, supervisionService, suggestionsService, votingService];

/** Leaks a client must never see: addresses, raw bodies, stacks, SQL. */
function expectNoLeaks(body: unknown) {
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/127\.0\.0\.1|localhost|https?:\/\/|ECONNREFUSED|fetch failed/);
  expect(text).not.toMatch(/"response"|"stacktrace"|"exception"/);
  expect(text).not.toMatch(/\bselect\b|\bfrom "|relation "/i);
}

/** A log sink: every JSON line a logger writes. */
function captureLog() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: pino({ level: 'info' }, stream), lines };
}

/** An HTTP hop in front of a real subgraph that records the headers the gateway sends it. */
async function recordingHop(target: string): Promise<{ url: string; seen: IncomingHttpHeaders[]; server: Server }> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const hopHeaders = ['host', 'content-length', 'connection'];
      const kept = Object.entries(req.headers).filter(([k]) => !hopHeaders.includes(k));
      const headers = Object.fromEntries(kept) as Record<string, string>;
      fetch(target, { method: 'POST', headers, body: Buffer.concat(chunks) })
        .then(async (r) => {
          res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json' });
          res.end(Buffer.from(await r.arrayBuffer()));
        })
        .catch(() => res.writeHead(502).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, seen, server };
}

/** A URL where nothing listens. */
async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/graphql`;
}

/** A second deputies subgraph on the test database, logging into `log`. */
function extraDeputies(log: ReturnType<typeof captureLog>['log']): Promise<RunningService> {
  return startService(
    deputiesService,
    {
      databaseUrl: platform.db.url,
      tokens: { kind: 'hs256', secret: devJwtSecret },
      clock: platform.clock,
      cache: platform.cache,
      log,
      secret: devSubgraphSecret,
      poolMax: 2,
    },
    0,
  );
}

const urlsOf = () => Object.fromEntries(Object.entries(platform.services).map(([name, s]) => [name, s.url]));

beforeAll(async () => {
  platform = await startTestPlatform(services, { demo: true });
});
afterAll(() => platform?.stop());

describe('limits that cannot be escaped', () => {
  it('prices each fragment once: fragments that spread the next one twice are refused at once', async () => {
    // 2^26 paths through 26 fragments in about 1.5 KB: walking each spread again takes minutes.
    const levels = 26;
    const fragment = (i: number) => `fragment F${i} on Region { ...F${i + 1} ...F${i + 1} }`;
    const fragments = Array.from({ length: levels }, (_, i) => fragment(i)).join(' ');
    const query = `{ region(code: "43") { ...F0 } } ${fragments} fragment F${levels} on Region { code name }`;
    expect(query.length).toBeLessThan(2000);
    const { status, json } = await platform.post({ query });
    expect(status).toBe(400);
    expect(json.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(json.errors[0].message).toMatch(/estimated cost/);
  });

  it('counts introspection against the alias limit: __schema aliased 120 times is refused', async () => {
    const field = (i: number) => `s${i}: __schema { types { name fields { name } } }`;
    const fields = Array.from({ length: 120 }, (_, i) => field(i)).join(' ');
    const { status, json } = await platform.post({ query: `{ ${fields} }` });
    expect(status).toBe(400);
    expect(json.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(json.errors[0].message).toMatch(/aliases limit of 30 exceeded, found 120/i);
  });

  it('counts introspection against the cost limit: one full introspection fits, two do not', async () => {
    const full = getIntrospectionQuery();
    const fragments = full.slice(full.indexOf('fragment '));
    const twice = `{ a: __schema { types { ...FullType } } b: __schema { types { ...FullType } } } ${fragments}`;
    const { status, json } = await platform.post({ query: twice });
    expect(status).toBe(400);
    expect(json.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(json.errors[0].message).toMatch(/estimated cost/);
    const once = await platform.post({ query: `{ a: __schema { types { ...FullType } } } ${fragments}` });
    expect(once.status).toBe(200);
    expect(once.json.data.a.types.length).toBeGreaterThan(50);
  });

  it('counts introspection against the depth limit', async () => {
    let selection = 'name';
    for (let i = 0; i < 14; i++) selection = `ofType { ${selection} }`;
    const query = `{ __schema { types { fields { type { ${selection} } } } } }`;
    const { status, json } = await platform.post({ query });
    expect(status).toBe(400);
    expect(json.errors[0].message).toMatch(/depth limit of 15 exceeded/);
  });

  it("still answers GraphiQL's own introspection query in development", async () => {
    const { status, json } = await platform.post({ query: getIntrospectionQuery() });
    expect(status).toBe(200);
    expect(json.errors).toBeUndefined();
    expect(json.data.__schema.types.length).toBeGreaterThan(50);
  });

  it('switches introspection off (INTROSPECTION=false, the production default) but keeps __typename', async () => {
    const closed = await platform.gatewayWith({ introspection: false });
    const refused = await closed.post({ query: '{ __schema { types { name } } }' });
    expect(refused.status).toBe(400);
    expect(refused.json.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const byType = await closed.post({ query: '{ __type(name: "Region") { name } }' });
    expect(byType.status).toBe(400);
    const typename = await closed.post({ query: '{ __typename }' });
    expect(typename.json).toEqual({ data: { __typename: 'Query' } });
  });

  it('refuses a document over the token limit (MAX_TOKENS) before validating it', async () => {
    const query = `{ regions { ${Array.from({ length: 2100 }, () => 'code').join(' ')} } }`;
    expect(query.length).toBeLessThan(20_000);
    const { status, json } = await platform.post({ query });
    expect(status).toBe(400);
    expect(json.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(json.errors[0].message).toMatch(/2000 tokens/);
  });

  it('prices a page size passed as a variable like the same literal', async () => {
    const strict = await platform.gatewayWith({ limits: { maxCost: 1000 } });
    const literal = (n: number) => `{ deputies(first: ${n}) { edges { node { contacts(year: 2026) { summary } } } } }`;
    const page = '{ edges { node { contacts(year: 2026) { summary } } } }';
    const variable = `query($n: Int) { deputies(first: $n) ${page} }`;
    const byDefault = `query($n: Int = 100) { deputies(first: $n) ${page} }`;
    // 1 + 100 × (edges + node + contacts + 10 × summary) = 1,301 > 1,000; with 50 it is 651.
    for (const body of [{ query: literal(100) }, { query: variable, variables: { n: 100 } }, { query: byDefault }]) {
      const { status, json } = await strict.post(body, { authorization: `Bearer ${await tokens.admin()}` });
      expect(status, JSON.stringify(body)).toBe(400);
      expect(json.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(json.errors[0].message).toMatch(/estimated cost is 1301/);
      expect(json.errors[0].extensions.http).toBeUndefined();
    }
    for (const body of [{ query: literal(50) }, { query: variable, variables: { n: 50 } }]) {
      const { status, json } = await strict.post(body, { authorization: `Bearer ${await tokens.admin()}` });
      expect(status, JSON.stringify(json)).toBe(200);
      expect(json.errors).toBeUndefined();
    }
  });
});

describe('subgraph answers and failures', () => {
  it('keeps the public data of a subgraph that refused one field, and shows no subgraph internals', async () => {
    // The public may read a deputy's profile but not their contact records: the deputies subgraph
    // refuses `contacts` (UNAUTHENTICATED) in the same answer that carries the region.
    const { status, json } = await platform.post({
      query: `query($id: ID!) { region(code: "430181") { name }
        deputy(id: $id) { name contacts(year: 2026) { summary } } }`,
      variables: { id: demoId('deputy:430181:1') },
    });
    expect(status).toBe(200);
    expect(json.data.region).toEqual({ name: '浏阳市' });
    expect(json.data.deputy).toBeNull();
    expect(json.errors).toHaveLength(1);
    expect(json.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(json.errors[0].path).toEqual(['deputy', 'contacts']);
    expectNoLeaks(json);
  });

  it('a subgraph that cannot be reached is SERVICE_UNAVAILABLE naming it; only its fields are null', async () => {
    const broken = await platform.gatewayWith({ urls: { ...urlsOf(), supervision: await deadUrl() } });
    const staff = await tokens.staff('43');
    const unit = demoId('unit:430181:transport');
    const { status, json } = await broken.post(
      {
        query: 'query($unit: ID!) { region(code: "430181") { name children { name } } unit(id: $unit) { name } }',
        variables: { unit },
      },
      { authorization: `Bearer ${staff}` },
    );
    expect(status).toBe(200);
    expect(json.data.region).toEqual({ name: '浏阳市', children: [{ name: '永安镇' }] });
    expect(json.data.unit).toBeNull();
    expect(json.errors).toHaveLength(1);
    expect(json.errors[0].extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', service: 'supervision' });
    expect(json.errors[0].message).toMatch(/supervision/);
    expectNoLeaks(json);
    // The same unit through a healthy gateway, to show what was lost was real data.
    const healthy = await platform.execute('query($unit: ID!) { unit(id: $unit) { name } }', { unit }, staff);
    expect(healthy.data).toEqual({ unit: { name: '浏阳市交通运输局' } });
  });

  it("a field resolved by a dead subgraph on another subgraph's entity is nulled alone with its error", async () => {
    const broken = await platform.gatewayWith({ urls: { ...urlsOf(), deputies: await deadUrl() } });
    const staff = await tokens.staff('43');
    const { json } = await broken.post(
      {
        query: 'query($unit: ID!) { unit(id: $unit) { name } region(code: "430181") { name } }',
        variables: { unit: demoId('unit:430181:transport') },
      },
      { authorization: `Bearer ${staff}` },
    );
    expect(json.data).toEqual({ unit: { name: '浏阳市交通运输局' }, region: null });
    const extensions = json.errors.map((e: { extensions: unknown }) => e.extensions);
    expect(extensions).toEqual([{ code: 'SERVICE_UNAVAILABLE', service: 'deputies' }]);
    expectNoLeaks(json);
  });

  it('masks unexpected subgraph errors in development too: no SQL; the gateway log has the request id', async () => {
    const { log, lines } = captureLog();
    const gateway = await platform.gatewayWith({ log, maskErrors: false });
    const knex = platform.services.deputies!.orm.em.getConnection();
    await knex.execute('alter table deputies.regions rename to regions_gone');
    let result: Awaited<ReturnType<typeof gateway.post>>;
    try {
      const query = '{ region(code: "4301") { name } }';
      result = await gateway.post({ query }, { 'x-request-id': 'sql-leak-check-1' });
    } finally {
      await knex.execute('alter table deputies.regions_gone rename to regions');
    }
    expect(result.json.data).toEqual({ region: null });
    const masked = { message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    expect(result.json.errors[0]).toMatchObject(masked);
    expectNoLeaks(result.json);
    // The subgraph masks it already (its own log keeps the SQL: packages/server-kit/test/failures.test.ts);
    // the gateway's line ties the answer to the request.
    const logged = lines.find((l) => l.msg === 'unexpected error');
    expect(logged).toMatchObject({ requestId: 'sql-leak-check-1' });
  });
});

describe('what clients see of an error', () => {
  it('keeps the message and code meant for them, drops addresses, bodies and stacks, masks the rest', () => {
    const refused = clientError({
      message: 'You may not read deputy statistics of region 43.',
      path: ['region', 'deputyStats'],
      extensions: {
        code: 'FORBIDDEN',
        serviceName: 'deputies',
        response: { url: 'http://127.0.0.1:4001/graphql', status: 403, body: '{}' },
        stacktrace: ['at x'],
      },
    });
    expect(refused).toEqual({
      message: 'You may not read deputy statistics of region 43.',
      path: ['region', 'deputyStats'],
      extensions: { code: 'FORBIDDEN' },
    });
    const masked = { message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    const refusedConnection = { message: 'connect ECONNREFUSED 10.0.0.3:5432', extensions: { code: 'BAD_USER_INPUT' } };
    expect(clientError(refusedConnection)).toEqual(masked);
    expect(clientError({ message: 'select "r0".* from "deputies"."regions" as "r0" - boom' })).toEqual(masked);
    expect(clientError({ message: 'Unexpected', extensions: { code: 'DOWNSTREAM_SERVICE_ERROR' } })).toEqual(masked);
    const parse = { message: 'Syntax Error: Unexpected Name "http".', extensions: { code: 'GRAPHQL_PARSE_FAILED' } };
    expect(clientError(parse)).toEqual(parse);
  });
});

describe('health', () => {
  it('/health/live is 200 while up; /health/ready and /health are 503 when a subgraph is down', async () => {
    const broken = await platform.gatewayWith({ urls: { ...urlsOf(), voting: await deadUrl() } });
    const base = broken.url.replace(/\/graphql$/, '');
    const live = await fetch(`${base}/health/live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'up' });
    for (const path of ['/health/ready', '/health']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBe(503);
      const body = await res.json();
      const subgraphs = { deputies: 'up', supervision: 'up', suggestions: 'up', voting: 'down' };
      expect(body).toEqual({ status: 'down', subgraphs });
      expectNoLeaks(body);
    }
    const ready = await fetch(platform.url.replace(/\/graphql$/, '/health/ready'));
    expect(ready.status).toBe(200);
    const subgraphs = { deputies: 'up', supervision: 'up', suggestions: 'up', voting: 'up' };
    expect(await ready.json()).toEqual({ status: 'up', subgraphs });
  });

  it('subgraphs answer /health/live and /health/ready (their database) without the secret', async () => {
    const base = platform.services.voting!.url.replace(/\/graphql$/, '');
    const live = await fetch(`${base}/health/live`);
    expect(live.status).toBe(200);
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'up', service: 'voting' });
  });

  it('a subgraph whose database is gone is live but not ready, and the gateway is not ready either', async () => {
    const deputies = await extraDeputies(captureLog().log);
    try {
      const gateway = await platform.gatewayWith({ urls: { ...urlsOf(), deputies: deputies.url } });
      await deputies.orm.close(true);
      const base = deputies.url.replace(/\/graphql$/, '');
      expect((await fetch(`${base}/health/live`)).status).toBe(200);
      const ready = await fetch(`${base}/health/ready`);
      expect(ready.status).toBe(503);
      const body = await ready.json();
      expect(body).toEqual({ status: 'down' });
      const gatewayReady = await fetch(gateway.url.replace(/\/graphql$/, '/health/ready'));
      expect(gatewayReady.status).toBe(503);
      expect(((await gatewayReady.json()) as { subgraphs: Record<string, string> }).subgraphs.deputies).toBe('down');
    } finally {
      await close(deputies.server);
      await deputies.attached?.stop();
      await deputies.subgraph.apollo.stop();
    }
  });
});

describe('CORS', () => {
  const preflight = (url: string, origin: string) =>
    fetch(url, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, authorization',
      },
    });
  const postFrom = (url: string, origin: string) =>
    fetch(url, {
      method: 'POST',
      headers: { origin, 'content-type': 'application/json' },
      body: '{"query":"{ __typename }"}',
    });

  it("answers an allowed origin's preflight with 204, methods and headers, and gives others nothing", async () => {
    const gateway = await platform.gatewayWith({ cors: ['https://npc.example.cn'] });
    const ok = await preflight(gateway.url, 'https://npc.example.cn');
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://npc.example.cn');
    expect(ok.headers.get('access-control-allow-methods')).toMatch(/POST/);
    const allowed = ok.headers
      .get('access-control-allow-headers')!
      .split(',')
      .map((h) => h.trim());
    const needed = ['content-type', 'authorization', 'apollo-require-preflight', 'x-request-id'];
    expect(allowed).toEqual(expect.arrayContaining(needed));
    const post = await postFrom(gateway.url, 'https://npc.example.cn');
    expect(post.headers.get('access-control-allow-origin')).toBe('https://npc.example.cn');
    expect(post.headers.get('access-control-expose-headers')).toMatch(/x-request-id/);

    const other = await preflight(gateway.url, 'https://evil.example.com');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(other.headers.get('access-control-allow-methods')).toBeNull();
    const otherPost = await postFrom(gateway.url, 'https://evil.example.com');
    expect(otherPost.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows any origin with *, never with credentials; sends no CORS headers when unset', async () => {
    const any = await platform.gatewayWith({ cors: '*' });
    const res = await preflight(any.url, 'https://a.example.org');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    const none = await postFrom(platform.url, 'https://npc.example.cn');
    expect(none.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('request ids and client addresses', () => {
  it('takes a valid x-request-id or traceparent, else makes one, and answers it in x-request-id', async () => {
    const given = await platform.post({ query: '{ __typename }' }, { 'x-request-id': 'office-42.call-7' });
    expect(given.headers.get('x-request-id')).toBe('office-42.call-7');
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const trace = await platform.post({ query: '{ __typename }' }, { traceparent });
    expect(trace.headers.get('x-request-id')).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    for (const bad of ['x'.repeat(129), 'a b', '<script>', 'id?"']) {
      const res = await platform.post({ query: '{ __typename }' }, { 'x-request-id': bad });
      const id = res.headers.get('x-request-id')!;
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
    }
    const made = await platform.post({ query: '{ __typename }' });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const health = await fetch(platform.url.replace(/\/graphql$/, '/health/live'));
    expect(health.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("puts the request id in the gateway's and the subgraph's log lines and forwards it", async () => {
    const subgraphLog = captureLog();
    const deputies = await extraDeputies(subgraphLog.log);
    const hop = await recordingHop(deputies.url);
    try {
      const { log, lines } = captureLog();
      const gateway = await platform.gatewayWith({ log, urls: { ...urlsOf(), deputies: hop.url } });
      const query = '{ region(code: "430181") { name } }';
      const res = await gateway.post({ query }, { 'x-request-id': 'trace-me-1' });
      expect(res.json.data.region.name).toBe('浏阳市');
      expect(hop.seen.map((h) => h['x-request-id'])).toEqual(['trace-me-1']);
      const mine = lines.filter((l) => l.msg === 'graphql');
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({ requestId: 'trace-me-1' });
      const theirs = subgraphLog.lines.filter((l) => l.msg === 'graphql');
      expect(theirs).toHaveLength(1);
      expect(theirs[0]).toMatchObject({ requestId: 'trace-me-1' });
    } finally {
      await close(hop.server);
      await deputies.stop();
    }
  });

  it("forwards the socket address by default and the proxy's client address only with TRUST_PROXY", async () => {
    const hop = await recordingHop(platform.services.deputies!.url);
    try {
      const query = { query: '{ region(code: "430181") { name } }' };
      const plain = await platform.gatewayWith({ urls: { ...urlsOf(), deputies: hop.url } });
      await plain.post(query, { 'x-forwarded-for': '203.0.113.7' });
      const oneHop = await platform.gatewayWith({ urls: { ...urlsOf(), deputies: hop.url }, trustProxy: 1 });
      await oneHop.post(query, { 'x-forwarded-for': '198.51.100.1, 203.0.113.7' });
      const all = await platform.gatewayWith({ urls: { ...urlsOf(), deputies: hop.url }, trustProxy: true });
      await all.post(query, { 'x-forwarded-for': '198.51.100.1, 203.0.113.7' });
      expect(hop.seen.map((h) => h['x-forwarded-for'])).toEqual(['127.0.0.1', '203.0.113.7', '198.51.100.1']);
    } finally {
      await close(hop.server);
    }
  });

  it('resolves client addresses hop by hop and ignores what is not an address', () => {
    const req = (xff: string | undefined) =>
      ({ headers: xff ? { 'x-forwarded-for': xff } : {}, socket: { remoteAddress: '10.0.0.2' } }) as never;
    expect(clientAddressOf(req('1.2.3.4'), false)).toBe('10.0.0.2');
    expect(clientAddressOf(req('1.2.3.4, 5.6.7.8'), 1)).toBe('5.6.7.8');
    expect(clientAddressOf(req('1.2.3.4, 5.6.7.8'), 2)).toBe('1.2.3.4');
    expect(clientAddressOf(req('1.2.3.4, 5.6.7.8'), 5)).toBe('1.2.3.4');
    expect(clientAddressOf(req('not-an-ip'), 1)).toBe('10.0.0.2');
    expect(clientAddressOf(req(undefined), true)).toBe('10.0.0.2');
  });
});

describe('settings', () => {
  it('INTROSPECTION defaults off in production and on otherwise; TRUST_PROXY and CORS_ORIGINS parse', () => {
    const base = { JWT_SECRET: 'a-secret-of-enough-length', SUBGRAPH_SECRET: 'another-secret-of-length' };
    expect(readEnv({ ...base, NODE_ENV: 'production' }).INTROSPECTION).toBe(false);
    expect(readEnv({ ...base, NODE_ENV: 'production', INTROSPECTION: 'true' }).INTROSPECTION).toBe(true);
    expect(readEnv({ NODE_ENV: 'development' }).INTROSPECTION).toBe(true);
    expect(readEnv({ INTROSPECTION: 'false' }).INTROSPECTION).toBe(false);
    expect(readEnv({}).TRUST_PROXY).toBe(false);
    expect(readEnv({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(readEnv({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(true);
    expect(readEnv({}).CORS_ORIGINS).toBeUndefined();
    expect(readEnv({ CORS_ORIGINS: '*' }).CORS_ORIGINS).toBe('*');
    const origins = readEnv({ CORS_ORIGINS: 'https://a.cn, http://localhost:5173' }).CORS_ORIGINS;
    expect(origins).toEqual(['https://a.cn', 'http://localhost:5173']);
    expect(readEnv({ MAX_TOKENS: '500' }).MAX_TOKENS).toBe(500);
  });

  it('a bad value stops start-up with one line naming the variable', () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation(((code: number) => {
      throw new Error(`exit ${code}`);
    }) as never);
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const bad = [
        ['INTROSPECTION', 'yes'],
        ['TRUST_PROXY', 'sometimes'],
        ['CORS_ORIGINS', 'npc.example.cn/app'],
        ['MAX_TOKENS', '10'],
      ];
      for (const [name, value] of bad) {
        error.mockClear();
        expect(() => readEnv({ [name!]: value })).toThrow('exit 1');
        expect(String(error.mock.calls[0]![0])).toMatch(new RegExp(`\\n  ${name}: .*${name}`));
      }
    } finally {
      exit.mockRestore();
      error.mockRestore();
    }
  });
});
