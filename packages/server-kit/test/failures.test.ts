import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('unexpected failures', () => {
  it('a rejection nobody handles is logged with its request and answers INTERNAL_SERVER_ERROR; SQL errors are masked in every mode; a deadlock is CONFLICT', async () => {
    const fixture = fileURLToPath(new URL('./fixtures/orphan-rejection.ts', import.meta.url));
    const { stdout } = await run(process.execPath, ['--import', 'tsx', fixture], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
    });
    const lines = stdout.trim().split('\n');
    const log = lines.map((l) => JSON.parse(l)).find((l) => l.msg?.startsWith('unhandled rejection'));
    expect(log).toMatchObject({ service: 'fixture', operationName: 'Orphaned' });
    expect(log.err.message).toContain('ECONNREFUSED');
    // The answers' line; a log line may still be flushed after it.
    const { orphan, plain, sql, deadlock } = lines.map((l) => JSON.parse(l)).find((l) => 'orphan' in l && 'plain' in l);
    expect(orphan.errors).toEqual([
      { message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } },
    ]);
    expect(JSON.stringify(orphan)).not.toContain('127.0.0.1');
    expect(plain).toEqual({ data: { plain: 'still serving' } });
    // Not production, and still no SQL: every error without a code is masked; the log has the detail.
    expect(sql.errors).toEqual([
      { message: 'Internal server error.', path: ['sql'], extensions: { code: 'INTERNAL_SERVER_ERROR' } },
    ]);
    expect(lines.some((l) => l.includes('invalid input syntax for type uuid'))).toBe(true);
    // A write PostgreSQL aborted to break a deadlock changed nothing: the caller may send it again.
    expect(deadlock.errors).toHaveLength(1);
    expect(deadlock.errors[0]).toMatchObject({ path: ['deadlock'], extensions: { code: 'CONFLICT' } });
    expect(deadlock.errors[0].message).not.toMatch(/suggestion_rollups|40P01|deadlock detected/);
  });
});
