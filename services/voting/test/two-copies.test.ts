import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deputiesService } from '@renda/deputies/server';
import { supervisionService } from '@renda/supervision/server';
import { createCache, type Cache } from '@renda/cache/cache';
import { devJwtSecret, devSubgraphSecret } from '@renda/server-kit/env';
import { createLogger } from '@renda/server-kit/logger';
import { subgraphSecretHeader } from '@renda/server-kit/http';
import { startService, type RunningService } from '@renda/server-kit/service';
import { startTestServices, type TestStack } from '@renda/testing/services';
import { tokens } from '@renda/testing/tokens';
import { defaultVotingSettings } from '../src/env.ts';
import { votingService } from '../src/server.ts';
import { CAST, createTownship, openBallot, programWithCandidates, type Township } from './support/world.ts';

/**
 * Two copies of the voting subgraph on one PostgreSQL and one Redis, behind a round-robin proxy: what
 * scaling a service out by copies relies on (docs/scale.md).
 */
const ready = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);
if (!ready) console.log('two-copies.test.ts skipped: needs DATABASE_URL and REDIS_URL (one PostgreSQL, one Redis)');

let stack: TestStack;
let copies: RunningService[] = [];
let caches: Cache[] = [];
let proxy: Server;
let proxyUrl: string;
const served = [0, 0];

/** Sends each request to the next copy in turn, as a load balancer would. */
function startProxy(upstreams: string[]): Promise<string> {
  let next = 0;
  proxy = createServer((req, res) => {
    const i = next++ % upstreams.length;
    served[i]!++;
    const target = new URL(req.url ?? '/', upstreams[i]);
    const upstream = request(target, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  return new Promise((resolve) =>
    proxy.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(proxy.address() as AddressInfo).port}`)),
  );
}

async function post(query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}) {
  const res = await fetch(`${proxyUrl}${new URL(copies[0]!.url).pathname}`, {
    method: 'POST',
    // The proxy stands where the gateway does: it sends the subgraph secret.
    headers: { 'content-type': 'application/json', [subgraphSecretHeader]: devSubgraphSecret, ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: Record<string, unknown> | null; errors?: { extensions?: { code?: string } }[] };
}

describe.skipIf(!ready)('two copies of the voting subgraph', () => {
  let town: Township;
  let staff: string;
  beforeAll(async () => {
    stack = await startTestServices([deputiesService, supervisionService]);
    const siblings = { deputies: stack.services.deputies!.url, supervision: stack.services.supervision!.url };
    caches = [createCache(process.env.REDIS_URL), createCache(process.env.REDIS_URL)];
    // Both copies start at once on the fresh database: both migrate, under the advisory lock.
    copies = await Promise.all(
      caches.map((cache) =>
        startService(
          votingService,
          {
            databaseUrl: stack.db.url,
            tokens: { kind: 'hs256', secret: devJwtSecret },
            clock: stack.clock,
            cache,
            log: createLogger('voting', 'silent'),
            secret: devSubgraphSecret,
            poolMax: 5,
            siblings,
          },
          0,
        ),
      ),
    );
    proxyUrl = await startProxy(copies.map((c) => c.url));
    town = await createTownship(stack, '430181201', 6);
    staff = await tokens.staff(town.code);
  }, 60_000);
  afterAll(async () => {
    await new Promise((r) => proxy?.close(r));
    await Promise.all(copies.map((c) => c.stop()));
    await Promise.all(caches.map((c) => c.close()));
    await stack?.stop();
  });

  it('both copies start on a fresh database and every migration is applied once', async () => {
    const rows = (await copies[0]!.orm.em
      .fork()
      .getConnection()
      .execute('select name, count(*)::int as n from voting.mikro_orm_migrations group by name')) as { n: number }[];
    const times = [...new Set(rows.map((r) => r.n))].join('/');
    console.log(`two copies: ${rows.length} migrations recorded, each ${times} time(s)`);
    expect(rows).toHaveLength(votingService.migrations.length);
    expect(rows.every((r) => r.n === 1)).toBe(true);
  });

  it('V-3: concurrent casts through both copies: one accepted per deputy, the same total on both', async () => {
    const sg = copies[0]!.subgraph;
    const { programId, candidateIds } = await programWithCandidates(sg, town, staff, { seats: 1, candidates: 2 });
    const ballotId = await openBallot(sg, programId, town.deputyIds, staff);
    const before = [...served];
    // Each deputy sends the same paper twice at once; the proxy gives one to each copy.
    const answers = await Promise.all(
      town.deputyIds.flatMap((deputyId) =>
        [0, 1].map(async () => {
          const token = await tokens.deputy(town.code, deputyId);
          const c = [{ candidateId: candidateIds[0], choice: 'FOR' }];
          return { deputyId, r: await post(CAST, { b: ballotId, c }, { authorization: `Bearer ${token}` }) };
        }),
      ),
    );
    const accepted = answers.filter((a) => !a.r.errors);
    const codes = answers.filter((a) => a.r.errors).map((a) => a.r.errors![0]!.extensions?.code);
    console.log(
      `two copies: ${answers.length} casts by ${town.deputyIds.length} deputies, ` +
        `${served[0]! - before[0]!} to copy 1 and ${served[1]! - before[1]!} to copy 2: ` +
        `${accepted.length} accepted, refused with ${[...new Set(codes)].join(', ')}`,
    );
    expect(new Set(accepted.map((a) => a.deputyId)).size).toBe(town.deputyIds.length);
    expect(accepted).toHaveLength(town.deputyIds.length);
    expect(codes.every((c) => c === 'CONFLICT')).toBe(true);
    // Read back through both copies: one ballot per deputy, the same count either way.
    const read = `query($id: ID!) { ballot(id: $id) { ballotsCast } }`;
    const counts = [await post(read, { id: ballotId }), await post(read, { id: ballotId })].map(
      (r) => (r.data!.ballot as { ballotsCast: number }).ballotsCast,
    );
    expect(counts).toEqual([town.deputyIds.length, town.deputyIds.length]);
  });

  it('V-1: the anonymous proposal limit is shared by both copies through Redis', async () => {
    const created = await copies[0]!.subgraph.execute(
      `mutation($i: CreateProgramInput!) { createProgram(input: $i) { id } }`,
      {
        i: { regionCode: town.code, level: 'TOWNSHIP', year: 2026, sessionId: town.sessionId, title: '限流', seats: 1 },
      },
      staff,
    );
    const programId = (created.data!.createProgram as { id: string }).id;
    const limit = defaultVotingSettings.rules.proposalsPerMinute;
    // A client address of its own (the Redis server is shared with other test runs).
    const client = `10.${[0, 0, 0].map(() => Math.floor(Math.random() * 250) + 1).join('.')}`;
    const propose = `mutation($p: ID!, $i: ProposeProjectInput!) { proposeProject(programId: $p, input: $i) { id } }`;
    const verdicts: string[] = [];
    for (let n = 0; n <= limit; n++) {
      const i = { title: `提案${n}`, description: '说明', proposer: '村民' };
      const r = await post(propose, { p: programId, i }, { 'x-forwarded-for': client });
      verdicts.push(r.errors ? (r.errors[0]!.extensions?.code ?? 'ERROR') : 'ok');
    }
    console.log(`two copies: ${limit + 1} anonymous proposals, copies in turn (limit ${limit}): ${verdicts.join(' ')}`);
    // Each copy saw about half of them: only a shared count reaches the limit.
    expect(verdicts.slice(0, limit).every((v) => v === 'ok')).toBe(true);
    expect(verdicts[limit]).toBe('RATE_LIMITED');
    const program = await post(`query($id: ID!) { program(id: $id) { id } }`, { id: programId });
    expect(program.errors).toBeUndefined();
  });
});
