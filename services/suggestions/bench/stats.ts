/**
 * Benchmark of the handling statistics on a synthetic province (S-8): 1,000,000 items over 140 lead
 * units and 2,115 regions (1 province, 14 cities, 140 counties, 1,960 townships), loaded with
 * set-based SQL (generate_series) into a fresh database, then `Region.suggestionStats` and
 * `unitRanking` asked of the suggestions subgraph over HTTP, cold (first request of a freshly
 * started service) and warm (median of 5 repeats).
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/stats.ts [items]
 */
import { MikroORM } from '@mikro-orm/postgresql';
import { createMemoryCache } from '@renda/cache/cache';
import { systemClock } from '@renda/server-kit/clock';
import { devJwtSecret, devSubgraphSecret } from '@renda/server-kit/env';
import { subgraphSecretHeader } from '@renda/server-kit/http';
import { createLogger } from '@renda/server-kit/logger';
import { startService, type RunningService } from '@renda/server-kit/service';
import { tokenFor } from '@renda/testing/tokens';
import { suggestionsService } from '../src/server.ts';

const base = process.env.DATABASE_URL;
if (!base) {
  console.error('DATABASE_URL must point at a PostgreSQL server (a fresh database is created on it and dropped afterwards).');
  process.exit(1);
}
const items = Number(process.argv[2] ?? 1_000_000);
const year = 2025;
const dbName = `renda_bench_${Date.now()}`;

async function admin<T>(work: (orm: MikroORM) => Promise<T>): Promise<T> {
  const orm = await MikroORM.init({ clientUrl: base, entities: [], discovery: { warnWhenNoEntities: false }, allowGlobalContext: true });
  try {
    return await work(orm);
  } finally {
    await orm.close();
  }
}

const url = new URL(base);
url.pathname = `/${dbName}`;
const databaseUrl = url.toString();
const runtime = {
  databaseUrl,
  tokens: { kind: 'hs256' as const, secret: devJwtSecret },
  clock: systemClock,
  cache: createMemoryCache(),
  log: createLogger('suggestions', 'silent'),
  secret: devSubgraphSecret,
};

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function load(service: RunningService): Promise<void> {
  const run = (sql: string) => service.orm.em.getConnection().execute(sql);
  let t = performance.now();
  await run(`create table "suggestions"."bench_townships" as
    select (row_number() over (order by code) - 1)::int as idx, code, left(code, 6) as county from (
      select '43' || lpad(c::text, 2, '0') || lpad(k::text, 2, '0') || lpad(w::text, 3, '0') as code
      from generate_series(1, 14) c, generate_series(1, 10) k, generate_series(1, 14) w) x`);
  await run(`create table "suggestions"."bench_units" as select county, gen_random_uuid() as id from (select distinct county from "suggestions"."bench_townships") x`);
  await run(`insert into "suggestions"."suggestions" ("id", "kind", "region_code", "year", "session_id", "register_key", "serial_number", "title", "content",
      "category", "lead_deputy_id", "proposer_name", "stage", "round", "grade", "lead_official", "complex", "is_key", "key_supervisor", "lead_unit_id",
      "assigned_on", "reply_due_on", "reply_category", "replied_on", "reply_on_time", "latest_result", "coercion_risk", "rehandling", "published",
      "registered_at", "registered_by", "step_count", "version")
    select gen_random_uuid(), 'SUGGESTION', t.code, y, null, t.code || ':' || y, g, '建议 ' || g, '关于改善民生的建议', null, null, null,
      case when r < 10 then 'RECEIVED' when r < 25 then 'HANDLING' when r < 60 then 'REPLIED' else 'EVALUATED' end,
      1, 'LEVEL_4', '分管领导', false, g % 50 = 0, null, case when r < 10 then null else u.id end,
      case when r < 10 then null else a end, case when r < 10 then null else (a + interval '3 months')::date end,
      case when r < 25 then null when g / 3 % 3 = 0 then 'SOLVED' when g / 3 % 3 = 1 then 'PLANNED' else 'EXPLAINED' end,
      case when r < 25 then null else a + 60 end, case when r < 25 then null else g % 10 <> 0 end,
      case when r < 60 then null when g % 7 = 0 then 'DISSATISFIED' when g % 7 < 3 then 'BASICALLY_SATISFIED' else 'SATISFIED' end,
      r >= 60 and g % 7 <> 0 and g / 3 % 3 = 2, false, r >= 60, now(), 'bench', 1, 1
    from (select g, (g::bigint * 7919 % 100)::int as r, 2024 + g % 3 as y, (date '2024-01-15' + (g % 700))::date as a from generate_series(1, ${items}) g) s
    join "suggestions"."bench_townships" t on t.idx = s.g % 1960
    join "suggestions"."bench_units" u on u.county = t.county`);
  console.log(`loaded ${items.toLocaleString()} items in ${seconds(performance.now() - t)}`);
  t = performance.now();
  await run('vacuum analyze "suggestions"."suggestions"');
  console.log(`vacuum analyze in ${seconds(performance.now() - t)}`);
  await run('drop table "suggestions"."bench_townships", "suggestions"."bench_units"');
  const plan: { 'QUERY PLAN': string }[] = await service.orm.em
    .getConnection()
    .execute(`explain (analyze, buffers) select count(*), count(reply_category), count(latest_result) from "suggestions"."suggestions" s where s.year = ${year} and s.region_code like '43%'`);
  console.log(`plan of the province scan:\n  ${plan.map((r) => r['QUERY PLAN']).join('\n  ')}`);
}

async function timed(service: RunningService, token: string, query: string): Promise<{ ms: number; data: unknown }> {
  const t = performance.now();
  const response = await fetch(service.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, [subgraphSecretHeader]: devSubgraphSecret },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { data?: unknown; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return { ms: performance.now() - t, data: body.data };
}

const queries: [string, string][] = [
  ['Region.suggestionStats 43 (province)', `{ _entities(representations: [{__typename: "Region", code: "43"}]) { ... on Region { suggestionStats(year: ${year}) { total replied onTimeRate satisfactionRate resolutionRate overdue coercionRisks } } } }`],
  ['Region.suggestionStats 4301 (city)', `{ _entities(representations: [{__typename: "Region", code: "4301"}]) { ... on Region { suggestionStats(year: ${year}) { total replied onTimeRate } } } }`],
  ['Region.suggestionStats 14 cities at once', `{ _entities(representations: [${Array.from({ length: 14 }, (_, i) => `{__typename: "Region", code: "43${String(i + 1).padStart(2, '0')}"}`).join(', ')}]) { ... on Region { suggestionStats(year: ${year}) { total } } } }`],
  ['unitRanking 43 (140 units)', `{ unitRanking(regionCode: "43", year: ${year}) { unit { id } score stats { total onTimeRate satisfactionRate resolutionRate } } }`],
  ['unitRanking 4301 (10 units)', `{ unitRanking(regionCode: "4301", year: ${year}) { unit { id } score } }`],
];

await admin((orm) => orm.em.getConnection().execute(`create database "${dbName}"`));
try {
  let service = await startService(suggestionsService, runtime, 0);
  await load(service);
  await service.stop();
  service = await startService(suggestionsService, runtime, 0);
  const token = await tokenFor({ role: 'ANALYST', region: '43', sub: 'bench' });
  const sample = await timed(service, token, queries[0]![1]);
  console.log('province figures:', JSON.stringify(sample.data));
  await service.stop();
  service = await startService(suggestionsService, runtime, 0);
  console.log(`\n${'query'.padEnd(42)} ${'cold'.padStart(9)} ${'warm (median of 5)'.padStart(20)}`);
  for (const [name, query] of queries) {
    const cold = await timed(service, token, query);
    const warm: number[] = [];
    for (let i = 0; i < 5; i++) warm.push((await timed(service, token, query)).ms);
    warm.sort((a, b) => a - b);
    console.log(`${name.padEnd(42)} ${`${cold.ms.toFixed(0)} ms`.padStart(9)} ${`${warm[2]!.toFixed(0)} ms`.padStart(20)}`);
  }
  await service.stop();
} finally {
  await admin((orm) => orm.em.getConnection().execute(`drop database if exists "${dbName}" with (force)`));
}
