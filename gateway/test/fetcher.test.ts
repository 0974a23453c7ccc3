import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createKeepAliveFetcher } from '../src/fetcher.ts';

/** A subgraph that resets the connection of its first `resets` requests before answering, then answers. */
function subgraph(resets: number): Promise<{ server: Server; url: string; seen: () => number }> {
  let seen = 0;
  const server = createServer((req, res) => {
    const n = ++seen;
    req.resume();
    req.on('end', () => {
      if (n <= resets) return void req.socket.resetAndDestroy();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"data":{"ok":true}}');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, seen: () => seen }),
    ),
  );
}

let running: Server | undefined;
afterEach(() => new Promise<void>((r) => (running ? running.close(() => r()) : r())));

describe("the gateway's subgraph fetcher", () => {
  it('sends a query again once when its connection is reset before any answer', async () => {
    const s = await subgraph(1);
    running = s.server;
    const { fetcher, close } = createKeepAliveFetcher();
    const res = await fetcher(s.url, { method: 'POST', body: JSON.stringify({ query: 'query { ok }' }) });
    expect(await res.json()).toEqual({ data: { ok: true } });
    expect(s.seen()).toBe(2);
    await close();
  });

  it('never sends a mutation again: it may have been received', async () => {
    const s = await subgraph(1);
    running = s.server;
    const { fetcher, close } = createKeepAliveFetcher();
    await expect(
      fetcher(s.url, { method: 'POST', body: JSON.stringify({ query: 'mutation { ok }' }) }),
    ).rejects.toThrow('fetch failed');
    expect(s.seen()).toBe(1);
    await close();
  });
});
