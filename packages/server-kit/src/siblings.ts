import { request } from 'undici';
import { subgraphSecretHeader } from './http.ts';
import type { Loaders } from './loaders.ts';

/** Where the sibling subgraphs listen, by name ("deputies", "supervision", ...). */
export type SiblingUrls = Record<string, string>;

export class SiblingError extends Error {}

/** A request that failed on its connection before any answer came: the socket was closed or reset under it. */
export function isStaleConnection(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'UND_ERR_CLOSED' || code === 'EPIPE';
}

/** Reads entities other subgraphs own: over HTTP in a request (`SiblingClient`), from declared facts in a seed. */
export interface Siblings {
  entity<T>(service: string, typename: string, key: Record<string, string>, selection: string): Promise<T | null>;
}

/**
 * Reads entities another subgraph owns through its `_entities` field, with the subgraph secret and
 * the caller's own Authorization, batched per request: every key asked in one tick goes in one call.
 * Services use it to check ids in input (a deputy exists and is ACTIVE, a unit exists) without
 * reading another service's tables.
 */
export class SiblingClient implements Siblings {
  constructor(
    private readonly urls: SiblingUrls,
    private readonly secret: string,
    private readonly loaders: Loaders,
    private readonly authorization: string | null,
  ) {}

  /**
   * Loads `typename` entities by key; `selection` is the fields to read, e.g. `id status congress { id }`.
   * Returns null for keys the owner does not know.
   */
  entity<T>(service: string, typename: string, key: Record<string, string>, selection: string): Promise<T | null> {
    const loaderName = `sibling:${service}:${typename}:${selection}`;
    return this.loaders
      .get<Record<string, string>, T | null>(
        loaderName,
        async (keys) => {
          const url = this.urls[service];
          if (!url) throw new SiblingError(`The ${service} subgraph's URL is not configured.`);
          const query = `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on ${typename} { ${selection} } } }`;
          const representations = keys.map((k) => ({ __typename: typename, ...k }));
          const send = () =>
            request(url, {
              method: 'POST',
              headers: {
                'content-type': 'application/json',
                [subgraphSecretHeader]: this.secret,
                ...(this.authorization ? { authorization: this.authorization } : {}),
              },
              body: JSON.stringify({ query, variables: { representations } }),
            });
          // A kept-alive connection the other side closed just as it was reused fails before any answer
          // (more likely on a busy event loop); this read changes nothing, so it is sent once more.
          const response = await send().catch((e: unknown) => {
            if (isStaleConnection(e)) return send();
            throw e;
          });
          const body = (await response.body.json()) as {
            data?: { _entities?: (T | null)[] };
            errors?: { message: string }[];
          };
          if (response.statusCode !== 200 || !body.data?._entities) {
            throw new SiblingError(
              `The ${service} subgraph did not answer (${response.statusCode}): ${body.errors?.[0]?.message ?? 'no data'}`,
            );
          }
          return body.data._entities.map((e) => e ?? null);
        },
        (k) => JSON.stringify(k),
      )
      .load(key);
  }
}
