/**
 * `pnpm start`: the whole platform on one machine. The launcher checks every setting and port,
 * runs the embedded database (unless DATABASE_URL is set), and runs the four subgraphs and the
 * gateway as child processes, restarting one that dies. Ctrl-C (SIGINT) or SIGTERM stops the
 * children, then the database. Only light modules load before the settings are checked.
 */
import { phaseTimer, type PhaseFields } from '@renda/server-kit/timing';
import { claimPorts, packageDirOf, portVariables, readEnv, serviceNames } from './env.ts';

const started = Date.now();
const env = readEnv();
const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const say = (who: string, text: string) => console.log(`${who.padEnd(12)}${text}`);
// LOG_LEVEL=debug: the launcher's own phases too (it runs the embedded database), like the children's.
const debug = ['debug', 'trace'].includes(env.logLevel);
const phase = phaseTimer(
  {
    isLevelEnabled: () => debug,
    debug: (fields: PhaseFields, message: string) =>
      say('launcher', `${message}: ${fields.ms} ms, ${fields.cpuMs} CPU ms (at ${fields.sinceProcessStartMs} ms)`),
  },
  { fromProcessStart: true },
);
phase('settings read');

// The subgraphs answer the gateway only, on this machine; HOST is where the gateway listens.
const subgraphHost = '127.0.0.1';
const ports = await claimPorts({
  // Any free port for the embedded database unless EMBEDDED_DB_PORT names one: the subgraphs are
  // given its URL when they start, while it is still being opened.
  ...(env.DATABASE_URL
    ? {}
    : { database: { port: env.EMBEDDED_DB_PORT, variable: 'EMBEDDED_DB_PORT', host: subgraphHost } }),
  ...Object.fromEntries(
    serviceNames.map((name) => [
      name,
      { port: env[portVariables[name]], variable: portVariables[name], host: subgraphHost },
    ]),
  ),
  gateway: { port: env.GATEWAY_PORT, variable: portVariables.gateway, host: env.HOST },
});

phase('ports claimed');
console.log(`人大 Graph: starting (settings checked, ports free; LOG_LEVEL ${env.logLevel})`);
const [{ join }, { fileURLToPath }, { Supervisor }] = await Promise.all([
  import('node:path'),
  import('node:url'),
  import('./supervisor.ts'),
]);

// The embedded database opens (a first start creates it: the longest step) while the children load
// their code; they take their turns at it once it is open.
let stopDatabase = async () => {};
const databaseUrl = env.DATABASE_URL ?? `postgres://postgres:postgres@${subgraphHost}:${ports.database}/postgres`;
const databaseOpen: Promise<void> = env.DATABASE_URL
  ? Promise.resolve(say('database', `DATABASE_URL (${new URL(databaseUrl).host})`))
  : import('@renda/db/embedded')
      .then(({ startEmbeddedPostgres }) =>
        startEmbeddedPostgres({
          dataDir: join(env.dataDir, 'pglite'),
          port: ports.database!,
          host: subgraphHost,
          phase,
        }),
      )
      .then(
        (embedded) => {
          stopDatabase = () => embedded.stop();
          say(
            'database',
            `embedded PostgreSQL on ${new URL(embedded.url).host}, data in ${env.dataDir} (${seconds()})`,
          );
        },
        (e: NodeJS.ErrnoException) => {
          console.error(e.code === 'EDATADIRLOCKED' ? e.message : `The embedded database did not start: ${e.message}`);
          process.exit(1);
        },
      );

const urlOf = (name: string) => `http://${name === 'gateway' ? env.HOST : subgraphHost}:${ports[name]}/graphql`;
const childEnv = {
  ...process.env,
  DATABASE_URL: databaseUrl,
  LOG_LEVEL: env.logLevel,
  // DEPUTIES_URL, SUGGESTIONS_URL, …: where each process finds its siblings.
  ...Object.fromEntries(serviceNames.map((name) => [`${name.toUpperCase()}_URL`, urlOf(name)])),
};
// `pnpm start` runs this file compiled (bin/start.mjs): each child runs its own compiled entry,
// `<package>/.start/child.js`, with plain node; `pnpm dev` runs TypeScript through tsx.
const compiled = import.meta.url.endsWith('.js');
const root = new URL('../../../', import.meta.url);
const supervisor = new Supervisor({
  turnsAfter: databaseOpen,
  entry: (name) =>
    compiled
      ? { file: fileURLToPath(new URL(`${packageDirOf(name)}/.start/child.js`, root)), execArgv: [] }
      : { file: fileURLToPath(new URL('./child.ts', import.meta.url)), execArgv: ['--import', 'tsx'] },
  say,
  seconds,
  graceMs: env.SHUTDOWN_GRACE_MS,
});
let stopping = false;
const stopAll = async (code: number) => {
  if (stopping) return;
  stopping = true;
  console.log('stopping: gateway, then the subgraphs, then the database');
  await supervisor.stop();
  // A database still being created is finished first: one stopped halfway would not open again.
  await databaseOpen;
  await stopDatabase();
  say('database', 'closed');
  process.exit(code);
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stopAll(0));

const children = serviceNames.map((name) => ({
  name,
  args: [
    name,
    ...(env.DATABASE_URL ? ['--pool-max', '10'] : ['--pool-max', '4', '--wait-turn']),
    ...(env.seed ? ['--seed'] : []),
  ],
  env: { ...childEnv, PORT: String(ports[name]), HOST: subgraphHost },
}));
// The gateway needs no database and reads the subgraphs only when asked: it loads meanwhile.
const gateway = { name: 'gateway', args: ['gateway'], env: { ...childEnv, PORT: String(ports.gateway) } };
try {
  await Promise.all([...children, gateway].map((c) => supervisor.start(c)));
} catch (e) {
  console.error(`${(e as Error).message}; stopping.`);
  await stopAll(1);
}

// Listening on every interface: the URL to open is this machine's own.
const gatewayUrl = urlOf('gateway').replace(/\/\/(0\.0\.0\.0|\[?::\]?):/, '//localhost:');
const base = gatewayUrl.replace(/\/graphql$/, '');
const custom = Boolean(env.JWT_SECRET || env.JWKS_URL);
const year = new Date().getFullYear();
console.log(`
人大 Graph is running (started in ${seconds()})

  GraphQL    ${gatewayUrl}
  GraphiQL   ${base}/graphiql
  Health     ${base}/health
  Cache      ${env.REDIS_URL ? 'Redis (REDIS_URL)' : 'in process'}
  Demo data  ${env.seed ? 'written on first start (SEED_DEMO)' : 'off (SEED_DEMO=false)'}

Get a token (${custom ? 'signed with JWT_SECRET' : 'signed with the development secret'}), in another terminal:
  pnpm -s dev-token --role STAFF --region 43
  pnpm -s dev-token --role DEPUTY --deputy demo:430181:1
and call the graph:
  curl -s ${gatewayUrl} -H 'content-type: application/json' \\
    -H "authorization: Bearer $(pnpm -s dev-token --role STAFF --region 43)" \\
    -d '{"query":"{ region(code: \\"430181\\") { name deputyStats(year: ${year}) { activeDeputies } } }"}'
${custom ? '' : 'The development secret is for development only: set JWT_SECRET in production.\n'}Stop with Ctrl-C.`);
