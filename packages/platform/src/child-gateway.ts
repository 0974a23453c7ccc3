/** The gateway as a process of `pnpm start`: it needs no database and reads the subgraphs only when asked. */
import { createTokenVerifier } from '@renda/auth/tokens';
import { readEnv } from '@renda/gateway/env';
import { createGateway } from '@renda/gateway/server';
import * as settings from '@renda/server-kit/env';
import { close, listen } from '@renda/server-kit/http';
import { createLogger } from '@renda/server-kit/logger';
import { phaseTimer } from '@renda/server-kit/timing';
import { tell } from './child-runtime.ts';

export async function startGateway(): Promise<() => Promise<void>> {
  const env = readEnv();
  const log = createLogger('gateway', env.LOG_LEVEL);
  const phase = phaseTimer(log, { fromProcessStart: true });
  phase('modules loaded');
  const gateway = await createGateway({
    urls: {
      deputies: env.DEPUTIES_URL,
      suggestions: env.SUGGESTIONS_URL,
      supervision: env.SUPERVISION_URL,
      voting: env.VOTING_URL,
    },
    secret: env.SUBGRAPH_SECRET ?? settings.devSubgraphSecret,
    verifier: createTokenVerifier(settings.tokenConfigOf(env)),
    log,
    limits: { maxDepth: env.MAX_DEPTH, maxAliases: env.MAX_ALIASES, maxCost: env.MAX_COST },
    maskErrors: env.NODE_ENV === 'production',
  });
  phase('supergraph and Apollo');
  const address = await listen(gateway.httpServer, env.PORT, env.HOST);
  phase('listening');
  tell({ type: 'up', url: address.url });
  return async () => {
    await close(gateway.httpServer, env.SHUTDOWN_GRACE_MS);
    await gateway.stop();
  };
}
