// `pnpm bench:start`: how long `pnpm start` takes to answer its first GraphQL request through the gateway,
// on a first start (a fresh embedded database, migrated and seeded) and on a warm start (the same data).
// Each start runs in a new temporary DATA_DIR on free ports; the clock runs from spawning the command
// to the first answer with data (polled every 50 ms); once every process is up (the launcher says when:
// "all up" below) the platform is stopped with SIGINT.
//
//   node packages/platform/bench/start.mjs [command …]     (default: pnpm start)
//   BENCH_START_RUNS=3: first/warm pairs (default 1); BENCH_START_COLD=1: as on a fresh checkout,
//   delete the compiled bundles (`<package>/.start`) and the embedded database's empty-cluster dump
//   (node_modules/.cache/renda-pglite) before the first start, so it includes building both.
// Each line also gives the CPU seconds the platform's processes spent until the answer, and the load
// average: the machine is shared.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const command = process.argv.length > 2 ? process.argv.slice(2) : ['pnpm', 'start'];
const runs = Number(process.env.BENCH_START_RUNS ?? 1);

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const query = JSON.stringify({ query: '{ region(code: "430181") { name currentCongress { activeDeputyCount } } }' });

async function answered(url) {
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: query });
    const body = await res.json();
    return Boolean(body?.data?.region?.name);
  } catch {
    return false;
  }
}

/** CPU seconds of a process and all its descendants (with the children they already reaped). */
function treeCpuSeconds(pid) {
  let ticks = 0;
  const visit = (p) => {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
      for (const task of readdirSync(`/proc/${p}/task`)) {
        const kids = readFileSync(`/proc/${p}/task/${task}/children`, 'utf8').trim();
        if (kids) for (const kid of kids.split(' ')) visit(Number(kid));
      }
    } catch {
      // It ended meanwhile.
    }
  };
  visit(pid);
  return ticks / 100;
}

async function startOnce(dataDir, label) {
  const names = ['GATEWAY_PORT', 'DEPUTIES_PORT', 'SUGGESTIONS_PORT', 'SUPERVISION_PORT', 'VOTING_PORT'];
  const ports = Object.fromEntries(await Promise.all(names.map(async (n) => [n, String(await freePort())])));
  const env = { ...process.env, ...ports, DATA_DIR: dataDir };
  for (const k of ['DATABASE_URL', 'REDIS_URL', 'NODE_ENV', 'LOG_LEVEL', 'SEED_DEMO']) delete env[k];
  const started = performance.now();
  const child = spawn(command[0], command.slice(1), {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let gone = false;
  void exited.then(() => (gone = true));
  const url = `http://127.0.0.1:${ports.GATEWAY_PORT}/graphql`;
  while (!gone && !(await answered(url))) await new Promise((r) => setTimeout(r, 50));
  const ms = performance.now() - started;
  const cpu = treeCpuSeconds(child.pid);
  if (gone) throw new Error(`${label}: the platform exited before answering:\n${output}`);
  // Stopped once every process is up (the launcher's "is running" line), so the warm start finds every
  // schema migrated and seeded, not only those the first answer needed.
  while (!gone && !/is running \(started in/.test(output)) await new Promise((r) => setTimeout(r, 50));
  const allUp = /is running \(started in ([\d.]+) s\)/.exec(output)?.[1];
  // Ctrl-C: the signal reaches the whole process group (pnpm, the launcher), as in a terminal.
  process.kill(-child.pid, 'SIGINT');
  await exited;
  const phases = output.split('\n').filter((l) => /\(\d+\.\d s\)|compiled/.test(l) && !l.includes('is running'));
  return { ms, cpu, phases, allUp };
}

const results = { first: [], warm: [] };
for (let i = 0; i < runs; i++) {
  const dataDir = mkdtempSync(join(tmpdir(), 'renda-start-'));
  try {
    if (i === 0 && process.env.BENCH_START_COLD) {
      const dirs = ['packages/platform', 'gateway', ...readdirSync(join(root, 'services')).map((s) => `services/${s}`)];
      for (const dir of dirs) rmSync(join(root, dir, '.start'), { recursive: true, force: true });
      rmSync(join(root, 'node_modules', '.cache', 'renda-pglite'), { recursive: true, force: true });
    }
    for (const kind of ['first', 'warm']) {
      const load = loadavg()[0].toFixed(1);
      const { ms, cpu, phases, allUp } = await startOnce(dataDir, kind);
      results[kind].push(ms);
      console.log(
        `${kind.padEnd(6)} start → first answer: ${(ms / 1000).toFixed(1)} s (${cpu.toFixed(1)} CPU s; load ${load}); ` +
          `all up: ${allUp ?? '?'} s`,
      );
      for (const line of phases) console.log(`         ${line}`);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  `\n\`${command.join(' ')}\` to the first answered GraphQL request (median of ${runs}): ` +
    `first start ${(median(results.first) / 1000).toFixed(1)} s (fresh embedded database, demo data written), ` +
    `warm start ${(median(results.warm) / 1000).toFixed(1)} s`,
);
