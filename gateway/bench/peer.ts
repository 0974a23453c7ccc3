/**
 * This gateway (A) against Hive Gateway with the Rust query planner (B), on the same supergraph and the
 * same running subgraphs: `pnpm bench:peer`.
 *
 * Starts the database (embedded PGlite in its own process, or a fresh database on DATABASE_URL), the
 * four subgraphs with the demo data plus a synthetic province of suggestions (BENCH_ITEMS), and both
 * gateways, each in its own process. Then, for every query with one token and with 200 different
 * tokens, runs autocannon against A and B alternately (A B A B …) and prints, per pair and as the
 * median, the ratios A/B of throughput, p50 and p99 latency and CPU milliseconds per request of the
 * gateway, each subgraph and the embedded database (read from /proc/<pid>/stat). Ratios only:
 * the machine is shared, so absolute numbers are not comparable between runs.
 *
 * Settings: BENCH_PAIRS (5), BENCH_SECONDS (10), BENCH_WARMUP seconds (2), BENCH_CONNECTIONS (50),
 * BENCH_ITEMS (100000 suggestions), BENCH_QUERIES (comma-separated names, default all), BENCH_TOKENS
 * (`1,200`). BENCH_PROFILE=<dir>: every process but Hive Gateway writes a V8 CPU profile there
 * (`node --cpu-prof`) when the run ends.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import autocannon from 'autocannon';
import { request } from 'undici';
import { signDevToken } from '@renda/auth/tokens';
import { devJwtSecret } from '@renda/server-kit/env';
import { createTestDatabase, type TestDatabase } from '@renda/testing/database';
import { supergraphPath } from '../src/compose.ts';

const pairs = Number(process.env.BENCH_PAIRS ?? 5);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const warmup = Number(process.env.BENCH_WARMUP ?? 2);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const items = Number(process.env.BENCH_ITEMS ?? 100_000);
const only = process.env.BENCH_QUERIES?.split(',').map((s) => s.trim());
const tokenCounts = (process.env.BENCH_TOKENS ?? '1,200').split(',').map(Number);
const profileDir = process.env.BENCH_PROFILE;

const queries: Record<string, string> = {
  stats: `{ region(code: "430181") { name
    deputyStats(year: 2026) { activeDeputies voterContactComplianceRate groupActivityComplianceRate stations compliantStations }
    suggestionStats(year: 2026) { total replied onTimeRate overdue satisfactionRate resolutionRate }
    supervisionStats(year: 2026) { documentsFiled filedLate opinionItems opinionItemsClosed examPassRate }
    votingStats(year: 2026) { programs candidates projectsElected budgetTotal turnoutRate } } }`,
  deputies20: `{ deputies(first: 20, filter: { regionCode: "430181" }) { totalCount
    edges { node { id name position constituency suggestionCount(year: 2026) } } } }`,
  oneSubgraph: '{ region(code: "430181") { name level currentCongress { name activeDeputyCount } } }',
};

const child = new URL('./peer-process.ts', import.meta.url).pathname;
const tsx = import.meta.resolve('tsx');

/**
 * The gateways run compiled, as in production (`pnpm build`, `pnpm start`): a TypeScript loader in the
 * process would add its own memory and CPU to what is measured. Workspace packages are bundled in,
 * every other package stays an import resolved from the gateway's node_modules.
 */
async function compiledGateway(): Promise<string> {
  // esbuild comes with tsx, as in deploy/build.mjs.
  const { build } = createRequire(createRequire(import.meta.url).resolve('tsx/package.json'))('esbuild') as {
    build(options: Record<string, unknown>): Promise<unknown>;
  };
  const outfile = new URL('./.peer/peer-gateway.mjs', import.meta.url).pathname;
  await build({
    entryPoints: [new URL('./peer-gateway.ts', import.meta.url).pathname],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    plugins: [
      {
        name: 'third-party-external',
        setup(b: { onResolve(o: { filter: RegExp }, f: (a: { path: string }) => unknown): void }) {
          b.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path.startsWith('@renda/') ? undefined : { external: true },
          );
        },
      },
    ],
  });
  return outfile;
}
const processes: { name: string; proc: ChildProcess }[] = [];

function start(
  name: string,
  args: string[],
  env: Record<string, string> = {},
  file = child,
): Promise<{ url: string; pid: number }> {
  // One profile per thread (tsx's loader runs in its own), named CPU.<date>.<pid>.<thread>…: pids printed below.
  const profile = profileDir && name !== 'Hive Gateway' ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
  const proc = fork(file, args, {
    execArgv: [...(file === child ? ['--import', tsx] : []), ...profile],
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  processes.push({ name, proc });
  return new Promise((resolve, reject) => {
    proc.once('message', (m: { ready: string }) => resolve({ url: m.ready, pid: proc.pid! }));
    proc.once('exit', (code) => reject(new Error(`${name} exited with ${code} before it was ready`)));
  });
}

const tick = 1000 / 100; // ms per clock tick (USER_HZ is 100 on Linux)
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * tick; // utime + stime (fields 14 and 15)
}
function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

const median = (xs: number[]) => {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length === 0 ? NaN : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const fmt = (x: number) => (Number.isNaN(x) ? '–' : x.toFixed(2));

let db: TestDatabase | null = null;
try {
  const t0 = performance.now();
  let databaseUrl = process.env.DATABASE_URL;
  const measured: { name: string; pid: number }[] = [];
  if (databaseUrl) {
    db = await createTestDatabase();
    databaseUrl = db.url;
  } else {
    const embedded = await start('db', ['db']);
    databaseUrl = embedded.url;
    measured.push({ name: 'database', pid: embedded.pid });
  }
  const siblings: Record<string, string> = {};
  for (const name of ['deputies', 'supervision', 'suggestions', 'voting']) {
    const s = await start(name, ['subgraph', name], {
      DATABASE_URL: databaseUrl,
      SIBLINGS: JSON.stringify(siblings),
      SEED: 'true',
      BENCH_ITEMS: String(items),
      POOL_MAX: process.env.DATABASE_URL ? '10' : '4',
    });
    siblings[name] = s.url;
    console.log(`${name} ready at ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    measured.push({ name, pid: s.pid });
  }
  const gatewayFile = await compiledGateway();
  const gatewayEnv = { SUBGRAPH_URLS: JSON.stringify(siblings), SUPERGRAPH_PATH: supergraphPath };
  const gateways = {
    A: await start('this gateway', ['renda'], gatewayEnv, gatewayFile),
    // Hive's logger knows no `silent`.
    B: await start('Hive Gateway', ['hive'], { ...gatewayEnv, LOG_LEVEL: 'error' }, gatewayFile),
  };
  console.log(
    `peer benchmark: A = this gateway, B = Hive Gateway + Rust query planner; ${connections} connections, ` +
      `${pairs} pairs × ${seconds} s (A B A B …), database ${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded PGlite'}, ` +
      `${items.toLocaleString()} synthetic suggestions; ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );

  const oneToken = [await signDevToken(devJwtSecret, { sub: 'bench-user-0', role: 'STAFF', region: '43' })];
  const manyTokens = await Promise.all(
    Array.from({ length: 200 }, (_, i) =>
      signDevToken(devJwtSecret, { sub: `bench-user-${i}`, role: 'STAFF', region: '43' }),
    ),
  );

  const post = async (url: string, query: string, token: string) => {
    const res = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query }),
    });
    return { status: res.statusCode, body: (await res.body.json()) as { data?: unknown; errors?: unknown } };
  };

  const load = async (url: string, query: string, tokens: string[], duration: number) => {
    let next = 0;
    return autocannon({
      url,
      connections,
      duration,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
      requests: [
        {
          setupRequest: (req) => ({
            ...req,
            headers: { ...req.headers, authorization: `Bearer ${tokens[next++ % tokens.length]}` },
          }),
        },
      ],
    });
  };

  const pids = (side: 'A' | 'B') => [{ name: 'gateway', pid: gateways[side].pid }, ...measured];
  const run = async (side: 'A' | 'B', query: string, tokens: string[]) => {
    const before = pids(side).map((p) => cpuMs(p.pid));
    const result = await load(gateways[side].url, query, tokens, seconds);
    const after = pids(side).map((p) => cpuMs(p.pid));
    const n = result.requests.total;
    if (result.non2xx || result.errors || result.timeouts) {
      console.log(
        `  ! ${side}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts of ${n}`,
      );
    }
    if (process.env.BENCH_VERBOSE) {
      console.log(
        `  ${side} ${n} requests in ${result.duration} s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, CPU ms ` +
          pids(side)
            .map((p, i) => `${p.name} ${(after[i]! - before[i]!).toFixed(0)}`)
            .join(' '),
      );
    }
    return {
      throughput: n / result.duration,
      p50: result.latency.p50,
      p99: result.latency.p99,
      cpu: Object.fromEntries(pids(side).map((p, i) => [p.name, (after[i]! - before[i]!) / Math.max(n, 1)])),
    };
  };

  const summary: string[][] = [];
  const subgraphNames = measured.filter((p) => p.name !== 'database').map((p) => p.name);
  const cpuRows: string[][] = [];
  const metricNames = ['throughput', 'p50', 'p99', ...pids('A').map((p) => `${p.name} CPU/req`)];
  for (const [queryName, query] of Object.entries(queries)) {
    if (only && !only.includes(queryName)) continue;
    const tokenSets = [
      ['1 token', oneToken],
      ['200 tokens', manyTokens],
    ] as const;
    for (const [tokenName, tokens] of tokenSets.filter(([, t]) => tokenCounts.includes(t.length))) {
      // Same answer from both, and no errors, before anything is timed.
      const [a, b] = [await post(gateways.A.url, query, tokens[0]!), await post(gateways.B.url, query, tokens[0]!)];
      if (a.status !== 200 || a.body.errors || JSON.stringify(a.body.data) !== JSON.stringify(b.body.data)) {
        throw new Error(
          `${queryName}: the gateways disagree\nA ${a.status} ${JSON.stringify(a.body)}\nB ${b.status} ${JSON.stringify(b.body)}`,
        );
      }
      if (warmup > 0) for (const side of ['A', 'B'] as const) await load(gateways[side].url, query, tokens, warmup);
      const ratios: Record<string, number[]> = Object.fromEntries(metricNames.map((m) => [m, []]));
      // CPU ms per request of each process, each side (medians below): the subgraphs' sum is a target.
      const absolute: Record<'A' | 'B', Record<string, number[]>> = { A: {}, B: {} };
      const note = (side: 'A' | 'B', cpu: Record<string, number>) => {
        const sum = subgraphNames.reduce((t, n) => t + cpu[n]!, 0);
        for (const [name, ms] of Object.entries({ ...cpu, subgraphs: sum })) (absolute[side][name] ??= []).push(ms);
      };
      for (let i = 0; i < pairs; i++) {
        const ra = await run('A', query, tokens);
        const rb = await run('B', query, tokens);
        note('A', ra.cpu);
        note('B', rb.cpu);
        ratios.throughput!.push(ra.throughput / rb.throughput);
        ratios.p50!.push(ra.p50 / Math.max(rb.p50, 0.5));
        ratios.p99!.push(ra.p99 / Math.max(rb.p99, 0.5));
        // A process the query does not reach (a few ticks of housekeeping) has no ratio.
        for (const p of pids('A')) {
          const [ca, cb] = [ra.cpu[p.name]!, rb.cpu[p.name]!];
          const [totalA, totalB] = [ca * ra.throughput * seconds, cb * rb.throughput * seconds];
          ratios[`${p.name} CPU/req`]!.push(
            totalA < 100 && totalB < 100 ? NaN : ca / Math.max(cb, tick / (rb.throughput * seconds)),
          );
        }
      }
      console.log(`\n${queryName}, ${tokenName}: A/B per pair → median`);
      for (const m of metricNames) {
        console.log(
          `  ${m.padEnd(24)} ${ratios[m]!.map((r) => fmt(r).padStart(6)).join('')}  → ${fmt(median(ratios[m]!))}`,
        );
      }
      summary.push([`${queryName}, ${tokenName}`, ...metricNames.map((m) => fmt(median(ratios[m]!)))]);
      const cpuColumns = ['gateway', ...subgraphNames, 'subgraphs'];
      console.log(
        `  CPU ms/request (median) A: ${cpuColumns.map((n) => `${n} ${fmt(median(absolute.A[n]!))}`).join(', ')}`,
      );
      console.log(
        `  CPU ms/request (median) B: ${cpuColumns.map((n) => `${n} ${fmt(median(absolute.B[n]!))}`).join(', ')}`,
      );
      for (const side of ['A', 'B'] as const) {
        cpuRows.push([
          `${queryName}, ${tokenName}, ${side}`,
          ...cpuColumns.map((n) => fmt(median(absolute[side][n]!))),
        ]);
      }
    }
  }
  console.log('\nmedians of A/B (throughput above 1: A faster; latency and CPU below 1: A cheaper)');
  const header = ['', ...metricNames.map((m) => m.replace(' CPU/req', ''))];
  const widths = header.map((h, i) => Math.max(h.length, ...summary.map((r) => r[i]!.length)) + 2);
  console.log(header.map((h, i) => (i ? h.padStart(widths[i]!) : h.padEnd(widths[i]!))).join(''));
  for (const row of summary)
    console.log(row.map((c, i) => (i ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(''));
  console.log('\nCPU ms per request, medians (A: this gateway, B: Hive Gateway + Rust; subgraphs: their sum)');
  const cpuHeader = ['', 'gateway', ...subgraphNames, 'subgraphs'];
  const cpuWidths = cpuHeader.map((h, i) => Math.max(h.length, ...cpuRows.map((r) => r[i]!.length)) + 2);
  console.log(cpuHeader.map((h, i) => (i ? h.padStart(cpuWidths[i]!) : h.padEnd(cpuWidths[i]!))).join(''));
  for (const row of cpuRows)
    console.log(row.map((c, i) => (i ? c.padStart(cpuWidths[i]!) : c.padEnd(cpuWidths[i]!))).join(''));
  console.log(
    `(CPU columns above: ms CPU per request of that process, A/B.) RSS after the run: A ${rssMb(gateways.A.pid).toFixed(0)} MB, ` +
      `B ${rssMb(gateways.B.pid).toFixed(0)} MB, A/B ${(rssMb(gateways.A.pid) / rssMb(gateways.B.pid)).toFixed(2)}`,
  );
} finally {
  if (profileDir) {
    // --cpu-prof writes the profile when the process exits on its own: SIGTERM (peer-process exits).
    await Promise.all(
      processes
        .filter((p) => p.name !== 'Hive Gateway')
        .map(({ proc }) => {
          proc.removeAllListeners('exit');
          const gone = new Promise((resolve) => proc.once('exit', resolve));
          proc.kill('SIGTERM');
          return gone;
        }),
    );
    console.log(`CPU profiles in ${profileDir}: ${processes.map((p) => `${p.name} ${p.proc.pid}`).join(', ')}`);
  }
  // SIGKILL: Hive Gateway waits for a graceful shutdown on SIGTERM; nothing here keeps state.
  for (const { proc } of processes.reverse()) {
    proc.removeAllListeners('exit');
    proc.kill('SIGKILL');
  }
  if (db) await db.drop();
}
process.exit(0);
