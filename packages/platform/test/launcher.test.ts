import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readEnv } from '../src/env.ts';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'renda-launcher-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function launch(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const inherited = Object.entries(process.env);
    const clean = Object.fromEntries(
      inherited.filter(([k]) => !/^(DATABASE_URL|REDIS_URL|VITEST.*|NODE_ENV|LOG_LEVEL)$/.test(k)),
    );
    const child = spawn(process.execPath, ['--import', 'tsx', main], { env: { ...clean, DATA_DIR: dataDir, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('pnpm start refuses bad settings and busy ports before it builds anything', () => {
  it('prints one line per wrong setting, naming the variable and the rule, and exits 1 without a stack', async () => {
    const wrong = {
      GATEWAY_PORT: '70000',
      SEATS_TOWNSHIP: 'three',
      JWT_MAX_LIFETIME: 'forever',
      SEED_DEMO: 'yes',
      MAX_DEPTH: '0',
    };
    const run = await launch(wrong);
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines[0]).toBe('Configuration error:');
    for (const variable of Object.keys(wrong)) {
      expect(
        lines.filter((l) => l.startsWith(`  ${variable}: `)),
        variable,
      ).toHaveLength(1);
    }
    expect(lines).toHaveLength(6);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dataDir, 'pglite'))).toBe(false);
  });

  it('names a port in use and its variable, before the database is built', async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      const others = { GATEWAY_PORT: '0', SUGGESTIONS_PORT: '0', SUPERVISION_PORT: '0', VOTING_PORT: '0' };
      const run = await launch({ DEPUTIES_PORT: String(port), ...others });
      expect(run.code).toBe(1);
      expect(run.stderr.trim()).toBe(
        `Port ${port} (DEPUTIES_PORT) is in use on 127.0.0.1: stop what uses it (is the platform running already?) or set DEPUTIES_PORT.`,
      );
      expect(existsSync(join(dataDir, 'pglite'))).toBe(false);
    } finally {
      busy.close();
    }
  });
});

describe('SEED_DEMO', () => {
  const production = {
    NODE_ENV: 'production',
    JWT_SECRET: 'a-production-secret-1234',
    SUBGRAPH_SECRET: 'a-subgraph-secret-12345',
  };
  it('defaults to on in development (NODE_ENV unset or development), off in production and tests', () => {
    expect(readEnv({}).seed).toBe(true);
    expect(readEnv({ NODE_ENV: 'development' }).seed).toBe(true);
    expect(readEnv(production).seed).toBe(false);
    expect(readEnv({ NODE_ENV: 'test' }).seed).toBe(false);
  });
  it('follows an explicit value', () => {
    expect(readEnv({ ...production, SEED_DEMO: 'true' }).seed).toBe(true);
    expect(readEnv({ SEED_DEMO: 'false' }).seed).toBe(false);
  });
});

describe('LOG_LEVEL', () => {
  it('is honoured as set, info included; warn when unset', () => {
    expect(readEnv({ LOG_LEVEL: 'info' }).logLevel).toBe('info');
    expect(readEnv({ LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
    expect(readEnv({}).logLevel).toBe('warn');
  });
});
