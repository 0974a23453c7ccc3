import { readEnv } from './env.ts';

// Settings first: a wrong value is reported in a moment, before the gateway's heavy modules load.
const env = readEnv();
const [
  { createTokenVerifier },
  { devSubgraphSecret, tokenConfigOf },
  { close, listen },
  { createLogger },
  { stopOnSignals },
  { createGateway },
] = await Promise.all([
  import('@renda/auth/tokens'),
  import('@renda/server-kit/env'),
  import('@renda/server-kit/http'),
  import('@renda/server-kit/logger'),
  import('@renda/server-kit/signals'),
  import('./server.ts'),
]);
const log = createLogger('gateway', env.LOG_LEVEL);
const gateway = await createGateway({
  urls: {
    deputies: env.DEPUTIES_URL,
    suggestions: env.SUGGESTIONS_URL,
    supervision: env.SUPERVISION_URL,
    voting: env.VOTING_URL,
  },
  secret: env.SUBGRAPH_SECRET ?? devSubgraphSecret,
  verifier: createTokenVerifier(tokenConfigOf(env)),
  log,
  limits: { maxDepth: env.MAX_DEPTH, maxAliases: env.MAX_ALIASES, maxCost: env.MAX_COST, maxTokens: env.MAX_TOKENS },
  maskErrors: env.NODE_ENV === 'production',
  introspection: env.INTROSPECTION,
  trustProxy: env.TRUST_PROXY,
  ...(env.CORS_ORIGINS ? { cors: env.CORS_ORIGINS } : {}),
  performance: {
    tokenCacheSize: env.TOKEN_CACHE_SIZE,
    dedupe: env.DEDUPE_SUBGRAPH_CALLS === 'true',
    subgraphConnections: env.SUBGRAPH_CONNECTIONS,
    planCacheMiB: env.PLAN_CACHE_MIB,
    documentCacheSize: env.DOCUMENT_CACHE_SIZE,
  },
});
const address = await listen(gateway.httpServer, env.PORT, env.HOST);
log.info({ url: address.url }, 'gateway listening');
stopOnSignals(async () => {
  await close(gateway.httpServer, env.SHUTDOWN_GRACE_MS);
  await gateway.stop();
}, log);
