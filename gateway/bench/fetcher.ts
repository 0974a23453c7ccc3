/**
 * Gateway CPU per request with Apollo's default subgraph fetch stack versus the keep-alive undici
 * fetcher the gateway uses. Starts the deputies subgraph (embedded database, demo data) and two
 * gateways in this process, sends the same sequential load to each, and prints requests per second
 * and the process CPU time per request. Run: `pnpm --filter @renda/gateway bench`.
 */
import { composeServices } from '@apollo/composition';
import { createTokenVerifier } from '@renda/auth/tokens';
import { deputiesService } from '@renda/deputies/server';
import { FixedClock } from '@renda/server-kit/clock';
import { devJwtSecret, devSubgraphSecret } from '@renda/server-kit/env';
import { close, listen } from '@renda/server-kit/http';
import { createLogger } from '@renda/server-kit/logger';
import { startService } from '@renda/server-kit/service';
import { createMemoryCache } from '@renda/cache/cache';
import { startEmbeddedPostgres } from '@renda/db/embedded';
import { request } from 'undici';
import { createGateway } from '../src/server.ts';

const requests = Number(process.env.BENCH_REQUESTS ?? 2000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 8);
const log = createLogger('bench', 'silent');
const db = await startEmbeddedPostgres();
const clock = new FixedClock('2026-06-15T02:00:00Z');
const deputies = await startService(
  deputiesService,
  {
    databaseUrl: db.url,
    tokens: { kind: 'hs256', secret: devJwtSecret },
    clock,
    cache: createMemoryCache(),
    log,
    secret: devSubgraphSecret,
  },
  0,
);
await deputiesService.seed!(deputies.orm.em.fork(), clock);
const supergraphSdl = composeServices([
  { name: 'deputies', url: 'http://x', typeDefs: deputiesService.typeDefs },
]).supergraphSdl!;
// A query that the gateway plans into two subgraph fetches is the common case; this one is a single fetch,
// which isolates the fetch stack's own cost.
const body = JSON.stringify({
  query: '{ region(code: "430181104") { name currentCongress { name activeDeputyCount } } }',
});

async function run(kind: 'default' | 'keep-alive') {
  const gateway = await createGateway({
    urls: { deputies: deputies.url },
    secret: devSubgraphSecret,
    verifier: createTokenVerifier({ kind: 'hs256', secret: devJwtSecret }),
    log,
    supergraphSdl,
    fetcher: kind,
  });
  const { url } = await listen(gateway.httpServer, 0, '127.0.0.1');
  const send = async () => {
    const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await res.body.text();
  };
  for (let i = 0; i < 200; i++) await send();
  const cpu = process.cpuUsage();
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < requests) await send();
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  await close(gateway.httpServer);
  await gateway.stop();
  return { kind, rps: requests / seconds, cpuMsPerRequest: (used.user + used.system) / 1000 / requests };
}

const results: Awaited<ReturnType<typeof run>>[] = [];
for (const kind of ['default', 'keep-alive', 'default', 'keep-alive'] as const) results.push(await run(kind));
console.log(`${requests} requests, ${concurrency} at a time, one process (gateway + subgraph + database):`);
for (const r of results)
  console.log(
    `  ${r.kind.padEnd(10)} ${r.rps.toFixed(0).padStart(6)} req/s  ${r.cpuMsPerRequest.toFixed(3)} ms CPU/request`,
  );
const mean = (k: string) => results.filter((r) => r.kind === k).reduce((s, r) => s + r.cpuMsPerRequest, 0) / 2;
console.log(`keep-alive / default CPU per request: ${(mean('keep-alive') / mean('default')).toFixed(2)}`);
await deputies.stop();
await db.stop();
