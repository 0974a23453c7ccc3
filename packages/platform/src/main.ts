import { systemClock } from '@renda/server-kit/clock';
import { devJwtSecret, devSubgraphSecret, tokenConfigOf } from '@renda/server-kit/env';
import { createLogger } from '@renda/server-kit/logger';
import { readEnv } from './env.ts';
import { startPlatform } from './platform.ts';
import { allServices } from './services.ts';

const env = readEnv();
const log = createLogger('renda', env.LOG_LEVEL === 'info' ? 'warn' : env.LOG_LEVEL);
const started = Date.now();
const platform = await startPlatform({
  services: allServices,
  ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
  ...(env.REDIS_URL ? { redisUrl: env.REDIS_URL } : {}),
  dataDir: env.dataDir,
  embeddedDbPort: env.EMBEDDED_DB_PORT,
  tokens: tokenConfigOf(env),
  secret: env.SUBGRAPH_SECRET ?? devSubgraphSecret,
  clock: systemClock,
  log,
  ports: { deputies: env.DEPUTIES_PORT, suggestions: env.SUGGESTIONS_PORT, supervision: env.SUPERVISION_PORT, voting: env.VOTING_PORT },
  gatewayPort: env.GATEWAY_PORT,
  host: env.HOST,
  seed: env.SEED_DEMO === 'true',
  maskErrors: env.NODE_ENV === 'production',
}).catch((e: NodeJS.ErrnoException & { port?: number }) => {
  if (e.code === 'EADDRINUSE') {
    console.error(`Port ${e.port} is already in use (is the platform running already?). Stop that process or choose other ports: GATEWAY_PORT, DEPUTIES_PORT, SUGGESTIONS_PORT, SUPERVISION_PORT, VOTING_PORT.`);
    process.exit(1);
  }
  console.error(e.code === 'EDATADIRLOCKED' ? e.message : e);
  process.exit(1);
});

const base = platform.gatewayUrl.replace(/\/graphql$/, '');
console.log(`
人大 Graph is running (started in ${((Date.now() - started) / 1000).toFixed(1)} s)

  GraphQL    ${platform.gatewayUrl}
  GraphiQL   ${base}/graphiql
  Health     ${base}/health
  Database   ${env.DATABASE_URL ? 'DATABASE_URL' : `embedded PostgreSQL, data in ${env.dataDir}`}
  Cache      ${env.REDIS_URL ? 'Redis (REDIS_URL)' : 'in process'}
  Subgraphs  ${Object.entries(platform.services).map(([n, s]) => `${n} ${s.url}`).join(', ')}

Get a token (${env.JWT_SECRET || env.JWKS_URL ? 'signed with JWT_SECRET' : 'signed with the development secret'}), in another terminal:
  pnpm -s dev-token --role STAFF --region 43
  pnpm -s dev-token --role DEPUTY --deputy demo:430181:1
and call the graph:
  curl -s ${platform.gatewayUrl} -H 'content-type: application/json' \\
    -H "authorization: Bearer $(pnpm -s dev-token --role STAFF --region 43)" \\
    -d '{"query":"{ region(code: \\"430181\\") { name deputyStats(year: ${new Date().getFullYear()}) { activeDeputies voterContactComplianceRate } } }"}'
${env.JWT_SECRET || env.JWKS_URL ? '' : `(development secret: ${devJwtSecret}; set JWT_SECRET in production)\n`}Stop with Ctrl-C.`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void platform.stop().then(() => process.exit(0));
  });
}
