import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { close, listen } from '../src/http.ts';

function get(port: number, path: string, agent: Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('graceful close (SIGTERM drain)', () => {
  it('lets a slow request in flight finish, closes idle keep-alive connections, then refuses connections', async () => {
    let arrived!: () => void;
    const slowArrived = new Promise<void>((resolve) => (arrived = resolve));
    const server = createServer((req, res) => {
      if (req.url === '/slow') {
        arrived();
        setTimeout(() => res.end('finished'), 400);
        return;
      }
      res.end('quick');
    });
    const { port } = await listen(server, 0, '127.0.0.1');
    const agent = new Agent({ keepAlive: true });
    try {
      // An idle keep-alive connection: without closing it, close() would wait for the grace period.
      expect(await get(port, '/quick', agent)).toEqual({ status: 200, body: 'quick' });
      const slow = get(port, '/slow', new Agent({ keepAlive: true }));
      await slowArrived;
      // A grace period longer than the test's timeout: close() must end because the connections did.
      const stopping = close(server, 60_000);
      expect(await slow).toEqual({ status: 200, body: 'finished' });
      await stopping;
      const refused = await get(port, '/quick', new Agent()).then(
        () => 'answered',
        (e: NodeJS.ErrnoException) => e.code,
      );
      expect(refused).toBe('ECONNREFUSED');
    } finally {
      agent.destroy();
    }
  });

  it('resets requests still running when the grace period ends', async () => {
    const server = createServer(() => {
      // never answers
    });
    const { port } = await listen(server, 0, '127.0.0.1');
    const hanging = get(port, '/', new Agent()).then(
      () => 'answered',
      (e: NodeJS.ErrnoException) => e.code,
    );
    await new Promise((r) => setTimeout(r, 50));
    await close(server, 100);
    expect(await hanging).toBe('ECONNRESET');
    expect((server.address() as AddressInfo | null)?.port).toBeUndefined();
  });
});
