import { readFileSync } from 'node:fs';
import type { GatewayConfigSupergraph, GatewayPlugin } from '@graphql-hive/gateway';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import { createTokenVerifier, type TokenVerifier } from '@renda/auth/tokens';
import type { Viewer } from '@renda/auth/viewer';
import { devSubgraphSecret, tokenConfigOf } from '@renda/server-kit/env';
import { subgraphSecretHeader } from '@renda/server-kit/http';
import { supergraphPath } from './compose.ts';
import { readEnv } from './env.ts';
import { defaultLimits, limitRules, type QueryLimits } from './limits.ts';

/**
 * Hive Gateway (The Guild, MIT) in place of Apollo Gateway, with Hive Router's Rust query planner,
 * serving the same committed supergraph with the same front door: the token is verified here (a
 * present but invalid one is refused with UNAUTHENTICATED, 401), the subgraph secret and the
 * bearer's Authorization go to every subgraph (which verify and authorize again), and the same
 * depth, alias and cost limits apply (`limits.ts`). See deploy/hive-gateway/README.md.
 */
export interface HiveGatewayOptions {
  /** Subgraph URLs by name; the supergraph's own URLs (127.0.0.1:4001…) otherwise. */
  urls: Record<string, string>;
  secret: string;
  verifier: TokenVerifier;
  limits?: QueryLimits;
  supergraphSdl?: string;
  maskErrors?: boolean;
}

interface HiveContext {
  viewer?: Viewer | null;
}

/** Verifies the bearer once per request, before anything runs; the verifier throws UNAUTHENTICATED (401). */
function tokenCheck(verifier: TokenVerifier): GatewayPlugin<HiveContext> {
  return {
    async onContextBuilding({ context, extendContext }) {
      const viewer = await verifier(context.request.headers.get('authorization'));
      extendContext({ viewer });
    },
  };
}

/** Our own validation rules (depth, aliases, estimated cost), the same as Apollo Gateway's. */
function queryLimits(limits: QueryLimits): GatewayPlugin {
  const rules = limitRules(limits);
  return {
    onValidate({ addValidationRule }) {
      for (const rule of rules) addValidationRule(rule);
    },
  };
}

/** The runtime configuration for `createGatewayRuntime` (and the Hive Gateway CLI's `gateway.config.ts`). */
export function hiveGatewayConfig(options: HiveGatewayOptions): GatewayConfigSupergraph<HiveContext> {
  return {
    supergraph: options.supergraphSdl ?? readFileSync(supergraphPath, 'utf8'),
    unifiedGraphHandler,
    transportEntries: Object.fromEntries(Object.entries(options.urls).map(([name, location]) => [name, { location }])),
    propagateHeaders: {
      fromClientToSubgraphs: ({ request }) => ({
        [subgraphSecretHeader]: options.secret,
        authorization: request.headers.get('authorization'),
      }),
    },
    plugins: () => [tokenCheck(options.verifier), queryLimits(options.limits ?? defaultLimits)],
    // Same as Apollo Gateway here: GET needs a preflight header, no batching, no landing page.
    csrfPrevention: { requestHeaders: ['apollo-require-preflight', 'x-apollo-operation-name'] },
    landingPage: false,
    graphiql: false,
    maskedErrors: options.maskErrors ?? false,
    logging: false,
  };
}

/** The Apollo Gateway process's settings (README's Configuration), for deploy/hive-gateway/gateway.config.ts. */
export function hiveGatewayConfigFromEnv(
  source: NodeJS.ProcessEnv = process.env,
): GatewayConfigSupergraph<HiveContext> {
  const env = readEnv(source);
  return hiveGatewayConfig({
    urls: {
      deputies: env.DEPUTIES_URL,
      suggestions: env.SUGGESTIONS_URL,
      supervision: env.SUPERVISION_URL,
      voting: env.VOTING_URL,
    },
    secret: env.SUBGRAPH_SECRET ?? devSubgraphSecret,
    verifier: createTokenVerifier(tokenConfigOf(env)),
    limits: { maxDepth: env.MAX_DEPTH, maxAliases: env.MAX_ALIASES, maxCost: env.MAX_COST, maxTokens: env.MAX_TOKENS },
    maskErrors: env.NODE_ENV === 'production',
  });
}
