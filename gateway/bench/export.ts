/**
 * Export of a large suggestions register (建议办理情况) through the gateway: `GET /export/suggestions.csv|.xlsx`
 * against paging the same register with its GraphQL query alone (100 a page), on a fresh database with the
 * demo data plus `items` synthetic suggestions of Hunan (43) over three years (`loadSyntheticProvince`).
 * The subgraphs run in this process; the gateway runs in a child process of its own, whose RSS is sampled
 * from /proc every 20 ms. Each run is done for one city (4301: one fourteenth of the items) and for the
 * province (all of them), so that a streamed export's peak shows it does not grow with the rows.
 * Prints each run's rows, time, rows per second, ratio to the query alone, the gateway's CPU time (user +
 * system: a machine shared with other work stretches the wall time, not this), and its RSS before the run
 * (after a full collection in it) and at its peak.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test pnpm --filter @renda/gateway bench:export [items]
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { deputiesService } from '@renda/deputies/server';
import { loadSyntheticProvince } from '@renda/suggestions/bench-data';
import { suggestionsService } from '@renda/suggestions/server';
import { supervisionService } from '@renda/supervision/server';
import { votingService } from '@renda/voting/server';
import { createTestDatabase } from '@renda/testing/database';
import { startTestServices } from '@renda/testing/services';
import { tokens } from '@renda/testing/tokens';

if (!process.env.DATABASE_URL) {
  console.error('DATABASE_URL must point at a PostgreSQL server; a fresh database is made on it and dropped after.');
  process.exit(1);
}
const items = Number(process.argv[2] ?? process.env.BENCH_ITEMS ?? 1_000_000);
const services = [deputiesService, supervisionService, suggestionsService, votingService];
const db = await createTestDatabase();
const stack = await startTestServices(services, { database: db });

const tsx = createRequire(import.meta.url).resolve('tsx');
const child = fork(new URL('./peer-process.ts', import.meta.url).pathname, ['renda'], {
  execArgv: ['--import', tsx, '--expose-gc'],
  env: {
    ...process.env,
    LOG_LEVEL: 'silent',
    PORT: '0',
    SUBGRAPH_URLS: JSON.stringify(Object.fromEntries(Object.entries(stack.services).map(([n, s]) => [n, s.url]))),
  },
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const url = await new Promise<string>((resolve, reject) => {
  child.once('message', (m: { ready?: string }) => (m.ready ? resolve(m.ready) : reject(new Error('gateway failed'))));
  child.once('exit', (code) => reject(new Error(`gateway exited with ${code}`)));
});
const base = url.replace(/\/graphql$/, '');

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
/** The gateway process's resident set, from /proc (kB there). */
const gatewayRss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) * 1024;

/** CPU seconds the gateway has used (user + system, from /proc; clock ticks of 1/100 s). */
const gatewayCpu = () => {
  const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

/** A full collection in the gateway, so that each run starts from its live memory. */
const collect = () =>
  new Promise<void>((resolve) => {
    child.once('message', () => resolve());
    child.send('gc');
  });

/** Runs `fn` after a collection in the gateway, sampling the gateway's RSS every 20 ms: its time and the peak. */
async function measure(fn: () => Promise<number>) {
  await collect();
  const before = gatewayRss();
  const cpuBefore = gatewayCpu();
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, gatewayRss())), 20);
  const t = performance.now();
  const count = await fn();
  const ms = performance.now() - t;
  clearInterval(timer);
  return { ms, count, before, peak: Math.max(peak, gatewayRss()), cpu: gatewayCpu() - cpuBefore };
}

try {
  const t = performance.now();
  for (const def of services) await def.seed!(stack.services[def.name]!.orm.em.fork(), stack.clock);
  const print = console.log;
  console.log = () => {};
  await loadSyntheticProvince(stack.services.suggestions!, items, 2025);
  console.log = print;
  const loadSeconds = ((performance.now() - t) / 1000).toFixed(0);
  console.log(`loaded the demo data and ${items.toLocaleString()} synthetic suggestions in ${loadSeconds} s`);
  const token = await tokens.staff('43');
  const auth = { authorization: `Bearer ${token}` };

  // The export's own selection, paged the way a client would page it.
  const queryAlone = (region: string) => async () => {
    let after: string | null = null;
    let n = 0;
    for (;;) {
      const res: Response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth },
        body: JSON.stringify({
          query: `query($r: ID!, $after: String) { suggestions(filter: { regionCode: $r }, first: 100, after: $after) {
            pageInfo { hasNextPage endCursor } edges { node { id serial kind title stage isKey assignedOn replyDueOn
            overdue leadDeputy { name } proposerName region { code } units { role unit { name } } } } } }`,
          variables: { r: region, after },
        }),
      });
      type Page = { edges: unknown[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
      const body = (await res.json()) as { data?: { suggestions: Page }; errors?: unknown[] };
      if (!body.data) throw new Error(JSON.stringify(body.errors));
      const page = body.data.suggestions;
      n += page.edges.length;
      if (!page.pageInfo.hasNextPage) return n;
      after = page.pageInfo.endCursor;
    }
  };
  const download = (region: string, format: string) => async () => {
    const res = await fetch(`${base}/export/suggestions.${format}?region=${region}`, { headers: auth });
    if (res.status !== 200) throw new Error(`${format}: HTTP ${res.status} ${await res.text()}`);
    let bytes = 0;
    const reader = res.body!.getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) bytes += r.value.length;
    return bytes;
  };

  await queryAlone('430181')(); // warm-up: plans, connections
  for (const region of ['4301', '43']) {
    const alone = await measure(queryAlone(region));
    const rows = alone.count;
    console.log(`suggestions register of ${region}: ${rows.toLocaleString()} rows, pages of 100`);
    const line = (label: string, r: Awaited<ReturnType<typeof measure>>, extraText = '') =>
      console.log(
        `  ${label.padEnd(24)} ${(r.ms / 1000).toFixed(1).padStart(7)} s` +
          ` ${((rows / r.ms) * 1000).toFixed(0).padStart(6)} rows/s` +
          ` x${(r.ms / alone.ms).toFixed(2)} of the query alone;` +
          ` gateway CPU ${r.cpu.toFixed(1)} s (x${(r.cpu / alone.cpu).toFixed(2)});` +
          ` gateway RSS ${mib(r.before)} before, peak ${mib(r.peak)} (+${mib(r.peak - r.before)})` +
          extraText,
      );
    line('GraphQL query alone', alone);
    for (const format of ['csv', 'xlsx']) {
      const r = await measure(download(region, format));
      line(`export suggestions.${format}`, r, `; ${(r.count / 2 ** 20).toFixed(1)} MiB file`);
    }
  }
} finally {
  child.kill();
  await stack.stop();
  await db.drop();
}
