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
 * memory (tests). PGlite runs one query at a time; the socket server queues connections and keeps a
 * transaction's statements together, so several connections are safe, only not parallel.
 */
export async function startEmbeddedPostgres(
  options: { dataDir?: string; port?: number; host?: string } = {},
): Promise<EmbeddedPostgres> {
  const release = options.dataDir ? lockDataDir(options.dataDir) : () => {};
  const db = await createCluster(options.dataDir);
  const host = options.host ?? '127.0.0.1';
  const server = new PGLiteSocketServer({ db, host, port: options.port ?? 0, maxConnections: 64 });
  await server.start();
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
