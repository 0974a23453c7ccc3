/**
 * One process of the peer benchmark (`bench/peer.ts` forks it): the embedded database, one subgraph,
 * (the gateways are in peer-gateway.ts). Each runs alone so the parent can read its
 * CPU time from /proc/<pid>/stat. Tells the parent `{ ready: url }` over IPC once it listens.
 *
 *   peer-process.ts db
 *   peer-process.ts subgraph <name>      (DATABASE_URL, SIBLINGS json, PORT, SEED, BENCH_ITEMS)
 */
import { createMemoryCache } from '@renda/cache/cache';
import { startEmbeddedPostgres } from '@renda/db/embedded';
import { deputiesService } from '@renda/deputies/server';
import { FixedClock } from '@renda/server-kit/clock';
import { devJwtSecret, devSubgraphSecret } from '@renda/server-kit/env';
import { createLogger } from '@renda/server-kit/logger';
import { startService } from '@renda/server-kit/service';
import { loadSyntheticProvince } from '@renda/suggestions/bench-data';
import { suggestionsService } from '@renda/suggestions/server';
import { supervisionService } from '@renda/supervision/server';
import { votingService } from '@renda/voting/server';

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
    setInterval(
      () => console.error(`${name} answer cache ${JSON.stringify(running.subgraph.answers?.stats)}`),
      10_000,
    ).unref();
  }
} else {
  console.error('usage: peer-process.ts db | subgraph <name>');
  process.exit(2);
}
