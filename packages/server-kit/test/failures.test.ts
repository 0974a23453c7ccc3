import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('a rejection nobody handles', () => {
  it('is logged with its request, answers INTERNAL_SERVER_ERROR, and the process keeps serving', async () => {
    const fixture = fileURLToPath(new URL('./fixtures/orphan-rejection.ts', import.meta.url));
    const { stdout } = await run(process.execPath, ['--import', 'tsx', fixture], { cwd: fileURLToPath(new URL('..', import.meta.url)) });
    const lines = stdout.trim().split('\n');
    const log = lines.map((l) => JSON.parse(l)).find((l) => l.msg?.startsWith('unhandled rejection'));
    expect(log).toMatchObject({ service: 'fixture', operationName: 'Orphaned' });
    expect(log.err.message).toContain('ECONNREFUSED');
    const { orphan, plain } = JSON.parse(lines.at(-1)!);
    expect(orphan.errors).toEqual([{ message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
    expect(JSON.stringify(orphan)).not.toContain('127.0.0.1');
    expect(plain).toEqual({ data: { plain: 'still serving' } });
  });
});
