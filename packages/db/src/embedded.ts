import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  /** postgres:// URL any ordinary driver connects to. */
  url: string;
  stop(): Promise<void>;
}

/**
 * An embedded PostgreSQL: PGlite served over the Postgres wire protocol, so MikroORM's ordinary
 * postgresql driver talks to it. `dataDir` keeps the data on disk; without it the database lives in
 * memory (tests). PGlite runs one query at a time; the socket server queues connections and keeps a
 * transaction's statements together, so several connections are safe, only not parallel.
 */
export async function startEmbeddedPostgres(options: { dataDir?: string; port?: number; host?: string } = {}): Promise<EmbeddedPostgres> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir ?? 'memory://');
  const host = options.host ?? '127.0.0.1';
  const server = new PGLiteSocketServer({ db, host, port: options.port ?? 0, maxConnections: 64 });
  await server.start();
  const port = server.getServerConn().split(':').pop();
  return {
    url: `postgres://postgres:postgres@${host}:${port}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
