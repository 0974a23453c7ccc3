import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Loaders } from '../src/loaders.ts';
import { SiblingClient } from '../src/siblings.ts';

/**
 * A sibling subgraph that resets the connection of some requests before answering (as a kept-alive
 * socket closed by the other side just as it is reused looks to the caller), and answers the others.
 */
function sibling(resetFirst: number): Promise<{ server: Server; url: string; seen: () => number }> {
  let seen = 0;
  const server = createServer((req, res) => {
    seen += 1;
    const n = seen;
    req.resume();
    req.on('end', () => {
      if (n <= resetFirst) {
        req.socket.resetAndDestroy();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: { _entities: [{ id: 's1', opensOn: '2026-06-14' }] } }));
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

describe('SiblingClient', () => {
  it('sends a read again once when its connection is reset before any answer', async () => {
    const s = await sibling(1);
    running = s.server;
    const client = new SiblingClient({ deputies: s.url }, 'secret', new Loaders(), null);
    const session = await client.entity<{ id: string }>('deputies', 'CongressSession', { id: 's1' }, 'id opensOn');
    expect(session).toEqual({ id: 's1', opensOn: '2026-06-14' });
    expect(s.seen()).toBe(2);
  });

  it('sends it once more only: a second reset fails the read', async () => {
    const s = await sibling(2);
    running = s.server;
    const client = new SiblingClient({ deputies: s.url }, 'secret', new Loaders(), null);
    await expect(client.entity('deputies', 'CongressSession', { id: 's1' }, 'id')).rejects.toMatchObject({
      code: expect.stringMatching(/UND_ERR_SOCKET|ECONNRESET/),
    });
    expect(s.seen()).toBe(2);
  });
});
