import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { databaseUrl, runEnv, withClient } from './run.ts';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A database state built once and copied for every test file that asks for it: `key` names the
 * state (the same key must always build the same state), `build` writes it into an empty database.
 */
export interface DatabaseTemplate {
  key: string;
  build(url: string): Promise<void>;
}

/**
 * A fresh database for one test file: a new database on the PostgreSQL of DATABASE_URL when it is
 * set (CI), an in-memory embedded PostgreSQL otherwise. Empty, or a copy of `template` (built on
 * first use, once per test run: `CREATE DATABASE … TEMPLATE` on PostgreSQL, a PGlite data-dir dump
 * on the embedded database).
 */
export async function createTestDatabase(options: { template?: DatabaseTemplate } = {}): Promise<TestDatabase> {
  const base = process.env.DATABASE_URL;
  if (!base) {
    if (options.template) return embeddedFromTemplate(options.template);
    // The embedded database's modules load only when it is used (not on PostgreSQL).
    const { startEmbeddedPostgres } = await import('@renda/db/embedded');
    const embedded = await startEmbeddedPostgres();
    return { url: embedded.url, drop: () => embedded.stop() };
  }
  const runId = process.env[runEnv.id];
  const name = `renda_test_${runId ? `${runId}_` : ''}${process.pid}_${randomBytes(4).toString('hex')}`;
  const template = options.template && runId ? await postgresTemplate(base, runId, options.template) : null;
  await withClient(base, (c) => c.query(`create database "${name}"${template ? ` template "${template}"` : ''}`));
  return { url: databaseUrl(base, name), drop: () => dropDatabase(base, name) };
}

function dropDatabase(base: string, name: string): Promise<void> {
  return withClient(base, async (c) => {
    await c.query(`drop database if exists "${name}" with (force)`);
  });
}

/**
 * The run's template database for `template`, built by the first test file that needs it while the
 * others wait on an advisory lock. It is built under another name and renamed when complete, and
 * closed to connections, so `CREATE DATABASE … TEMPLATE` may copy it from several files at once.
 */
async function postgresTemplate(base: string, runId: string, template: DatabaseTemplate): Promise<string> {
  const name = `renda_tpl_${runId}_${template.key}`;
  await withClient(base, async (c) => {
    await c.query('select pg_advisory_lock(hashtext($1))', [name]);
    try {
      const exists = await c.query('select 1 from pg_database where datname = $1', [name]);
      if (exists.rowCount) return;
      const building = `${name}_b`;
      await c.query(`drop database if exists "${building}" with (force)`);
      await c.query(`create database "${building}"`);
      try {
        await template.build(databaseUrl(base, building));
      } catch (e) {
        await c.query(`drop database if exists "${building}" with (force)`);
        throw e;
      }
      await c.query(`alter database "${building}" rename to "${name}"`);
      await c.query(`alter database "${name}" with is_template true allow_connections false`);
    } finally {
      await c.query('select pg_advisory_unlock(hashtext($1))', [name]);
    }
  });
  return name;
}

/** Dumps built in this process (the fallback when no run folder is set, and a cache in front of it). */
const dumps = new Map<string, Promise<Blob>>();

async function embeddedFromTemplate(template: DatabaseTemplate): Promise<TestDatabase> {
  let dump = dumps.get(template.key);
  if (!dump) {
    dump = loadOrBuildDump(template);
    dumps.set(template.key, dump);
    dump.catch(() => dumps.delete(template.key));
  }
  return startMemoryPostgres(await dump);
}

/**
 * The embedded test database: PGlite in memory, from a data-dir dump, served over the wire
 * protocol. Nothing needs to survive a crash, so commits do not wait for the write-ahead log.
 */
async function startMemoryPostgres(loadDataDir?: Blob): Promise<TestDatabase & { pglite: PGlite }> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { wireServer } = await import('@renda/db/embedded');
  const pglite = await PGlite.create({
    ...(loadDataDir ? { loadDataDir } : {}),
    startParams: [...PGlite.defaultStartParams, '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
  });
  const server = wireServer(pglite, '127.0.0.1', 0);
  await server.start();
  const port = server.getServerConn().split(':').pop();
  return {
    pglite,
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    async drop() {
      await server.stop();
      await pglite.close();
    },
  };
}

async function buildDump(template: DatabaseTemplate): Promise<Blob> {
  const db = await startMemoryPostgres();
  try {
    await template.build(db.url);
    return await db.pglite.dumpDataDir('none');
  } finally {
    await db.drop();
  }
}

/**
 * The template's dump from the run folder; the first process to need it builds it while the others
 * wait on a lock file (taken over when its owner died), and writes it whole (rename) for them.
 */
async function loadOrBuildDump(template: DatabaseTemplate): Promise<Blob> {
  const dir = process.env[runEnv.dir];
  if (!dir) return buildDump(template);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${template.key}.tar`);
  const lock = `${file}.lock`;
  for (;;) {
    const ready = readIfExists(file);
    if (ready) return ready;
    if (takeLock(lock)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  try {
    const ready = readIfExists(file);
    if (ready) return ready;
    const dump = await buildDump(template);
    const partial = `${file}.${process.pid}`;
    writeFileSync(partial, new Uint8Array(await dump.arrayBuffer()));
    renameSync(partial, file);
    return dump;
  } finally {
    rmSync(lock, { force: true });
  }
}

function readIfExists(file: string): Blob | null {
  try {
    return new Blob([readFileSync(file)]);
  } catch {
    return null;
  }
}

function takeLock(lock: string): boolean {
  try {
    writeFileSync(lock, String(process.pid), { flag: 'wx' });
    return true;
  } catch {
    const owner = Number(readIfText(lock));
    // A lock just created has no pid yet; one whose owner is gone is stale.
    if (owner && !alive(owner)) {
      rmSync(lock, { force: true });
    } else if (!owner && ageMs(lock) > 10_000) {
      rmSync(lock, { force: true });
    }
    return false;
  }
}

function readIfText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
