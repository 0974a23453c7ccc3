import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { Logger } from './logger.ts';

/**
 * One structured log line per operation: its name, type, duration and error codes. Never the
 * variables (they may hold ballot choices or personal data) and never the token.
 */
export function requestLogPlugin<C extends BaseContext>(log: Logger): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      // Nothing at all per request when the level hides the line (the benchmark and quiet deployments).
      if (!log.isLevelEnabled('info')) return;
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ operationName, operation, errors }) {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          const codes = errors?.map((e) => e.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
          log.info({ operationName: operationName ?? null, type: operation?.operation ?? null, ms: Math.round(ms * 10) / 10, ...(codes?.length ? { errors: codes } : {}) }, 'graphql');
        },
      };
    },
  };
}
