/**
 * Handling statistics of a province with a million items, through the gateway (S-8, issue 4):
 * a fresh database on DATABASE_URL, the four subgraphs and the gateway with the committed supergraph,
 * `loadSyntheticProvince` (1,000,000 items, 140 units, 2,115 regions), then `Region.suggestionStats`
 * and `unitRanking` as an analyst of the province would ask them, then `Region.suggestionFigures` (the
 * same figures as a series split by level: 1 year, 10 years, 12 months, 14 cities × 10 years): cold
 * (first request after the services start) and warm (median of 5), each also as a ratio of the
 * province's `suggestionStats` in the same run.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test pnpm --filter @renda/gateway bench:stats [items]
 */
import { readFileSync } from 'node:fs';
import { request } from 'undici';
import { loadSyntheticProvince } from '@renda/suggestions/bench-data';
import { liveCounts, rollupCounts } from '@renda/suggestions/modules/stats/stats.service';
import { deputiesService } from '@renda/deputies/server';
import { suggestionsService } from '@renda/suggestions/server';
import { supervisionService } from '@renda/supervision/server';
import { votingService } from '@renda/voting/server';
import { createTestDatabase } from '@renda/testing/database';
import { startTestServices } from '@renda/testing/services';
import { tokenFor } from '@renda/testing/tokens';
import { createTokenVerifier } from '@renda/auth/tokens';
import { devJwtSecret, devSubgraphSecret } from '@renda/server-kit/env';
import { close, listen } from '@renda/server-kit/http';
import { createLogger } from '@renda/server-kit/logger';
import { supergraphPath } from '../src/compose.ts';
import { createGateway } from '../src/server.ts';

if (!process.env.DATABASE_URL) {
  console.error('DATABASE_URL must point at a PostgreSQL server; a fresh database is made on it and dropped afterwards.');
  process.exit(1);
}
const items = Number(process.argv[2] ?? process.env.BENCH_ITEMS ?? 1_000_000);
const year = 2025;
const services = [deputiesService, supervisionService, suggestionsService, votingService];
const db = await createTestDatabase();

async function startGraph() {
  const stack = await startTestServices(services, { now: '2026-06-15T02:00:00Z', database: db });
  const gateway = await createGateway({
    urls: Object.fromEntries(Object.entries(stack.services).map(([n, s]) => [n, s.url])),
    secret: devSubgraphSecret,
    verifier: createTokenVerifier({ kind: 'hs256', secret: devJwtSecret }),
    log: createLogger('gateway', 'silent'),
    supergraphSdl: readFileSync(supergraphPath, 'utf8'),
  });
  const { url } = await listen(gateway.httpServer, 0, '127.0.0.1');
  return {
    stack,
    url,
    async stop() {
      await close(gateway.httpServer);
      await gateway.stop();
      await stack.stop();
    },
  };
}

const figureFields = 'period { year month } level registered overdue onTime { rate denominator } satisfaction { rate denominator }';
const queries: [string, string][] = [
  ['Region.suggestionStats 43 (province)', `{ region(code: "43") { suggestionStats(year: ${year}) { total replied onTimeRate satisfactionRate resolutionRate overdue coercionRisks } } }`],
  ['Region.suggestionStats 4301 (city)', `{ region(code: "4301") { suggestionStats(year: ${year}) { total replied onTimeRate } } }`],
  ['14 cities, one request', `{ regions(parentCode: "43") { code } ${Array.from({ length: 14 }, (_, i) => `c${i + 1}: region(code: "43${String(i + 1).padStart(2, '0')}") { suggestionStats(year: ${year}) { total satisfactionRate } }`).join(' ')} }`],
  ['unitRanking 43 (140 units)', `{ unitRanking(regionCode: "43", year: ${year}) { unit { id } score stats { total onTimeRate satisfactionRate resolutionRate } } }`],
  ['unitRanking 4301 (10 units)', `{ unitRanking(regionCode: "4301", year: ${year}) { unit { id } score } }`],
  // F-1 to F-4: the same figures as series split by level, one statement per request.
  ['suggestionFigures 43, 1 year', `{ region(code: "43") { suggestionFigures(from: ${year}, to: ${year}) { ${figureFields} } } }`],
  ['suggestionFigures 43, 10 years', `{ region(code: "43") { suggestionFigures(from: ${year - 9}, to: ${year}) { ${figureFields} } } }`],
  ['suggestionFigures 43, 12 months', `{ region(code: "43") { suggestionFigures(from: ${year}, to: ${year}, interval: MONTH) { ${figureFields} } } }`],
  [
    '14 cities x 10 years, one request',
    `{ ${Array.from({ length: 14 }, (_, i) => `c${i + 1}: region(code: "43${String(i + 1).padStart(2, '0')}") { suggestionFigures(from: ${year - 9}, to: ${year}) { level registered satisfaction { rate } } }`).join(' ')} }`,
  ],
];

try {
  let graph = await startGraph();
  const t = performance.now();
  await loadSyntheticProvince(graph.stack.services.suggestions!, items, year);
  console.log(`load total ${((performance.now() - t) / 1000).toFixed(1)} s`);
  // Restart everything so the first request is cold for the services (PostgreSQL's own cache stays warm).
  const token = await tokenFor({ role: 'ANALYST', region: '43', sub: 'bench' });
  const ask = async (query: string) => {
    const started = performance.now();
    const res = await request(graph.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query }) });
    const body = (await res.body.json()) as { errors?: unknown; data?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return { ms: performance.now() - started, data: body.data };
  };
  console.log('province figures:', JSON.stringify((await ask(queries[0]![1])).data));
  // S-8 rollups (kept by a trigger in the writing transaction) against the live scan, in process.
  const em = graph.stack.services.suggestions!.orm.em.fork();
  const median = async (fn: () => Promise<unknown>) => {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      await fn();
      times.push(performance.now() - started);
    }
    return times.sort((a, b) => a - b)[2]!;
  };
  for (const code of ['43', '4301']) {
    const [live, rolled] = [await liveCounts(em, code, year), await rollupCounts(em, code, year)];
    const liveMs = await median(() => liveCounts(em, code, year));
    const rollupMs = await median(() => rollupCounts(em, code, year));
    console.log(
      `counters of ${code.padEnd(4)}: live scan ${liveMs.toFixed(1)} ms, rollups ${rollupMs.toFixed(1)} ms ` +
        `(${(liveMs / rollupMs).toFixed(1)}x), equal: ${JSON.stringify(live) === JSON.stringify(rolled)}`,
    );
  }
  console.log(`\n${'through the gateway'.padEnd(40)} ${'cold'.padStart(9)} ${'warm (median of 5)'.padStart(20)} ${'warm / first'.padStart(13)}`);
  let baseline = 0;
  for (const [name, query] of queries) {
    await graph.stop();
    graph = await startGraph();
    const cold = await ask(query);
    const warm: number[] = [];
    for (let i = 0; i < 5; i++) warm.push((await ask(query)).ms);
    warm.sort((a, b) => a - b);
    baseline ||= warm[2]!;
    const ratioToFirst = `${(warm[2]! / baseline).toFixed(2)}x`;
    console.log(`${name.padEnd(40)} ${`${cold.ms.toFixed(0)} ms`.padStart(9)} ${`${warm[2]!.toFixed(0)} ms`.padStart(20)} ${ratioToFirst.padStart(13)}`);
  }
  await graph.stop();
} finally {
  await db.drop();
}
