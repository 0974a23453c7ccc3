import type { ApolloServerPlugin, BaseContext, GraphQLRequestContext } from '@apollo/server';
import type { Logger } from './logger.ts';

/** The request id the front door put in `x-request-id` (see http.ts), when there is one. */
export function requestIdOfRequest(request: GraphQLRequestContext<BaseContext>['request']): string | undefined {
  return request.http?.headers.get('x-request-id') ?? undefined;
}

/**
 * One structured log line per operation: its name, type, duration and error codes, on a child logger
 * that carries the request id (a context with a `log` gets that child too, so resolvers' lines carry
 * it). Never the variables (they may hold ballot choices or personal data) and never the token.
 */
export function requestLogPlugin<C extends BaseContext>(log: Logger): ApolloServerPlugin<C> {
  return {
    async requestDidStart({ request, contextValue }) {
      const requestId = requestIdOfRequest(request);
      // The child logger is made when a line is written (most requests write none below `info`).
      let child: Logger | undefined;
      const childLog = () => (child ??= requestId ? log.child({ requestId }) : log);
      const context = contextValue as { log?: Logger } | undefined;
      if (context && typeof context === 'object' && context.log) {
        Object.defineProperty(context, 'log', {
          get: childLog,
          set: (l: Logger) => (child = l),
          configurable: true,
          enumerable: true,
        });
      }
      // No timing and no line per request when the level hides it (the benchmark and quiet deployments).
      if (!log.isLevelEnabled('info')) return;
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ operationName, operation, errors }) {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          const codes = errors?.map((e) => e.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
          const line = {
            operationName: operationName ?? null,
            type: operation?.operation ?? null,
            ms: Math.round(ms * 10) / 10,
          };
          childLog().info({ ...line, ...(codes?.length ? { errors: codes } : {}) }, 'graphql');
        },
      };
    },
  };
}
