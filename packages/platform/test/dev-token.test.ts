import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createTokenVerifier } from '@renda/auth/tokens';
import { devJwtSecret } from '@renda/server-kit/env';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../bin/dev-token.mjs', import.meta.url));

describe('dev-token (plain JavaScript after its first run)', () => {
  it('prints a token the platform accepts, with the claims asked for', async () => {
    const env = { ...process.env };
    delete env.JWT_SECRET;
    const { stdout } = await run(
      process.execPath,
      [bin, '--role', 'DEPUTY', '--region', '430181', '--deputy', 'demo:430181:1'],
      { env },
    );
    const viewer = await createTokenVerifier({ kind: 'hs256', secret: devJwtSecret })(`Bearer ${stdout.trim()}`);
    expect(viewer).toMatchObject({ role: 'DEPUTY', region: '430181' });
    expect(viewer?.deputy).toMatch(/^[0-9a-f-]{36}$/);
    const member = await run(process.execPath, [bin, '--role', 'COMMITTEE_MEMBER', '--member', 'demo:430181:5'], {
      env,
    });
    const committee = await createTokenVerifier({ kind: 'hs256', secret: devJwtSecret })(
      `Bearer ${member.stdout.trim()}`,
    );
    expect(committee).toMatchObject({ role: 'COMMITTEE_MEMBER', region: '430181' });
    expect(committee?.member).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses a demo id the demo data lacks, with exit code 2 and no stack', async () => {
    const failed = await run(process.execPath, [
      bin,
      '--role',
      'DEPUTY',
      '--region',
      '430181',
      '--deputy',
      'demo:430181:99',
    ]).catch((e) => e);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain('is not in the demo data');
    expect(failed.stderr).not.toContain('    at ');
  });
});
