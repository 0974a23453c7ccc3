/**
 * What year partitions cost and save (docs/scale.md), in one run on one database: the synthetic province
 * (`loadSyntheticProvince`, items over 2024-2026) in the partitioned `suggestions.suggestions`, and the same
 * rows in an unpartitioned copy with the same indexes (`bench_flat`, primary key on id alone). Times, as
 * the median of 5 warm runs, with the ratio partitioned / unpartitioned:
 *
 * - a province's year aggregate (the figures' scan), which reads one partition;
 * - 1,000 lookups by id, which probe every partition's primary key index;
 * - inserting 20,000 items (rollup triggers off in both; the partitioned table routes each row and keeps
 *   the key registry by trigger).
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test pnpm --filter @renda/gateway bench:partitions [items]
 */
import { loadSyntheticProvince } from '@renda/suggestions/bench-data';
import { suggestionsService } from '@renda/suggestions/server';
import { createTestDatabase } from '@renda/testing/database';
import { startTestServices } from '@renda/testing/services';

if (!process.env.DATABASE_URL) {
  console.error(
    'DATABASE_URL must point at a PostgreSQL server; a fresh database is made on it and dropped afterwards.',
  );
  process.exit(1);
}
const items = Number(process.argv[2] ?? process.env.BENCH_ITEMS ?? 300_000);
const db = await createTestDatabase();
const stack = await startTestServices([suggestionsService], { now: '2026-06-15T02:00:00Z', database: db });
const service = stack.services.suggestions!;
const run = <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
  service.orm.em.getConnection().execute<T[]>(sql, params as never[]);

async function median(work: () => Promise<unknown>): Promise<number> {
  await work();
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await work();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[2]!;
}
const ms = (n: number) => `${n.toFixed(1)} ms`;

try {
  await loadSyntheticProvince(service, items, 2025);
  let t = performance.now();
  await run(
    `create table "suggestions"."bench_flat" (like "suggestions"."suggestions" including defaults including constraints)`,
  );
  await run(`insert into "suggestions"."bench_flat" select * from "suggestions"."suggestions"`);
  await run(`alter table "suggestions"."bench_flat" add primary key ("id")`);
  // The partitioned table's indexes, on the copy.
  const indexes = await run<{ def: string }>(
    `select pg_get_indexdef(indexrelid) as def from pg_index where indrelid = 'suggestions.suggestions'::regclass and not indisprimary`,
  );
  for (const { def } of indexes) {
    await run(
      def.replace(/INDEX (\S+) ON (ONLY )?(suggestions\.)?suggestions /, 'INDEX $1_flat ON suggestions.bench_flat '),
    );
  }
  // Both tables' indexes freshly built (the copy's were built after its rows, the partitions' during the load).
  await run('reindex table "suggestions"."suggestions"');
  await run('vacuum analyze "suggestions"."bench_flat"');
  console.log(
    `unpartitioned copy with ${indexes.length + 1} indexes in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
  const parts = await run<{ n: number }>(
    `select count(*)::int as n from pg_inherits where inhparent = 'suggestions.suggestions'::regclass`,
  );
  console.log(`partitioned: ${parts[0]!.n} partitions (2024, 2025, 2026, 2027, DEFAULT)`);

  const rows: [string, number, number][] = [];
  const yearScan = (table: string) => () =>
    run(
      `select count(*), count(reply_category), count(*) filter (where reply_on_time), count(latest_result)
       from "suggestions"."${table}" s where s.year between ? and ? and s.region_code like ?`,
      [2025, 2025, '43%'],
    );
  rows.push([
    'province, year 2025 (figures scan)',
    await median(yearScan('suggestions')),
    await median(yearScan('bench_flat')),
  ]);
  const ids = (
    await run<{ id: string }>(`select id from "suggestions"."suggestions" order by random() limit 1000`)
  ).map((r) => r.id);
  const lookups = (table: string) => async () => {
    for (const id of ids) await run(`select * from "suggestions"."${table}" where id = ?`, [id]);
  };
  rows.push([
    '1,000 lookups by id, one at a time',
    await median(lookups('suggestions')),
    await median(lookups('bench_flat')),
  ]);

  await run('alter table "suggestions"."suggestions" disable trigger "suggestions_rollup_rows"');
  let serial = 0;
  const insert = (table: string) => async () => {
    serial += 1;
    await run(
      `insert into "suggestions"."${table}" ("id", "kind", "region_code", "year", "register_key", "serial_number", "title", "content",
         "stage", "registered_at", "registered_by")
       select gen_random_uuid(), 'SUGGESTION', '430181', 2026, 'bench-insert-${table}-${serial}', g, '题', '内容', 'RECEIVED', now(), 'bench'
       from generate_series(1, 20000) g`,
    );
  };
  t = performance.now();
  rows.push([
    'insert 20,000 items (one statement)',
    await median(insert('suggestions')),
    await median(insert('bench_flat')),
  ]);
  await run('alter table "suggestions"."suggestions" enable trigger "suggestions_rollup_rows"');
  console.log(`\n${items.toLocaleString()} items; median of 5 warm runs\n`);
  console.log('| operation | partitioned | unpartitioned | ratio |\n|---|---|---|---|');
  for (const [what, p, f] of rows) console.log(`| ${what} | ${ms(p)} | ${ms(f)} | ${(p / f).toFixed(2)} |`);
} finally {
  await stack.stop();
}
