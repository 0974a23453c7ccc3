/**
 * One process of the peer benchmark (`bench/peer.ts` forks it): the embedded database, one subgraph,
 * this gateway or Hive Gateway with the Rust query planner. Each runs alone so the parent can read its
 * CPU time from /proc/<pid>/stat. Tells the parent `{ ready: url }` over IPC once it listens.
 *
 *   peer-process.ts db
 *   peer-process.ts subgraph <name>      (DATABASE_URL, SIBLINGS json, PORT, SEED, BENCH_ITEMS)
 *   peer-process.ts renda | hive         (SUBGRAPH_URLS json, PORT)
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createTokenVerifier } from '@renda/auth/tokens';
import { createMemoryCache } from '@renda/cache/cache';
import { startEmbeddedPostgres } from '@renda/db/embedded';
import { deputiesService } from '@renda/deputies/server';
import { FixedClock } from '@renda/server-kit/clock';
import { devJwtSecret, devSubgraphSecret } from '@renda/server-kit/env';
import { listen } from '@renda/server-kit/http';
import { createLogger } from '@renda/server-kit/logger';
import { startService } from '@renda/server-kit/service';
import { loadSyntheticProvince } from '@renda/suggestions/bench-data';
import { suggestionsService } from '@renda/suggestions/server';
import { supervisionService } from '@renda/supervision/server';
import { votingService } from '@renda/voting/server';
import { supergraphPath } from '../src/compose.ts';
import { createGateway } from '../src/server.ts';

const [role, name] = process.argv.slice(2);
const port = Number(process.env.PORT ?? 0);
const log = createLogger(role ?? 'bench', 'silent');
const ready = (url: string) => process.send!({ ready: url });
process.on('disconnect', () => process.exit(0));
// `bench/export.ts` asks for a full collection before each run (the process runs with --expose-gc there).
process.on('message', (m) => {
  if (m === 'gc') {
    global.gc?.();
    process.send!({ gc: true });
  }
});
// An exit of its own, so that `--cpu-prof` writes its profile (BENCH_PROFILE).
process.on('SIGTERM', () => process.exit(0));

const urls = (): Record<string, string> => JSON.parse(process.env.SUBGRAPH_URLS ?? '{}');

if (role === 'db') {
  const db = await startEmbeddedPostgres({ port });
  ready(db.url);
} else if (role === 'subgraph') {
  const def = [deputiesService, supervisionService, suggestionsService, votingService].find((d) => d.name === name);
  if (!def) throw new Error(`no subgraph ${name}`);
  // Demo data is dated 2026; a fixed clock keeps every run's figures the same.
  const clock = new FixedClock('2026-06-15T02:00:00Z');
  const running = await startService(
    def,
    {
      databaseUrl: process.env.DATABASE_URL!,
      tokens: { kind: 'hs256', secret: devJwtSecret },
      clock,
      cache: createMemoryCache(),
      log,
      secret: devSubgraphSecret,
      poolMax: Number(process.env.POOL_MAX ?? 10),
      siblings: JSON.parse(process.env.SIBLINGS ?? '{}'),
      // As deployed (ANSWER_CACHE_MB's default); BENCH_ANSWER_CACHE_MB=0 measures without it.
      answerCacheMegabytes: Number(process.env.BENCH_ANSWER_CACHE_MB ?? 32),
    },
    port,
  );
  if (process.env.SEED === 'true') {
    await def.seed?.(running.orm.em.fork(), clock);
    const items = Number(process.env.BENCH_ITEMS ?? 0);
    if (def.name === 'suggestions' && items > 0) {
      // loadSyntheticProvince prints its timings and the plan; the benchmark prints its own lines.
      const print = console.log;
      console.log = () => {};
      await loadSyntheticProvince(running, items, 2025);
      console.log = print;
    }
  }
  ready(running.url);
  // BENCH_VERBOSE: how the answer cache fares, every 10 s (the bench ends subgraphs with SIGKILL).
  if (process.env.BENCH_VERBOSE === '1') {
    setInterval(() => console.error(`${name} answer cache ${JSON.stringify(running.subgraph.answers?.stats)}`), 10_000).unref();
  }
} else if (role === 'renda') {
  const gateway = await createGateway({
    urls: urls(),
    secret: devSubgraphSecret,
    verifier: createTokenVerifier({ kind: 'hs256', secret: devJwtSecret }),
    log,
    supergraphSdl: readFileSync(supergraphPath, 'utf8'),
  });
  ready((await listen(gateway.httpServer, port, '127.0.0.1')).url);
} else if (role === 'hive') {
  const { createGatewayRuntime } = await import('@graphql-hive/gateway');
  const { unifiedGraphHandler } = await import('@graphql-hive/router-runtime');
  const byName = urls();
  // The committed supergraph names the default ports; point each subgraph at where it runs now.
  const supergraph = readFileSync(supergraphPath, 'utf8').replace(
    /@join__graph\(name: "(\w+)", url: "[^"]*"\)/g,
    (whole, graph: string) => (byName[graph] ? `@join__graph(name: "${graph}", url: "${byName[graph]}")` : whole),
  );
  const runtime = createGatewayRuntime({
    supergraph,
    unifiedGraphHandler,
    logging: false,
    propagateHeaders: {
      fromClientToSubgraphs: ({ request }) => ({
        authorization: request.headers.get('authorization'),
        'x-subgraph-secret': devSubgraphSecret,
      }),
    },
  });
  const server = createServer((req, res) => {
    // The runtime answers every request itself, its own failures included (as a 500): nothing to await.
    void runtime(req, res);
  });
  ready((await listen(server, port, '127.0.0.1')).url);
} else {
  console.error('usage: peer-process.ts db | subgraph <name> | renda | hive');
  process.exit(2);
}
