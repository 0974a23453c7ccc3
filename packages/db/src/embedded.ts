import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
 * memory (tests). PGlite is one backend running one message at a time; `WireQueue` gives it to one
 * connection from that connection's first message until the backend is idle again, so several
 * connections (several processes) are safe, only not parallel.
 */
export async function startEmbeddedPostgres(
  options: { dataDir?: string; port?: number; host?: string; phase?: (phase: string) => void } = {},
): Promise<EmbeddedPostgres> {
  const phase = options.phase ?? (() => {});
  const release = options.dataDir ? lockDataDir(options.dataDir) : () => {};
  const db = await createCluster(options.dataDir);
  phase('PGlite open (WebAssembly, data folder)');
  const host = options.host ?? '127.0.0.1';
  const server = wireServer(db, host, options.port ?? 0);
  await server.start();
  phase('socket server listening');
  const port = server.getServerConn().split(':').pop();
  return {
    url: `postgres://postgres:postgres@${host}:${port}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
      release();
    },
  };
}

/** PGlite served over the wire protocol (not started), with the `WireQueue` in place of the socket server's own. */
export function wireServer(db: PGlite, host: string, port: number): PGLiteSocketServer {
  const server = new PGLiteSocketServer({ db, host, port, maxConnections: 64 });
  // Each connection's handler takes the server's queue when it connects: replaced before any does.
  const seam = server as unknown as { queryQueue?: unknown };
  if (!seam.queryQueue) throw new Error('@electric-sql/pglite-socket changed: its query queue is not where expected');
  seam.queryQueue = new WireQueue(db);
  return server;
}

interface Queued {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (error: Error) => void;
}

/** ReadyForQuery with status I: the backend finished what it was sent and is in no transaction. */
const idle = [0x5a, 0, 0, 0, 5, 0x49];
const sync = new Uint8Array([0x53, 0, 0, 0, 4]);

/**
 * The socket server's queue of wire-protocol messages, in place of its own, which kept only an open
 * transaction's messages together: between an extended query's Parse and its Bind another connection's
 * Parse could run and replace the one unnamed statement the backend has ("unnamed prepared statement
 * does not exist", or the wrong statement bound). Here the connection whose message ran keeps the
 * backend until a reply ends with ReadyForQuery status I (after a Sync or a simple query, outside a
 * transaction); meanwhile other connections' messages wait, in arrival order.
 */
export class WireQueue {
  private queue: Queued[] = [];
  private owner: number | null = null;
  private running = false;

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.run();
    });
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (;;) {
        const at = this.owner === null ? 0 : this.queue.findIndex((q) => q.handlerId === this.owner);
        if (at < 0 || at >= this.queue.length) return;
        const [item] = this.queue.splice(at, 1) as [Queued];
        let bytes = 0;
        const tail: number[] = [];
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (data) => {
                bytes += data.length;
                for (const b of data.subarray(Math.max(0, data.length - idle.length))) tail.push(b);
                tail.splice(0, Math.max(0, tail.length - idle.length));
                item.onData(data);
              },
            }),
          );
        } catch (e) {
          this.owner = null;
          item.reject(e as Error);
          continue;
        }
        this.owner = idle.every((b, i) => tail[i] === b) ? null : item.handlerId;
        item.resolve(bytes);
      }
    } finally {
      this.running = false;
    }
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  /** A connection went away: its waiting messages are dropped. */
  clearQueueForHandler(handlerId: number): void {
    for (const q of this.queue.filter((q) => q.handlerId === handlerId)) q.reject(new Error('Handler disconnected'));
    this.queue = this.queue.filter((q) => q.handlerId !== handlerId);
  }

  /** A connection that held the backend went away: its extended query is ended, its transaction rolled back. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    try {
      await this.db.runExclusive(() => this.db.execProtocolRawStream(sync, { onRawData: () => {} }));
      if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    } finally {
      this.owner = null;
      void this.run();
    }
  }
}

/**
 * A new database starts from a dump of an empty one when there is one (initdb is most of a first
 * start: about 4 s of CPU against 1 s to unpack the dump); the first new database made without it
 * leaves that dump in node_modules/.cache for the next (one per PGlite build).
 */
async function createCluster(dataDir: string | undefined): Promise<PGlite> {
  const fresh = !dataDir || !existsSync(join(dataDir, 'PG_VERSION'));
  const template = fresh ? emptyClusterDump() : null;
  if (template && existsSync(template)) {
    return PGlite.create({ dataDir: dataDir ?? 'memory://', loadDataDir: new Blob([readFileSync(template)]) });
  }
  const db = await PGlite.create(dataDir ?? 'memory://');
  if (template) {
    try {
      mkdirSync(join(template, '..'), { recursive: true });
      const partial = `${template}.${process.pid}`;
      writeFileSync(partial, Buffer.from(await (await db.dumpDataDir('none')).arrayBuffer()));
      renameSync(partial, template);
    } catch {
      // Only a cache: the next new database runs initdb again.
    }
  }
  return db;
}

/** Where the empty cluster's dump of this PGlite build is kept, or null when PGlite's path is unknown. */
function emptyClusterDump(): string | null {
  try {
    const pglite = fileURLToPath(import.meta.resolve('@electric-sql/pglite'));
    const at = pglite.indexOf('/node_modules/');
    if (at < 0) return null;
    const modules = pglite.slice(0, at + '/node_modules'.length);
    const build = createHash('sha256').update(pglite).digest('hex').slice(0, 12);
    return join(modules, '.cache', 'renda-pglite', `empty-${build}.tar`);
  } catch {
    return null;
  }
}

/**
 * PGlite has one writer: a second process on the same folder would corrupt it. A lock file with the
 * owner's pid keeps a second `pnpm start` out (a stale lock of a dead process is taken over).
 */
function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lock = join(dataDir, '..', `${dataDir.split('/').pop()}.lock`);
  try {
    writeFileSync(lock, String(process.pid), { flag: 'wx' });
  } catch {
    const owner = Number(readFileSync(lock, 'utf8'));
    let alive = false;
    try {
      process.kill(owner, 0);
      alive = owner !== process.pid;
    } catch {
      alive = false;
    }
    if (alive) {
      throw Object.assign(
        new Error(
          `The embedded database in ${dataDir} is in use by process ${owner}; stop it first or set DATA_DIR to another folder.`,
        ),
        { code: 'EDATADIRLOCKED' },
      );
    }
    writeFileSync(lock, String(process.pid));
  }
  return () => rmSync(lock, { force: true });
}
