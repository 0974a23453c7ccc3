import { Pool } from 'undici';
import { isStaleConnection } from '@renda/server-kit/siblings';

/**
 * The gateway's calls to its subgraphs: `undici.request` on a keep-alive Pool per subgraph origin,
 * behind the small part of `fetch` that Apollo's RemoteGraphQLDataSource uses. It skips WHATWG
 * Request/Response objects and web streams (a third of the gateway's CPU with `fetch`): the body is
 * read whole as text.
 *
 * In-flight deduplication: while a query is on its way to a subgraph, an identical one (same URL, same
 * body and the same headers, among them the bearer's Authorization and the forwarded client headers)
 * waits for that answer instead of being sent again. Each caller gets its own parse of the body, so no
 * caller can change what another reads. Only bodies that are provably a query operation (the gateway
 * writes `{"query":"query …` or `{"query":"{…`) are shared: mutations and anything else go out one by one.
 */
export interface SubgraphFetcherOptions {
  /** Connections per subgraph. Default 64. */
  connections?: number;
  /** Share identical in-flight query calls. Default true. */
  dedupe?: boolean;
  /** Give up on a subgraph that sends no headers, or no body data, for this long (ms). Default 30 s. */
  timeoutMs?: number;
}

/** Headers that name one request (tracing), not what is asked: left out of the deduplication key. */
const perRequestHeaders = new Set(['x-request-id', 'traceparent', 'tracestate']);

/** Headers of a subgraph response with the lookups Apollo and the error handling make. */
export class SubgraphHeaders {
  constructor(private readonly raw: Record<string, string | string[] | undefined>) {}
  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
  }
  has(name: string): boolean {
    return this.raw[name.toLowerCase()] !== undefined;
  }
  *entries(): IterableIterator<[string, string]> {
    for (const key of Object.keys(this.raw)) yield [key, this.get(key)!];
  }
  [Symbol.iterator]() {
    return this.entries();
  }
  forEach(fn: (value: string, key: string) => void): void {
    for (const [k, v] of this.entries()) fn(v, k);
  }
}

interface Buffered {
  url: string;
  status: number;
  headers: SubgraphHeaders;
  text: string;
}

/** What `fetch` resolves to, as far as Apollo reads it. */
export class SubgraphResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly url: string;
  readonly headers: SubgraphHeaders;
  readonly redirected = false;
  readonly type = 'basic';
  bodyUsed = false;
  constructor(private readonly buffered: Buffered) {
    this.status = buffered.status;
    this.ok = buffered.status >= 200 && buffered.status < 300;
    this.statusText = statusTexts[buffered.status] ?? '';
    this.url = buffered.url;
    this.headers = buffered.headers;
  }
  async text(): Promise<string> {
    this.bodyUsed = true;
    return this.buffered.text;
  }
  async json(): Promise<unknown> {
    this.bodyUsed = true;
    return JSON.parse(this.buffered.text);
  }
}

const statusTexts: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  413: 'Payload Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

type HeadersInput = Record<string, string> | Iterable<[string, string]> | undefined;
interface FetchInit {
  method?: string;
  headers?: HeadersInput;
  body?: string;
  signal?: AbortSignal;
}

function headerRecord(input: HeadersInput): Record<string, string> {
  if (!input) return {};
  const out: Record<string, string> = {};
  const entries = Symbol.iterator in input ? input : Object.entries(input);
  for (const [k, v] of entries as Iterable<[string, string]>) out[k.toLowerCase()] = v;
  return out;
}

/** A body that is one query operation, as the gateway writes it (never a mutation or subscription). */
function isQueryBody(body: string | undefined): body is string {
  return body !== undefined && (body.startsWith('{"query":"query') || body.startsWith('{"query":"{'));
}

function dedupeKey(url: string, headers: Record<string, string>, body: string): string {
  const names = Object.keys(headers)
    .filter((k) => !perRequestHeaders.has(k))
    .sort();
  return `${url}\n${names.map((k) => `${k}:${headers[k]}`).join('\n')}\n\n${body}`;
}

export interface SubgraphFetcher {
  /** Hand to RemoteGraphQLDataSource as `fetcher`. */
  fetcher: typeof fetch;
  /** Calls sent to a subgraph and calls answered by an identical one in flight, since the start. */
  stats(): { sent: number; shared: number };
  close(): Promise<void>;
}

export function createKeepAliveFetcher(options: SubgraphFetcherOptions = {}): SubgraphFetcher {
  const pools = new Map<string, Pool>();
  const inFlight = new Map<string, Promise<Buffered>>();
  const timeout = options.timeoutMs ?? 30_000;
  let sent = 0;
  let shared = 0;

  const poolOf = (origin: string) => {
    let pool = pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connections: options.connections ?? 64,
        pipelining: 1,
        keepAliveTimeout: 30_000,
        keepAliveMaxTimeout: 300_000,
      });
      pools.set(origin, pool);
    }
    return pool;
  };

  const send = async (url: string, init: FetchInit, headers: Record<string, string>): Promise<Buffered> => {
    sent++;
    const target = new URL(url);
    const request = () =>
      poolOf(target.origin).request({
        path: target.pathname + target.search,
        method: (init.method ?? 'GET') as 'POST',
        headers,
        body: init.body ?? null,
        headersTimeout: timeout,
        bodyTimeout: timeout,
        ...(init.signal ? { signal: init.signal } : {}),
      });
    try {
      // A kept-alive connection the subgraph closed just as it was reused fails before any answer; a query
      // changes nothing and is sent once more, a mutation never (it may have been received).
      const res = await request().catch((e: unknown) => {
        if (isQueryBody(init.body) && isStaleConnection(e)) return request();
        throw e;
      });
      return { url, status: res.statusCode, headers: new SubgraphHeaders(res.headers), text: await res.body.text() };
    } catch (e) {
      // As fetch fails: a TypeError whose cause carries the network error (code ECONNREFUSED, …).
      throw new TypeError('fetch failed', { cause: e });
    }
  };

  const fetcher = async (input: string | URL, init: FetchInit = {}): Promise<SubgraphResponse> => {
    const url = String(input);
    const headers = headerRecord(init.headers);
    if (options.dedupe === false || !isQueryBody(init.body) || init.signal) {
      return new SubgraphResponse(await send(url, init, headers));
    }
    const key = dedupeKey(url, headers, init.body);
    const existing = inFlight.get(key);
    if (existing) {
      shared++;
      return new SubgraphResponse(await existing);
    }
    const call = send(url, init, headers).finally(() => inFlight.delete(key));
    inFlight.set(key, call);
    return new SubgraphResponse(await call);
  };

  return {
    fetcher: fetcher as unknown as typeof fetch,
    stats: () => ({ sent, shared }),
    close: async () => {
      await Promise.all([...pools.values()].map((p) => p.close()));
    },
  };
}
