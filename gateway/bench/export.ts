/**
 * Export of a large deputies register (代表名册) through the gateway: `GET /export/deputies.csv|.xlsx`
 * against paging the same register with the GraphQL query alone (100 a page), on a fresh database with
 * the demo data plus `rows` synthetic deputies of Hunan (43), then again with 4 × `rows`. Prints each run's
 * time, rows per second, ratio to the query alone, and how far the process's RSS rose above its level
 * before the run (after a GC; the four subgraphs run in this process too, so RSS counts them).
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test pnpm --filter @renda/gateway bench:export [rows]
 */
import { readFileSync } from 'node:fs';
import { deputiesService } from '@renda/deputies/server';
import { suggestionsService } from '@renda/suggestions/server';
import { supervisionService } from '@renda/supervision/server';
import { votingService } from '@renda/voting/server';
import { createTestDatabase } from '@renda/testing/database';
import { startTestServices } from '@renda/testing/services';
import { tokens } from '@renda/testing/tokens';
import { createTokenVerifier } from '@renda/auth/tokens';
import { devJwtSecret, devSubgraphSecret } from '@renda/server-kit/env';
import { close, listen } from '@renda/server-kit/http';
import { createLogger } from '@renda/server-kit/logger';
import { supergraphPath } from '../src/compose.ts';
import { createGateway } from '../src/server.ts';

if (!process.env.DATABASE_URL) {
  console.error('DATABASE_URL must point at a PostgreSQL server; a fresh database is made on it and dropped after.');
  process.exit(1);
}
const extra = Number(process.argv[2] ?? process.env.BENCH_ITEMS ?? 10_000);
const services = [deputiesService, supervisionService, suggestionsService, votingService];
const db = await createTestDatabase();
const stack = await startTestServices(services, { database: db });
const gateway = await createGateway({
  urls: Object.fromEntries(Object.entries(stack.services).map(([n, s]) => [n, s.url])),
  secret: devSubgraphSecret,
  verifier: createTokenVerifier({ kind: 'hs256', secret: devJwtSecret }),
  log: createLogger('gateway', 'silent'),
  supergraphSdl: readFileSync(supergraphPath, 'utf8'),
});
const { url } = await listen(gateway.httpServer, 0, '127.0.0.1');
const base = url.replace(/\/graphql$/, '');

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** Runs `fn`, sampling RSS every 10 ms: its time and the peak. */
async function measure(fn: () => Promise<number>) {
  global.gc?.();
  const before = process.memoryUsage.rss();
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);
  const t = performance.now();
  const count = await fn();
  const ms = performance.now() - t;
  clearInterval(timer);
  return { ms, count, before, peak: Math.max(peak, process.memoryUsage.rss()) };
}

try {
  for (const def of services) await def.seed!(stack.services[def.name]!.orm.em.fork(), stack.clock);
  const knex = stack.services.deputies!.orm.em.getKnex();
  /** Copies of the demo deputies of Hunan, with new ids (and persons) and numbered names. */
  const addDeputies = (count: number) => knex.raw(
    `with src as materialized (
       select gen_random_uuid() as new_id, gen_random_uuid() as new_person, d.name || '-' || g.n as new_name,
         d.*
       from generate_series(1, ?) g(n)
       join lateral (select * from deputies.deputies where region_code like '43%'
         order by id offset (g.n % 40) limit 1) d on true),
     persons as (insert into deputies.persons (id, name) select new_person, new_name from src)
     insert into deputies.deputies (id, person_id, leading_cadre, congress_id, region_code, name, gender, ethnicity,
       work_unit, position, phone, constituency, group_id, station_id, status, status_reason, mandate_starts_on,
       mandate_ends_on)
     select new_id, new_person, leading_cadre, congress_id, region_code, new_name, gender, ethnicity, work_unit,
       position, phone, constituency, group_id, station_id, status, status_reason, mandate_starts_on, mandate_ends_on
     from src`,
    [count],
  );
  const token = await tokens.staff('43');
  const auth = { authorization: `Bearer ${token}` };

  const queryAlone = async () => {
    let after: string | null = null;
    let n = 0;
    for (;;) {
      const res: Response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth },
        body: JSON.stringify({
          query: `query($after: String) { deputies(filter: { regionCode: "43" }, first: 100, after: $after) {
            pageInfo { hasNextPage endCursor } edges { node { id name gender ethnicity workUnit position
            constituency status region { code name } congress { name } } } } }`,
          variables: { after },
        }),
      });
      type Page = { edges: unknown[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
      const page = ((await res.json()) as { data: { deputies: Page } }).data.deputies;
      n += page.edges.length;
      if (!page.pageInfo.hasNextPage) return n;
      after = page.pageInfo.endCursor;
    }
  };
  const download = (format: string) => async () => {
    const res = await fetch(`${base}/export/deputies.${format}?region=43`, { headers: auth });
    if (res.status !== 200) throw new Error(`${format}: HTTP ${res.status} ${await res.text()}`);
    let bytes = 0;
    const reader = res.body!.getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) bytes += r.value.length;
    return bytes;
  };

  await addDeputies(extra);
  await queryAlone(); // warm-up: plans, connections
  // Twice: the register, then four times as large; a streamed export's peak should not grow with it.
  for (const round of [1, 2]) {
    if (round === 2) await addDeputies(3 * extra);
    const alone = await measure(queryAlone);
    const rows = alone.count;
    console.log(`deputies register of 43: ${rows} rows, pages of 100`);
    const line = (label: string, r: Awaited<ReturnType<typeof measure>>, extraText = '') =>
      console.log(
        `  ${label.padEnd(20)} ${r.ms.toFixed(0).padStart(6)} ms` +
          ` ${((rows / r.ms) * 1000).toFixed(0).padStart(6)} rows/s` +
          ` x${(r.ms / alone.ms).toFixed(2)} of the query alone;` +
          ` RSS ${mib(r.before)}, peak +${mib(r.peak - r.before)}` +
          extraText,
      );
    line('GraphQL query alone', alone);
    for (const format of ['csv', 'xlsx']) {
      const r = await measure(download(format));
      line(`export deputies.${format}`, r, `; ${(r.count / 2 ** 20).toFixed(1)} MiB file`);
    }
  }
} finally {
  await close(gateway.httpServer);
  await gateway.stop();
  await stack.stop();
  await db.drop();
}
