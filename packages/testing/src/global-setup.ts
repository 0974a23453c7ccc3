import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropRunDatabases, runEnv } from './run.ts';

/**
 * Once per `vitest run` (the shared config's globalSetup): gives the run an id and a folder for its
 * database templates, which test workers inherit through the environment; at the end drops the
 * run's PostgreSQL templates (and any test database a killed file left) and removes the folder.
 */
export default function setup(): () => Promise<void> {
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
