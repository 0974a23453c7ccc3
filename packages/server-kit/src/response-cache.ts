import type { ApolloServerPlugin, BaseContext, GraphQLRequestContext } from '@apollo/server';
import responseCachePlugin from '@apollo/server-plugin-response-cache';
import { ErrorsAreMissesCache, InMemoryLRUCache, type KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { Cache } from '@renda/cache/cache';

export interface PublicResponseCacheOptions {
  /** The service: its generation key and its entries are its own. */
  service: string;
  /** Redis (shared by every copy of the service) or memory: memory gets its own bounded store here. */
  cache: Cache;
  /** How long an answer is served from the cache at most (a write in the service ends it sooner). */
  ttlSeconds: number;
  /** Whether the request is the public's (no bearer): only those read and fill the cache. */
  isPublic: (ctx: GraphQLRequestContext<BaseContext>) => boolean;
  /** In process: the most the stored answers may take (their JSON, in characters). Default 32 MiB. */
  maxChars?: number;
}

export interface PublicResponseCache {
  plugins: ApolloServerPlugin<BaseContext>[];
  /** Ends every stored answer of the service (a write, a start on data that may have changed). */
  invalidate(): Promise<void>;
}

/**
 * A cache of whole answers to the public: query operations without a bearer (`isPublic`), keyed on
 * the query text, operation name and variables (Apollo's response-cache plugin) and on the service's
 * generation. Any mutation of the service (anonymous or not, answered or refused) moves the
 * generation on before its answer is sent, so no answer stored before it is read again; a read with a
 * bearer neither reads nor fills the public cache. Answers with errors are never stored.
 *
 * Apollo's plugin stores an answer only when the request's cache policy allows it; the schema has
 * no `@cacheControl` hints (the hint plugin is off: it wraps every resolver of every request), so an
 * anonymous query is given a public policy of `ttlSeconds` here.
 */
export function publicResponseCache(options: PublicResponseCacheOptions): PublicResponseCache {
  const anonymous = options.isPublic;
  const generationKey = `public-cache:${options.service}:generation`;
  let localGeneration = 0;
  const shared = options.cache.kind === 'redis';
  const prefix = `public-cache:${options.service}:`;
  // Redis unreachable: a miss, never a failed read.
  const store: KeyValueCache = shared
    ? new ErrorsAreMissesCache({
        get: async (key) => (await options.cache.get(prefix + key)) ?? undefined,
        set: (key, value, opts) => options.cache.set(prefix + key, value, opts?.ttl ?? options.ttlSeconds),
        delete: (key) => options.cache.del(prefix + key),
      })
    : new InMemoryLRUCache<string>({ maxSize: options.maxChars ?? 32 * 1024 * 1024 });
  // Redis: every copy of the service reads the one counter (a day after its last write it starts over,
  // long after the answers it keyed ended). When it cannot be read, a key nothing was stored under.
  const generation = async () =>
    shared
      ? ((await options.cache.get(generationKey).catch(() => `unread-${Math.random()}`)) ?? '0')
      : String(localGeneration);
  const invalidate = async () => {
    if (!shared) localGeneration += 1;
    // Redis unreachable: what it holds ends with its TTL.
    else await options.cache.incr(generationKey, 86_400).catch(() => undefined);
  };

  const policy: ApolloServerPlugin<BaseContext> = {
    async requestDidStart() {
      return {
        async didResolveOperation(ctx) {
          if (ctx.operation?.operation === 'query' && anonymous(ctx)) {
            ctx.overallCachePolicy.replace({ maxAge: options.ttlSeconds, scope: 'PUBLIC' });
          }
        },
        async willSendResponse(ctx) {
          if (ctx.operation?.operation === 'mutation') await invalidate();
        },
      };
    },
  };
  const responses = responseCachePlugin<BaseContext>({
    cache: store,
    // Asked before shouldReadFromCache: a bearer's request reads no counter.
    extraCacheKeyData: async (ctx) => (anonymous(ctx) ? generation() : null),
    shouldReadFromCache: async (ctx) => anonymous(ctx),
    shouldWriteToCache: async (ctx) => anonymous(ctx),
  });
  return { plugins: [policy, responses], invalidate };
}
