import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server } from 'node:http';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { request } from 'undici';
import { cachedTokenVerifier } from '@renda/auth/token-cache';
import type { TokenVerifier } from '@renda/auth/tokens';
import type { Viewer } from '@renda/auth/viewer';
import { createGraphQLHttpServer, subgraphSecretHeader } from '@renda/server-kit/http';
import type { Logger } from '@renda/server-kit/logger';
import { requestLogPlugin } from '@renda/server-kit/request-log';
import { supergraphPath } from './compose.ts';
import { documentStore } from './document-store.ts';
import { createKeepAliveFetcher } from './fetcher.ts';
import { serveGraphiQL } from './graphiql.ts';
import { defaultLimits, limitRules, type QueryLimits } from './limits.ts';

export interface GatewayContext {
  viewer: Viewer | null;
  authorization: string | null;
  clientAddress: string;
}

export interface GatewayOptions {
  /** Subgraph URLs by name; defaults come from the supergraph. */
  urls: Record<string, string>;
  secret: string;
  verifier: TokenVerifier;
  log: Logger;
  limits?: QueryLimits;
  supergraphSdl?: string;
  maskErrors?: boolean;
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

/** Forwards the bearer's Authorization and the subgraph secret; subgraphs verify and authorize again. */
class ForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    url: string,
    private readonly secret: string,
    fetcher: typeof fetch | undefined,
  ) {
    super(fetcher ? { url, fetcher: fetcher as never } : { url });
  }

  override willSendRequest({ request: outgoing, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    outgoing.http?.headers.set(subgraphSecretHeader, this.secret);
    const authorization = (context as Partial<GatewayContext>).authorization;
    if (authorization) outgoing.http?.headers.set('authorization', authorization);
    const client = (context as Partial<GatewayContext>).clientAddress;
    if (client) outgoing.http?.headers.set('x-forwarded-for', client);
  }
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
    buildService: ({ name, url }) => new ForwardingDataSource(options.urls[name] ?? url!, options.secret, options.fetcher === 'default' ? undefined : keepAlive.fetcher),
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    csrfPrevention: true,
    introspection: true,
    allowBatchedHttpRequests: false,
    documentStore: documentStore(perf.documentCacheSize ?? 1000),
    validationRules: limitRules(options.limits ?? defaultLimits),
    // Stacks stay in the logs; clients get the message and the code.
    includeStacktraceInErrorResponses: false,
    plugins: [ApolloServerPluginLandingPageDisabled(), requestLogPlugin(options.log)],
    formatError(formatted) {
      if (options.maskErrors && formatted.extensions?.code === 'INTERNAL_SERVER_ERROR') {
        return { message: 'Internal server error.', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
      }
      return formatted;
    },
  });
  await apollo.start();

  const context = async (req: IncomingMessage): Promise<GatewayContext> => {
    const authorization = req.headers.authorization ?? null;
    // A present but invalid token is UNAUTHENTICATED here already, never silently public.
    const viewer = await verifier(authorization);
    return { viewer, authorization, clientAddress: req.socket.remoteAddress ?? 'unknown' };
  };

  const health = async () => {
    const entries = await Promise.all(
      Object.entries(options.urls).map(async ([name, url]) => {
        try {
          const res = await request(url.replace(/\/graphql$/, '/health'), { headersTimeout: 2000, bodyTimeout: 2000 });
          await res.body.dump();
          return [name, res.statusCode === 200 ? 'ok' : `status ${res.statusCode}`] as const;
        } catch (e) {
          return [name, `unreachable: ${(e as Error).message}`] as const;
        }
      }),
    );
    const subgraphs = Object.fromEntries(entries);
    return { status: Object.values(subgraphs).every((s) => s === 'ok') ? 'ok' : 'degraded', subgraphs };
  };

  const httpServer = createGraphQLHttpServer({ apollo, context, health, routes: serveGraphiQL });
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
