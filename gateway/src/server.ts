import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { request } from 'undici';
import { cachedTokenVerifier } from '@renda/auth/token-cache';
import type { TokenVerifier } from '@renda/auth/tokens';
import type { Viewer } from '@renda/auth/viewer';
import {
  createGraphQLHttpServer,
  requestIdHeader,
  requestIdOf,
  subgraphSecretHeader,
  type CorsOrigins,
} from '@renda/server-kit/http';
import type { Logger } from '@renda/server-kit/logger';
import { requestIdOfRequest, requestLogPlugin } from '@renda/server-kit/request-log';
import { supergraphPath } from './compose.ts';
import { clientSchemaRoute } from './client-schema.ts';
import { documentStore } from './document-store.ts';
import { exportRoute } from './exports.ts';
import { createKeepAliveFetcher } from './fetcher.ts';
import { serveGraphiQL } from './graphiql.ts';
import { costLimitPlugin, defaultLimits, limitRules, type QueryLimits } from './limits.ts';

export interface GatewayContext {
  viewer: Viewer | null;
  authorization: string | null;
  /** The client's address (from `X-Forwarded-For` only when the proxy is trusted). */
  clientAddress: string;
  requestId: string;
}

/** How many proxies in front of the gateway to trust: false (the socket), true (all) or a hop count. */
export type TrustProxy = boolean | number;

export interface GatewayOptions {
  /** Subgraph URLs by name; defaults come from the supergraph. */
  urls: Record<string, string>;
  secret: string;
  verifier: TokenVerifier;
  log: Logger;
  limits?: Partial<QueryLimits>;
  supergraphSdl?: string;
  /**
   * Production mode (NODE_ENV=production): introspection defaults off. Unexpected errors are masked
   * in every mode.
   */
  maskErrors?: boolean;
  /** Serve `__schema`/`__type`; default on, off when `maskErrors` (production). */
  introspection?: boolean;
  /** Browser origins allowed by CORS; unset sends no CORS headers. */
  cors?: CorsOrigins;
  trustProxy?: TrustProxy;
  /** `default` uses Apollo's own fetch stack (for the benchmark that compares the two). */
  fetcher?: 'keep-alive' | 'default';
  /** Speed and memory settings (README, Configuration); every one has a default. */
  performance?: GatewayPerformance;
}

export interface GatewayPerformance {
  /** Verified tokens kept until their expiry (0: verify every request). Default 10,000. */
  tokenCacheSize?: number;
  /** Share identical in-flight query calls to a subgraph. Default true. */
  dedupe?: boolean;
  /** Keep-alive connections per subgraph. Default 64. */
  subgraphConnections?: number;
  /** Approximate memory for query plans, MiB. Default 16. */
  planCacheMiB?: number;
  /** Parsed and validated operations kept. Default 1,000. */
  documentCacheSize?: number;
}

/** The header in which the gateway tells subgraphs the client's address (they only accept calls with the secret). */
export const clientAddressHeader = 'x-forwarded-for';

/**
 * The client's address: the socket's unless proxies are trusted; with `true` the first address of
 * `X-Forwarded-For`, with a hop count N the address N hops from the socket.
 */
export function clientAddressOf(req: Pick<IncomingMessage, 'headers' | 'socket'>, trust: TrustProxy = false): string {
  const socket = req.socket?.remoteAddress ?? 'unknown';
  if (trust === false || trust === 0) return socket;
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  const chain = [...forwarded, socket];
  const pick = trust === true ? chain[0] : chain[Math.max(0, chain.length - 1 - trust)];
  return pick && isIP(pick) ? pick : socket;
}

/** Codes whose messages are written for clients; anything else is masked. */
const clientCodes = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
]);
/** Extension keys that may carry addresses, raw bodies, stacks or SQL. */
const leakyExtensions = [
  ...['response', 'exception', 'stacktrace', 'url', 'host', 'port', 'address', 'body'],
  ...['sql', 'query', 'cause', 'errno', 'syscall', 'serviceName'],
];
/** Messages that quote SQL, network addresses or low-level errors. */
const leakyMessage = new RegExp(
  [
    String.raw`\bselect\b[\s\S]+\bfrom\s+"?\w+"?\.`,
    String.raw`\binsert\s+into\s`,
    String.raw`\bupdate\s+"?\w+"?(\."?\w+"?)?\s+set\s`,
    String.raw`\bdelete\s+from\s`,
    String.raw`relation "[^"]*" does not exist|violates [\w -]*constraint|syntax error at or near`,
    String.raw`\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b|\[[0-9a-f]*:[0-9a-f:]+\](:\d+)?|https?:\/\/|localhost:\d+`,
    String.raw`\bE(CONN|ADDR|HOST|TIMEDOUT|PIPE)[A-Z]*\b|fetch failed|UND_ERR`,
  ].join('|'),
  'i',
);

/** Codes the gateway itself gives to a client's malformed or refused document: their text quotes the client's own. */
const documentCodes = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST']);

function isUnexpected(error: { message: string; extensions?: Record<string, unknown> }): boolean {
  const code = error.extensions?.code;
  if (typeof code !== 'string' || !clientCodes.has(code)) return true;
  return !documentCodes.has(code) && leakyMessage.test(error.message);
}

/** What a client sees of an error: its message and code when meant for clients, never addresses, bodies or stacks. */
export function clientError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const path = formatted.path ? { path: formatted.path } : {};
  if (isUnexpected(formatted)) {
    return { message: 'Internal server error.', ...path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  }
  const extensions = { ...formatted.extensions };
  for (const key of leakyExtensions) delete extensions[key];
  const locations = formatted.locations ? { locations: formatted.locations } : {};
  return { message: formatted.message, ...locations, ...path, extensions };
}

type SubgraphResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;

type GraphQLBody = { data?: Record<string, unknown> | null; errors?: GraphQLFormattedError[] };

/** A subgraph's body when it is a GraphQL response (`data` and/or `errors`), else null. */
function graphQLBody(body: unknown): GraphQLBody | null {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return null;
  const { data, errors } = body as Record<string, unknown>;
  const dataOk = data === undefined || data === null || (typeof data === 'object' && !Array.isArray(data));
  const errorsOk = errors === undefined || Array.isArray(errors);
  if (!dataOk || !errorsOk || (data === undefined && errors === undefined)) return null;
  const result: GraphQLBody = {};
  if (data !== undefined) result.data = data as Record<string, unknown> | null;
  if (errors) result.errors = errors as GraphQLFormattedError[];
  return result;
}

/**
 * Forwards the bearer's Authorization, the subgraph secret, the request id and the client's address;
 * subgraphs verify and authorize again. A subgraph's GraphQL answer counts whatever its HTTP status
 * (a field-level 401 keeps the rest of its data), and a subgraph that cannot be reached becomes one
 * SERVICE_UNAVAILABLE error naming it, so only the fields it owns are null.
 */
class ForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    private readonly serviceName: string,
    url: string,
    private readonly secret: string,
    private readonly log: Logger,
    fetcher: typeof fetch | undefined,
  ) {
    super(fetcher ? { url, fetcher: fetcher as never } : { url });
  }

  override willSendRequest({ request: outgoing, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const ctx = context as Partial<GatewayContext>;
    outgoing.http?.headers.set(subgraphSecretHeader, this.secret);
    if (ctx.authorization) outgoing.http?.headers.set('authorization', ctx.authorization);
    if (ctx.clientAddress) outgoing.http?.headers.set(clientAddressHeader, ctx.clientAddress);
    if (ctx.requestId) outgoing.http?.headers.set(requestIdHeader, ctx.requestId);
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<SubgraphResponse> {
    try {
      return await super.process(options);
    } catch (e) {
      type Answer = { status?: number; body?: unknown } | undefined;
      const response = e instanceof GraphQLError ? (e.extensions?.response as Answer) : undefined;
      const body = graphQLBody(response?.body);
      if (body) return body as SubgraphResponse;
      const requestId = (options.context as Partial<GatewayContext>).requestId;
      const service = this.serviceName;
      const err = (e as Error).message;
      this.log.warn({ requestId, service, status: response?.status, err }, 'subgraph unavailable');
      const extensions = { code: 'SERVICE_UNAVAILABLE', service };
      const error = new GraphQLError(`The ${service} service is unavailable.`, { extensions });
      return { errors: [error.toJSON()] } as SubgraphResponse;
    }
  }
}

/** Logs, with the request id, each error the client will only see as "Internal server error.". */
function unexpectedErrorLogPlugin(log: Logger): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ request }) {
      return {
        async didEncounterErrors({ errors }) {
          for (const error of errors) {
            if (!isUnexpected(error)) continue;
            const { serviceName: service, code } = error.extensions ?? {};
            const requestId = requestIdOfRequest(request);
            log.error({ requestId, path: error.path, service, code, err: error.message }, 'unexpected error');
          }
        },
      };
    },
  };
}

export interface Gateway {
  apollo: ApolloServer<GatewayContext>;
  httpServer: Server;
  /** Subgraph calls sent, and answered by an identical call in flight, since the start. */
  subgraphCalls(): { sent: number; shared: number };
  stop(): Promise<void>;
}

export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const supergraphSdl = options.supergraphSdl ?? readFileSync(supergraphPath, 'utf8');
  const limits: QueryLimits = { ...defaultLimits, ...options.limits };
  const perf = options.performance ?? {};
  const keepAlive = createKeepAliveFetcher({
    ...(perf.dedupe === false ? { dedupe: false } : {}),
    ...(perf.subgraphConnections ? { connections: perf.subgraphConnections } : {}),
  });
  const verifier = cachedTokenVerifier(options.verifier, { max: perf.tokenCacheSize ?? 10_000 });
  // Apollo Gateway otherwise reports usage metrics to Apollo's servers and probes cloud metadata
  // endpoints at start: offices run air-gapped, and nothing about their traffic leaves them.
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  const gateway = new ApolloGateway({
    supergraphSdl,
    experimental_approximateQueryPlanStoreMiB: perf.planCacheMiB ?? 16,
    buildService: ({ name, url }) => {
      const fetcher = options.fetcher === 'default' ? undefined : keepAlive.fetcher;
      return new ForwardingDataSource(name, options.urls[name] ?? url!, options.secret, options.log, fetcher);
    },
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    csrfPrevention: true,
    introspection: options.introspection ?? !options.maskErrors,
    allowBatchedHttpRequests: false,
    // graphql-js's parser counts lexical tokens and stops past the limit (graphql-armor's max-tokens).
    parseOptions: { maxTokens: limits.maxTokens },
    documentStore: documentStore(perf.documentCacheSize ?? 1000),
    validationRules: limitRules(limits),
    // Stacks stay in the logs; clients get the message and the code.
    includeStacktraceInErrorResponses: false,
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      requestLogPlugin(options.log),
      unexpectedErrorLogPlugin(options.log),
      costLimitPlugin(limits.maxCost),
    ],
    formatError: (formatted) => clientError(formatted),
  });
  await apollo.start();

  const context = async (req: IncomingMessage): Promise<GatewayContext> => {
    const authorization = req.headers.authorization ?? null;
    // A present but invalid token is UNAUTHENTICATED here already, never silently public.
    const viewer = await verifier(authorization);
    const clientAddress = clientAddressOf(req, options.trustProxy ?? false);
    return { viewer, authorization, clientAddress, requestId: requestIdOf(req) };
  };

  /** Ready when every subgraph is ready (each checks its own database); states only, never addresses. */
  const health = async () => {
    const entries = await Promise.all(
      Object.entries(options.urls).map(async ([name, url]) => {
        try {
          const ready = url.replace(/\/graphql$/, '/health/ready');
          const res = await request(ready, { headersTimeout: 2000, bodyTimeout: 2000 });
          await res.body.dump();
          return [name, res.statusCode === 200 ? 'up' : 'down'] as const;
        } catch {
          return [name, 'down'] as const;
        }
      }),
    );
    const subgraphs = Object.fromEntries(entries);
    const status: 'up' | 'down' = Object.values(subgraphs).every((s) => s === 'up') ? 'up' : 'down';
    return { status, subgraphs };
  };

  const cors = options.cors ? { cors: options.cors } : {};
  const schema = () => gateway.schema;
  const serveSchema = clientSchemaRoute(schema);
  const serveExport = exportRoute({ apollo, context, schema });
  const routes = async (req: IncomingMessage, res: ServerResponse) =>
    serveGraphiQL(req, res) || serveSchema(req, res) || (await serveExport(req, res));
  const httpServer = createGraphQLHttpServer({ apollo, context, health, routes, ...cors });
  return {
    apollo,
    httpServer,
    subgraphCalls: keepAlive.stats,
    async stop() {
      await apollo.stop();
      await keepAlive.close();
    },
  };
}
