import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import type { AnswerCache, AnswerMiss } from './answer-cache.ts';

export const subgraphSecretHeader = 'x-subgraph-secret';
export const requestIdHeader = 'x-request-id';
export const defaultMaxBodyBytes = 1_000_000;

/** Browser origins allowed to call the server (`*` for any); unset means no CORS headers at all. */
export type CorsOrigins = '*' | readonly string[];

/** What a readiness check reports: `down` (or a throw) answers 503. Never addresses or error text. */
export type Readiness = { status?: 'up' | 'down' } & Record<string, unknown>;

export interface GraphQLHttpOptions<C extends BaseContext> {
  apollo: ApolloServer<C>;
  context: (req: IncomingMessage) => Promise<C>;
  /** When set, every request but the health routes must carry it in `x-subgraph-secret`. */
  secret?: string;
  maxBodyBytes?: number;
  /** Readiness (`/health/ready`, `/health`): resolves `{ status: 'up', … }` or throws / says `down` for 503. */
  health?: () => Promise<Readiness>;
  cors?: CorsOrigins;
  /** Other routes (GraphiQL, static files): return true when handled. */
  routes?: RouteHandler;
  /** Bearers' reads answered again while the database is unchanged (subgraphs; see answer-cache.ts). */
  answers?: AnswerCache | null;
}

/**
 * A route beside the graph: returns true when it handled the request. It may throw an `HttpProblem`
 * for a JSON error answer. The front door's secret check does not cover it.
 */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

const requestIds = new WeakMap<IncomingMessage, string>();
const safeRequestId = /^[A-Za-z0-9._:@/+=-]{1,128}$/;
const traceparent = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/;

/**
 * The request's id: a well-formed `x-request-id` (at most 128 safe characters), else the trace id of a
 * W3C `traceparent`, else a new UUID.
 */
export function resolveRequestId(headers: IncomingMessage['headers']): string {
  const given = headers[requestIdHeader];
  if (typeof given === 'string' && safeRequestId.test(given)) return given;
  const parent = headers.traceparent;
  const trace = typeof parent === 'string' ? traceparent.exec(parent.trim().toLowerCase()) : null;
  if (trace && !/^0+$/.test(trace[1]!)) return trace[1]!;
  return randomUUID();
}

/** The id the front door gave this request (also in the `x-request-id` response header). */
export function requestIdOf(req: IncomingMessage): string {
  let id = requestIds.get(req);
  if (!id) {
    id = resolveRequestId(req.headers);
    requestIds.set(req, id);
  }
  return id;
}

const corsAllowedHeaders = 'content-type, authorization, apollo-require-preflight, x-request-id';

/** Sets CORS headers for an allowed origin; a disallowed or absent origin gets none. Returns whether allowed. */
function applyCors(req: IncomingMessage, res: ServerResponse, origins: CorsOrigins | undefined): boolean {
  if (!origins) return false;
  const origin = req.headers.origin;
  if (typeof origin !== 'string') return false;
  if (origins === '*') {
    // Any origin, never with credentials.
    res.setHeader('access-control-allow-origin', '*');
  } else if (origins.includes(origin)) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-allow-credentials', 'true');
    res.setHeader('vary', 'Origin');
  } else {
    res.setHeader('vary', 'Origin');
    return false;
  }
  res.setHeader('access-control-expose-headers', requestIdHeader);
  return true;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function errorBody(message: string, code: string) {
  return { errors: [{ message, extensions: { code } }] };
}

/** A request refused before GraphQL: its status, message and `extensions.code` in a JSON error body. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** The body as text, refused with 413 beyond `limit` bytes (declared or read). */
export async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit)
    throw new HttpProblem(413, `The request body is larger than ${limit} bytes.`, 'PAYLOAD_TOO_LARGE');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit)
      throw new HttpProblem(413, `The request body is larger than ${limit} bytes.`, 'PAYLOAD_TOO_LARGE');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Whether the given header carries the shared secret (compared in constant time). */
export function secretMatches(expected: string, given: string | string[] | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `pathname` and `search` of a request target, as `new URL(target, 'http://localhost')` gives them. */
function pathAndSearch(target: string | undefined): { pathname: string; search: string } {
  // The gateway's and the subgraphs' calls: no URL to build.
  if (target === '/graphql' || target === '/') return { pathname: target, search: '' };
  return new URL(target ?? '/', 'http://localhost');
}

/**
 * Serves an Apollo Server over node:http with the platform's front door: `/health/live`,
 * `/health/ready` (and `/health`, its alias), a request id on every response, CORS when configured, a
 * body limit, no batched arrays, malformed JSON as 400, and (for subgraphs) the shared secret.
 */
export function createGraphQLHttpServer<C extends BaseContext>(options: GraphQLHttpOptions<C>): Server {
  const limit = options.maxBodyBytes ?? defaultMaxBodyBytes;
  return createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (e instanceof HttpProblem) {
        if (!res.headersSent) sendJson(res, e.status, errorBody(e.message, e.code));
        req.resume();
        return;
      }
      if (!res.headersSent) sendJson(res, 500, errorBody('Internal server error.', 'INTERNAL_SERVER_ERROR'));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = pathAndSearch(req.url);
    res.setHeader(requestIdHeader, requestIdOf(req));
    const corsAllowed = applyCors(req, res, options.cors);
    if (options.cors && req.method === 'OPTIONS') {
      // Preflight: a disallowed origin gets 204 without CORS headers, which the browser treats as a refusal.
      if (corsAllowed) {
        res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
        res.setHeader('access-control-allow-headers', corsAllowedHeaders);
        res.setHeader('access-control-max-age', '600');
      }
      res.writeHead(204);
      res.end();
      return;
    }
    if (req.method === 'GET' && url.pathname === '/health/live') {
      sendJson(res, 200, { status: 'up' });
      return;
    }
    if (req.method === 'GET' && (url.pathname === '/health/ready' || url.pathname === '/health')) {
      // Never the error's text: it may name hosts, ports or SQL.
      const ready: Readiness = options.health ? await options.health().catch(() => ({ status: 'down' as const })) : {};
      const status = ready.status ?? 'up';
      sendJson(res, status === 'up' ? 200 : 503, { ...ready, status });
      return;
    }
    if (options.routes && (await options.routes(req, res))) return;
    if (url.pathname !== '/graphql' && url.pathname !== '/') {
      sendJson(res, 404, errorBody(`Nothing at ${url.pathname}; the graph is at /graphql.`, 'NOT_FOUND'));
      return;
    }
    if (options.secret !== undefined && !secretMatches(options.secret, req.headers[subgraphSecretHeader])) {
      throw new HttpProblem(403, 'This subgraph answers the gateway only.', 'FORBIDDEN');
    }
    if (req.method !== 'GET' && req.method !== 'POST') {
      res.setHeader('allow', 'GET, POST');
      throw new HttpProblem(405, 'Use GET or POST.', 'METHOD_NOT_ALLOWED');
    }
    let body: unknown = undefined;
    let miss: AnswerMiss | null = null;
    if (req.method === 'POST') {
      const text = await readBody(req, limit);
      const authorization = req.headers.authorization;
      if (options.answers && authorization && text.length) {
        const found = await options.answers.lookup(authorization, text, requestIdOf(req));
        if (found && 'answer' in found) {
          res.writeHead(200, {
            'content-type': 'application/json; charset=utf-8',
            'content-length': Buffer.byteLength(found.answer),
          });
          res.end(found.answer);
          return;
        }
        miss = found?.miss ?? null;
      }
      const type = req.headers['content-type'] ?? '';
      if (type.includes('application/json') || type.includes('application/graphql-response+json')) {
        try {
          body = text.length ? JSON.parse(text) : {};
        } catch {
          throw new HttpProblem(400, 'The body is not valid JSON.', 'BAD_REQUEST');
        }
        if (Array.isArray(body))
          throw new HttpProblem(
            400,
            'Batched requests are not supported: send one operation per request.',
            'BAD_REQUEST',
          );
        if (body === null || typeof body !== 'object')
          throw new HttpProblem(400, 'The body must be a JSON object with `query`.', 'BAD_REQUEST');
      } else {
        body = text;
      }
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    // The plugins (request log) read the resolved id, not the raw header.
    headers.set(requestIdHeader, requestIdOf(req));
    let contextValue: C | undefined;
    const response = await options.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method, headers, search: url.search, body },
      context: async () => {
        contextValue = await options.context(req);
        return miss && options.answers ? options.answers.marked(contextValue) : contextValue;
      },
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      // After the answer is sent: storing reads the snapshot again.
      if (miss && res.statusCode === 200) await options.answers?.store(miss, contextValue, response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }
}

export async function listen(server: Server, port: number, host: string): Promise<{ port: number; url: string }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return { port: address.port, url: `http://${host}:${address.port}/graphql` };
}

export const defaultShutdownGraceMs = 10_000;

/**
 * Stops a server gracefully: it accepts no new connection at once, lets requests in flight finish
 * (for at most `graceMs`), closes keep-alive connections as they fall idle, and resets whatever is
 * still open when the grace period ends.
 */
export async function close(server: Server, graceMs = defaultShutdownGraceMs): Promise<void> {
  if (!server.listening) {
    server.closeAllConnections();
    return;
  }
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // A keep-alive connection becomes idle when its response ends: close those as they appear.
  server.closeIdleConnections();
  const sweep = setInterval(() => server.closeIdleConnections(), 50);
  const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
  try {
    await closed;
  } finally {
    clearInterval(sweep);
    clearTimeout(deadline);
  }
}
