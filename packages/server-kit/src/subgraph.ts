import type { IncomingMessage } from 'node:http';
import { ApolloServer, type ApolloServerPlugin, type GraphQLResponse } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { DeadlockException, UniqueConstraintViolationException, type MikroORM } from '@mikro-orm/postgresql';
import { GraphQLError, type DocumentNode } from 'graphql';
import type { TokenVerifier } from '@renda/auth/tokens';
import type { Cache } from '@renda/cache/cache';
import { AnswerCache } from './answer-cache.ts';
import { guardArguments } from './arguments.ts';
import type { Clock } from './clock.ts';
import type { ServiceContext } from './context.ts';
import { openScope, resolveInScope, scopeOf, surviveUnhandledRejections } from './failures.ts';
import { createGraphQLHttpServer, type RouteHandler } from './http.ts';
import { Loaders } from './loaders.ts';
import type { Logger } from './logger.ts';
import { requestLogPlugin } from './request-log.ts';
import { publicResponseCache } from './response-cache.ts';
import { scalarResolvers } from './scalars.ts';
import { SiblingClient, type SiblingUrls } from './siblings.ts';

export interface SubgraphOptions {
  name: string;
  typeDefs: DocumentNode;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  resolvers: any;
  orm: MikroORM;
  verifier: TokenVerifier;
  clock: Clock;
  cache: Cache;
  log: Logger;
  /** The shared secret the gateway sends; requests without it are refused. */
  secret: string;
  /** URLs of sibling subgraphs this one reads entities from. */
  siblings?: SiblingUrls;
  /** Local rules handed to every request's context (`ctx.settings`). */
  settings?: Readonly<Record<string, unknown>>;
  /** Routes beside `/graphql` (they check the subgraph secret themselves). */
  routes?: RouteHandler;
  /**
   * Seconds an answer to the public (a query without `Authorization`) is served from the cache (Redis
   * or in process) at most; any mutation of this service ends every stored answer. 0 or unset: off.
   */
  publicCacheSeconds?: number;
  /**
   * Megabytes of bearers' answers kept in this process and served again while the database is
   * unchanged (see answer-cache.ts). 0 or unset: off. Off with read replicas.
   */
  answerCacheMegabytes?: number;
}

export interface Subgraph {
  name: string;
  apollo: ApolloServer<ServiceContext>;
  orm: MikroORM;
  context(req: Pick<IncomingMessage, 'headers'> & { socket?: { remoteAddress?: string } }): Promise<ServiceContext>;
  /** Runs an operation as the bearer of `token` (or the public), through the full schema, for tests. */
  execute(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<{
    data?: Record<string, unknown> | null;
    errors?: readonly GraphQLError[] | readonly { message: string; extensions?: Record<string, unknown> }[];
  }>;
  httpServer(): ReturnType<typeof createGraphQLHttpServer>;
  /** The bearers' answer cache, when on. */
  answers: AnswerCache | null;
}

const knownCodes = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'OPERATION_RESOLUTION_FAILURE',
  'RATE_LIMITED',
]);

/** How long a subgraph keeps an idle keep-alive connection open. */
export const subgraphKeepAliveMs = 60_000;

const internalError = { message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } };

/**
 * Answers every operation that reached GraphQL with HTTP 200, its errors in the body: the gateway
 * reads a subgraph's non-200 answer as a failed fetch ("400: Bad Request") and loses the error's
 * code. Only requests refused whole (a present but invalid token, no subgraph secret) get 4xx.
 * Also names the operation in the request's scope, and answers INTERNAL_SERVER_ERROR for a
 * rejection nobody handled while the request ran.
 */
function graphQLStatusPlugin(): ApolloServerPlugin<ServiceContext> {
  return {
    async requestDidStart({ contextValue }) {
      return {
        async didResolveOperation({ operationName }) {
          const scope = scopeOf(contextValue);
          if (scope) scope.operationName = operationName ?? null;
        },
        async willSendResponse({ response }) {
          response.http.status = 200;
          const failures = scopeOf(contextValue)?.failures.length ?? 0;
          if (failures && response.body.kind === 'single') {
            const result = response.body.singleResult;
            result.errors = [...(result.errors ?? []), internalError];
          }
        },
      };
    },
  };
}

/** Builds a subgraph from SDL and resolvers: the platform's scalars, context, error masking and front door. */
export async function createSubgraph(options: SubgraphOptions): Promise<Subgraph> {
  surviveUnhandledRejections(options.log);
  const resolvers = { ...scalarResolvers, ...options.resolvers } as GraphQLResolverMap<ServiceContext>;
  const schema = resolveInScope(guardArguments(buildSubgraphSchema([{ typeDefs: options.typeDefs, resolvers }])));
  const publicCache = options.publicCacheSeconds
    ? publicResponseCache({
        service: options.name,
        cache: options.cache,
        ttlSeconds: options.publicCacheSeconds,
        // No Authorization header at all: a present one, even refused, is never the public.
        isPublic: (ctx) => (ctx.contextValue as ServiceContext).authorization === null,
      })
    : null;
  // What was stored before this start may describe data that changed meanwhile (a reseed, a restore).
  await publicCache?.invalidate();
  const answers =
    options.answerCacheMegabytes && (options.orm.config.get('replicas') ?? []).length === 0
      ? new AnswerCache({
          orm: options.orm,
          clock: options.clock,
          verify: (authorization) => options.verifier(authorization),
          maxChars: Math.floor(options.answerCacheMegabytes * 1024 * 1024),
          log: options.log,
        })
      : null;
  const apollo = new ApolloServer<ServiceContext>({
    schema,
    // Stacks stay in the logs; clients get the message and the code.
    includeStacktraceInErrorResponses: false,
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      // No @cacheControl hints in the schema: the hint plugin would only wrap every resolver of every
      // request to compute a policy of 0 (the gateway reads a missing Cache-Control header the same way).
      ApolloServerPluginCacheControlDisabled(),
      requestLogPlugin(options.log),
      graphQLStatusPlugin(),
      ...((publicCache?.plugins ?? []) as ApolloServerPlugin<ServiceContext>[]),
      ...(answers ? [answers.plugin<ServiceContext>((ctx) => (scopeOf(ctx)?.failures.length ?? 0) > 0)] : []),
    ],
    formatError(formatted, error) {
      const code = formatted.extensions?.code;
      if (typeof code === 'string' && knownCodes.has(code)) return formatted;
      // Two requests recording the same thing at once: the loser's check passed before the winner's
      // insert, and the table's unique constraint refused it. The same answer as a check that saw it.
      if ((error as GraphQLError | undefined)?.originalError instanceof UniqueConstraintViolationException) {
        options.log.info({ path: formatted.path }, 'concurrent duplicate refused by a unique constraint');
        return {
          message: 'This was recorded by another request at the same moment: read it back before trying again.',
          ...(formatted.path ? { path: formatted.path } : {}),
          extensions: { code: 'CONFLICT' },
        };
      }
      // Two writes that waited for each other in a cycle: PostgreSQL aborted this one, whose change is not
      // kept. Nothing is wrong with the request; sent again, it goes through.
      if ((error as GraphQLError | undefined)?.originalError instanceof DeadlockException) {
        options.log.warn({ err: error, path: formatted.path }, 'write aborted by a deadlock; the caller may retry');
        return {
          message: 'Another write held what this one needed at the same moment; nothing was changed. Send it again.',
          ...(formatted.path ? { path: formatted.path } : {}),
          extensions: { code: 'CONFLICT' },
        };
      }
      // A representation of a type this subgraph does not know is the caller's mistake.
      if (
        /_entities resolver tried to load an entity for type .*no object (or interface )?type of that name/.test(
          formatted.message,
        )
      ) {
        return { ...formatted, extensions: { code: 'BAD_USER_INPUT', field: 'representations' } };
      }
      // Anything else is ours: its message may quote SQL, a host or a stack, so it goes to the log only,
      // in every mode.
      options.log.error({ err: error, path: formatted.path }, 'unexpected error');
      return { ...internalError, ...(formatted.path ? { path: formatted.path } : {}) };
    },
  });
  await apollo.start();

  // A present but invalid token refuses the whole request (401); a missing one is the public, and
  // fields that need a bearer answer UNAUTHENTICATED in the body.
  const verify = async (authorization: string | null) => {
    try {
      return await options.verifier(authorization);
    } catch (e) {
      if (e instanceof GraphQLError && e.extensions.code === 'UNAUTHENTICATED') {
        throw new GraphQLError(e.message, { extensions: { ...e.extensions, http: { status: 401 } } });
      }
      throw e;
    }
  };

  const context: Subgraph['context'] = async (req) => {
    const authorization = req.headers.authorization ?? null;
    const loaders = new Loaders();
    const context: ServiceContext = {
      em: options.orm.em.fork(),
      viewer: await verify(authorization),
      clock: options.clock,
      loaders,
      siblings: new SiblingClient(options.siblings ?? {}, options.secret, loaders, authorization),
      cache: options.cache,
      log: options.log,
      authorization,
      clientAddress: String(req.headers['x-forwarded-for'] ?? req.socket?.remoteAddress ?? 'unknown')
        .split(',')[0]!
        .trim(),
      settings: options.settings ?? {},
    };
    openScope(context, { service: options.name, operationName: null, log: options.log });
    return context;
  };

  return {
    name: options.name,
    apollo,
    orm: options.orm,
    context,
    answers,
    async execute(query, variables, token) {
      let contextValue: ServiceContext;
      try {
        contextValue = await context({ headers: token ? { authorization: `Bearer ${token}` } : {} });
      } catch (e) {
        if (e instanceof GraphQLError) return { data: null, errors: [e] };
        throw e;
      }
      const response: GraphQLResponse = await apollo.executeOperation(
        { query, variables: variables ?? {} },
        { contextValue },
      );
      if (response.body.kind !== 'single') throw new Error('incremental delivery is not used here');
      return response.body.singleResult as never;
    },
    httpServer: () => {
      const server = createGraphQLHttpServer({
        apollo,
        secret: options.secret,
        context,
        answers,
        ...(options.routes ? { routes: options.routes } : {}),
        health: async () => {
          await options.orm.em.getConnection().execute('select 1');
          return { service: options.name };
        },
      });
      // Only the gateway calls: its keep-alive pool (and a sibling's) keeps connections for a minute
      // between bursts instead of Node's 5 s, so a burst after a pause opens none (each a connect on both sides).
      server.keepAliveTimeout = subgraphKeepAliveMs;
      server.headersTimeout = subgraphKeepAliveMs + 5_000;
      return server;
    },
  };
}

/** Merges the resolver maps of a service's modules, type by type. */
export function mergeResolvers<R extends object>(...maps: R[]): R {
  const merged: Record<string, Record<string, unknown>> = {};
  for (const map of maps) {
    for (const [type, fields] of Object.entries(map))
      merged[type] = { ...(merged[type] ?? {}), ...(fields as Record<string, unknown>) };
  }
  return merged as R;
}
