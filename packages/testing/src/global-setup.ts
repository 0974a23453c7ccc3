import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropRunDatabases, runEnv } from './run.ts';

/**
 * Once per `vitest run` (the shared config's globalSetup): gives the run an id and a folder for its
 * database templates, which test workers inherit through the environment; at the end drops the
 * run's PostgreSQL templates (and any test database a killed file left) and removes the folder.
 */
export default function setup(): () => Promise<void> {
  removeStaleFolders();
  const id = randomBytes(4).toString('hex');
  const dir = join(tmpdir(), `renda-test-${id}`);
  mkdirSync(dir, { recursive: true });
  process.env[runEnv.id] = id;
  process.env[runEnv.dir] = dir;
  return async () => {
    rmSync(dir, { recursive: true, force: true });
    if (process.env.DATABASE_URL) await dropRunDatabases(process.env.DATABASE_URL, id);
  };
}

/** Template folders of runs that were killed before their teardown (older than a day). */
function removeStaleFolders(): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith('renda-test-')) continue;
    const path = join(tmpdir(), name);
    try {
      if (Date.now() - statSync(path).mtimeMs > 86_400_000) rmSync(path, { recursive: true, force: true });
    } catch {
      // Removed by another run meanwhile.
    }
  }
}
