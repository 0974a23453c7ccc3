import { createTokenVerifier } from '@renda/auth/tokens';
import { devSubgraphSecret, tokenConfigOf } from '@renda/server-kit/env';
import { close, listen } from '@renda/server-kit/http';
import { createLogger } from '@renda/server-kit/logger';
import { readEnv } from './env.ts';
import { createGateway } from './server.ts';

const env = readEnv();
const log = createLogger('gateway', env.LOG_LEVEL);
const gateway = await createGateway({
  urls: { deputies: env.DEPUTIES_URL, suggestions: env.SUGGESTIONS_URL, supervision: env.SUPERVISION_URL, voting: env.VOTING_URL },
  secret: env.SUBGRAPH_SECRET ?? devSubgraphSecret,
  verifier: createTokenVerifier(tokenConfigOf(env)),
  log,
  limits: { maxDepth: env.MAX_DEPTH, maxAliases: env.MAX_ALIASES, maxCost: env.MAX_COST },
  maskErrors: env.NODE_ENV === 'production',
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
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void close(gateway.httpServer).then(() => gateway.stop()).then(() => process.exit(0)));
}
