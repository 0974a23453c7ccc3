/**
 * `pnpm start`: the whole platform on one machine. The launcher checks every setting and port,
 * runs the embedded database (unless DATABASE_URL is set), and runs the four subgraphs and the
 * gateway as child processes, restarting one that dies. Ctrl-C (SIGINT) or SIGTERM stops the
 * children, then the database. Only light modules load before the settings are checked.
 */
import { claimPorts, portVariables, readEnv, serviceNames } from './env.ts';

const started = Date.now();
const env = readEnv();
const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const say = (who: string, text: string) => console.log(`${who.padEnd(12)}${text}`);

// The subgraphs answer the gateway only, on this machine; HOST is where the gateway listens.
const subgraphHost = '127.0.0.1';
const ports = await claimPorts(
  {
    ...(env.DATABASE_URL || env.EMBEDDED_DB_PORT === 0
      ? {}
      : { database: { port: env.EMBEDDED_DB_PORT, variable: 'EMBEDDED_DB_PORT', host: subgraphHost } }),
    deputies: { port: env.DEPUTIES_PORT, variable: portVariables.deputies, host: subgraphHost },
    suggestions: { port: env.SUGGESTIONS_PORT, variable: portVariables.suggestions, host: subgraphHost },
    supervision: { port: env.SUPERVISION_PORT, variable: portVariables.supervision, host: subgraphHost },
    voting: { port: env.VOTING_PORT, variable: portVariables.voting, host: subgraphHost },
    gateway: { port: env.GATEWAY_PORT, variable: portVariables.gateway, host: env.HOST },
  },
);

console.log(`人大 Graph: starting (settings checked, ports free; LOG_LEVEL ${env.logLevel})`);
const [{ join }, { Supervisor }] = await Promise.all([import('node:path'), import('./supervisor.ts')]);

let databaseUrl = env.DATABASE_URL;
let stopDatabase = async () => {};
if (!databaseUrl) {
  const { startEmbeddedPostgres } = await import('@renda/db/embedded');
  const embedded = await startEmbeddedPostgres({ dataDir: join(env.dataDir, 'pglite'), port: env.EMBEDDED_DB_PORT }).catch(
    (e: NodeJS.ErrnoException) => {
      console.error(e.code === 'EDATADIRLOCKED' ? e.message : `The embedded database did not start: ${e.message}`);
      process.exit(1);
    },
  );
  databaseUrl = embedded.url;
  stopDatabase = () => embedded.stop();
  say('database', `embedded PostgreSQL on ${new URL(embedded.url).host}, data in ${env.dataDir} (${seconds()})`);
} else {
  say('database', `DATABASE_URL (${new URL(databaseUrl).host})`);
}

const urlOf = (name: string) => `http://${name === 'gateway' ? env.HOST : subgraphHost}:${ports[name]}/graphql`;
const childEnv = {
  ...process.env,
  DATABASE_URL: databaseUrl,
  LOG_LEVEL: env.logLevel,
  DEPUTIES_URL: urlOf('deputies'),
  SUGGESTIONS_URL: urlOf('suggestions'),
  SUPERVISION_URL: urlOf('supervision'),
  VOTING_URL: urlOf('voting'),
};
const supervisor = new Supervisor({
  entry: new URL('./child.ts', import.meta.url),
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
try {
  // The gateway needs no database and reads the subgraphs only when asked: it loads meanwhile.
  const gateway = { name: 'gateway', args: ['gateway'], env: { ...childEnv, PORT: String(ports.gateway) } };
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
