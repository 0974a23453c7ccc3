/**
 * Figures of a province at scale, through the gateway (S-8, F-1 to F-4, issue 10): a fresh database on
 * DATABASE_URL, the four subgraphs and the gateway with the committed supergraph; `loadSyntheticProvince`
 * (1,000,000 suggestions over 3 years, 140 units, 2,115 regions, 12 categories) and `loadProvinceDomains`
 * (deputies with their contacts, filings, livelihood programs in proportion, 10 years); then, per query,
 * cold (every service and the gateway restarted; PostgreSQL's cache stays warm) and warm p50/p95 of 20 (of 5
 * when the cold run took over 2 s), and next to it the live aggregate (the same figures computed from the base
 * tables in this process, median of 3) with whether it equals the rollups. The figures of all four domains read
 * rollups.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test pnpm --filter @renda/gateway bench:stats [items]
 *
 * BENCH_KEEP=1 keeps the loaded database (its URL printed at the end); BENCH_REUSE=<that URL> runs the queries
 * on it again without loading (new migrations are applied when the services start). BENCH_ONLY=<substrings>
 * runs only the queries whose name contains one of them (comma-separated). BENCH_WARM_RUNS=<n> asks each
 * question n times warm instead of 20 (a p95 of 20 is the second slowest run: one pause of the machine decides it).
 */
import { readFileSync } from 'node:fs';
import { request } from 'undici';
import { loadSyntheticProvince } from '@renda/suggestions/bench-data';
import { sameCounts } from '@renda/suggestions/modules/stats/stats.service';
import {
  byUnitCounts,
  isEmpty,
  periodCounts,
  primaryDb,
  regionYearCounts,
  type Counts,
  type Source,
} from '@renda/suggestions/modules/stats/stats.store';
import { figurePeriods } from '@renda/server-kit/figures';
import { FixedClock } from '@renda/server-kit/clock';
import { loadProvinceDomains } from './province-domains.ts';
import {
  deputyFigureRows,
  figureCounts,
  liveRaw,
  rollupRaw,
  type FigureRow,
} from '@renda/deputies/modules/stats/figures.store';
import { defaultDutyRules } from '@renda/deputies/env';
import { deputiesService } from '@renda/deputies/server';
import { suggestionsService } from '@renda/suggestions/server';
import { supervisionService } from '@renda/supervision/server';
import { figureMeasures, figureRows } from '@renda/supervision/modules/stats/stats.store';
import { votingService } from '@renda/voting/server';
import { figureRows as votingFigureRows, type VotingFigureSql } from '@renda/voting/modules/federation/stats.store';
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
  console.error(
    'DATABASE_URL must point at a PostgreSQL server; a fresh database is made on it and dropped afterwards.',
  );
  process.exit(1);
}
const items = Number(process.argv[2] ?? process.env.BENCH_ITEMS ?? 1_000_000);
const year = 2025;
const services = [deputiesService, supervisionService, suggestionsService, votingService];
// BENCH_REUSE=<url of a database kept by BENCH_KEEP=1> skips the load (the services migrate it on start).
const warmRuns = Math.max(1, Number(process.env.BENCH_WARM_RUNS ?? 20) || 20);
const db = process.env.BENCH_REUSE
  ? { url: process.env.BENCH_REUSE, drop: async () => {} }
  : await createTestDatabase();

async function startGraph() {
  // The warm runs ask the same question 20 times: with the subgraphs' answer cache on, every one after the
  // first would be a cache hit, not the figures' statements. Off unless BENCH_ANSWER_CACHE_MB asks for it.
  const answerCacheMegabytes = Number(process.env.BENCH_ANSWER_CACHE_MB ?? 0);
  const stack = await startTestServices(services, { now, database: db, answerCacheMegabytes });
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

const now = '2026-06-15T02:00:00Z';
const deputyFields =
  'period { year } level deputiesInOffice voterContactCompliance { rate denominator } groupActivitiesPerDeputy';
const suggestionFields =
  'period { year month } level registered overdue onTime { rate denominator } satisfaction { rate denominator }';
const supervisionFields = 'period { year } level documentsFiled filedOnTime { rate denominator }';
const votingFields =
  'period { year } level regionsVoted coverage { rate numerator denominator } satisfaction { rate denominator }';
const fourDomains = (args: string) =>
  `deputyFigures(${args}) { ${deputyFields} } suggestionFigures(${args}) { ${suggestionFields} } ` +
  `supervisionFigures(${args}) { ${supervisionFields} } votingFigures(${args}) { ${votingFields} }`;
const tenYears = { from: 2017, to: 2026 };
const clock = new FixedClock(now);

/** A part of a query computed live from the base tables and from the rollups, in process. */
type Live = (source: Source) => Promise<Counts[]>;
type LiveDeputies = (source: Source) => Promise<FigureRow[]>;
const deputiesEm = () => graph.stack.services.deputies!.orm.em.fork();
const deputyRows =
  (codes: string[], args: { from: number; to: number }): LiveDeputies =>
  (source) =>
    deputyFigureRows(
      source === 'live' ? liveRaw(deputiesEm()) : rollupRaw(deputiesEm()),
      source,
      codes,
      figurePeriods(clock, args),
      defaultDutyRules,
    );
/** The voting figures read rollups too (Migration20261201030000): their live aggregate beside them, in process. */
type LiveVoting = (source: Source) => Promise<VotingFigureSql[]>;
const votingRows =
  (codes: string[], args: { from: number; to: number; interval?: 'YEAR' | 'MONTH' }): LiveVoting =>
  (source) => {
    const em = graph.stack.services.voting!.orm.em.fork();
    return votingFigureRows(em, figurePeriods(clock, args), codes, source, em.getKnex());
  };
const cities = Array.from({ length: 14 }, (_, i) => `43${String(i + 1).padStart(2, '0')}`);
/** Supervision figure rows (`supervisionFigures`) from the rollups or the base tables. */
type LiveSupervision = (source: Source) => Promise<Record<string, string | number>[]>;
const queries: {
  name: string;
  query: string;
  live?: Live;
  deputies?: LiveDeputies;
  voting?: LiveVoting;
  supervision?: LiveSupervision;
}[] = [
  {
    name: 'Region.suggestionStats 43 (province)',
    query: `{ region(code: "43") { suggestionStats(year: ${year}) { total replied onTimeRate satisfactionRate resolutionRate overdue coercionRisks } } }`,
    live: (s) => regionYearCounts(primaryDb(emOf()), s, ['43'], year, `${year}-12-31`),
  },
  {
    name: 'unitRanking 43 (140 units)',
    query: `{ unitRanking(regionCode: "43", year: ${year}) { unit { id } score stats { total onTimeRate satisfactionRate resolutionRate } } }`,
    live: (s) => byUnitCounts(primaryDb(emOf()), s, '43', year, year, `${year}-12-31`),
  },
  {
    name: 'suggestionFigures 43, 12 months',
    query: `{ region(code: "43") { suggestionFigures(from: ${year}, to: ${year}, interval: MONTH) { ${suggestionFields} } } }`,
    live: (s) =>
      periodCounts(primaryDb(emOf()), s, ['43'], figurePeriods(clock, { from: year, to: year, interval: 'MONTH' })),
  },
  {
    name: '4 domains 43, 10 years (2017-2026)',
    query: `{ region(code: "43") { ${fourDomains(`from: ${tenYears.from}, to: ${tenYears.to}`)} } }`,
    live: (s) => periodCounts(primaryDb(emOf()), s, ['43'], figurePeriods(clock, tenYears)),
    deputies: deputyRows(['43'], tenYears),
  },
  {
    name: '4 domains by city (14), one year',
    query: `{ region(code: "43") { children { code ${fourDomains(`from: ${year}, to: ${year}`)} } } }`,
    live: (s) => periodCounts(primaryDb(emOf()), s, cities, figurePeriods(clock, { from: year, to: year })),
    deputies: deputyRows(cities, { from: year, to: year }),
  },
  {
    name: 'suggestionFigures 43 by category, 1 year',
    query: `{ region(code: "43") { suggestionFiguresByCategory(from: ${year}, to: ${year}) { category level registered overdue } } }`,
    live: (s) =>
      periodCounts(primaryDb(emOf()), s, ['43'], figurePeriods(clock, { from: year, to: year }), {
        byCategory: true,
      }),
  },
  {
    name: 'deputyFigures 43, 10 years',
    query: `{ region(code: "43") { deputyFigures(from: 2017, to: 2026) { ${deputyFields} } } }`,
    deputies: deputyRows(['43'], tenYears),
  },
  {
    name: 'supervisionFigures 43, 10 years',
    query: `{ region(code: "43") { supervisionFigures(from: 2017, to: 2026) { ${supervisionFields} } } }`,
    supervision: (source) =>
      figureRows(graph.stack.services.supervision!.orm.em.fork(), figurePeriods(clock, tenYears), ['43'], source),
  },
  {
    name: 'supervisionFigures 43, 10 years by month',
    query: `{ region(code: "43") { supervisionFigures(from: 2017, to: 2026, interval: MONTH) { ${supervisionFields} } } }`,
    supervision: (source) =>
      figureRows(
        graph.stack.services.supervision!.orm.em.fork(),
        figurePeriods(clock, { ...tenYears, interval: 'MONTH' }),
        ['43'],
        source,
      ),
  },
  {
    name: 'votingFigures 43, 10 years',
    query: `{ region(code: "43") { votingFigures(from: 2017, to: 2026) { ${votingFields} } } }`,
    voting: votingRows(['43'], tenYears),
  },
  {
    name: 'votingFigures 43, 10 years by month',
    query: `{ region(code: "43") { votingFigures(from: 2017, to: 2026, interval: MONTH) { ${votingFields} } } }`,
    voting: votingRows(['43'], { ...tenYears, interval: 'MONTH' }),
  },
];
let graph: Awaited<ReturnType<typeof startGraph>>;
let emOf: () => ReturnType<
  NonNullable<Awaited<ReturnType<typeof startTestServices>>['services']['suggestions']>['orm']['em']['fork']
>;

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const ms = (x: number) => `${x < 10 ? x.toFixed(1) : x.toFixed(0)} ms`;

try {
  graph = await startGraph();
  emOf = () => graph.stack.services.suggestions!.orm.em.fork();
  const t = performance.now();
  if (!process.env.BENCH_REUSE) {
    await loadSyntheticProvince(graph.stack.services.suggestions!, items, year);
    const counts = await loadProvinceDomains(graph.stack.services as never, items / 1_000_000);
    console.log(`other domains: ${JSON.stringify(counts)}`);
    console.log(`load total ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  const token = await tokenFor({ role: 'ANALYST', region: '43', sub: 'bench' });
  const ask = async (query: string) => {
    const started = performance.now();
    const res = await request(graph.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query }),
    });
    const body = (await res.body.json()) as { errors?: unknown; data?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return { ms: performance.now() - started, data: body.data };
  };
  console.log('province figures:', JSON.stringify((await ask(queries[0]!.query)).data));
  console.log(
    `\n${'through the gateway'.padEnd(42)} ${'cold'.padStart(8)} ${'warm p50'.padStart(9)} ${'warm p95'.padStart(9)}   ` +
      'live aggregate against the rollups (in process)',
  );
  const only = process.env.BENCH_ONLY;
  for (const { name, query, live, deputies, voting, supervision } of queries.filter(
    (q) => !only || only.split(',').some((o) => q.name.includes(o)),
  )) {
    await graph.stop();
    graph = await startGraph();
    const cold = await ask(query);
    const warm: number[] = [];
    // BENCH_WARM_RUNS (20) warm runs; 5 for a query whose cold run took more than 2 s (p95 of 5 is their slowest).
    for (let i = 0; i < (cold.ms > 2000 ? 5 : warmRuns); i++) warm.push((await ask(query)).ms);
    warm.sort((a, b) => a - b);
    const besides: string[] = [];
    const compare = async <R>(
      label: string,
      run: (source: Source) => Promise<R[]>,
      key: (r: R) => string,
      same: (a: R, b: R) => boolean,
      empty: (r: R) => boolean,
    ) => {
      const times: Record<Source, number[]> = { live: [], rollups: [] };
      const results: Partial<Record<Source, R[]>> = {};
      for (let i = 0; i < 3; i++) {
        for (const source of ['live', 'rollups'] as const) {
          const started = performance.now();
          results[source] = await run(source);
          times[source].push(performance.now() - started);
        }
      }
      const [a, b] = [results.live!, results.rollups!].map(
        (rows) => new Map(rows.filter((r) => !empty(r)).map((r) => [key(r), r])),
      );
      const equal = a!.size === b!.size && [...a!].every(([k, r]) => b!.has(k) && same(r, b!.get(k)!));
      const median = (x: number[]) => x.sort((p, q) => p - q)[1]!;
      besides.push(`${label} live ${ms(median(times.live))} vs rollups ${ms(median(times.rollups))}, equal: ${equal}`);
    };
    if (live) {
      const key = (r: Counts) =>
        `${r.key}|${(r as { i?: number }).i ?? ''}|${(r as { level?: string }).level ?? ''}|${(r as { category?: string }).category ?? ''}`;
      await compare('suggestions', live, key, (x, y) => sameCounts(x, y), isEmpty);
    }
    if (deputies) {
      const counts = (r: FigureRow) => figureCounts.map((n) => Number(r[n]));
      await compare(
        'deputies',
        deputies,
        (r) => `${r.key}|${r.i}|${r.level}`,
        (x, y) => counts(x).join() === counts(y).join(),
        (r) => counts(r).every((n) => n === 0),
      );
    }
    if (voting) {
      const counts = (r: VotingFigureSql) =>
        [r.votes, r.regions, r.cast, r.roll, r.rated_projects, r.content, r.rated].map(Number);
      await compare(
        'voting',
        voting,
        (r) => `${r.key}|${r.i}|${r.level}`,
        (x, y) => counts(x).join() === counts(y).join(),
        (r) => counts(r).every((n) => n === 0),
      );
    }
    if (supervision) {
      const counts = (r: Record<string, string | number>) => figureMeasures.map((m) => Number(r[m] ?? 0));
      await compare(
        'supervision',
        supervision,
        (r) => `${r.key}|${r.i}|${r.level}`,
        (x, y) => counts(x).join() === counts(y).join(),
        (r) => counts(r).every((n) => n === 0),
      );
    }
    const beside = besides.join('; ') || 'no rollups: the figure is the live aggregate';
    console.log(
      `${name.padEnd(42)} ${ms(cold.ms).padStart(8)} ${ms(pct(warm, 50)).padStart(9)} ${ms(pct(warm, 95)).padStart(9)}   ${beside}`,
    );
  }
  await graph.stop();
} finally {
  // BENCH_KEEP=1 keeps the loaded database (its URL printed) for EXPLAIN; it is dropped otherwise.
  if (process.env.BENCH_KEEP === '1') console.log(`kept ${db.url}`);
  else await db.drop();
}
