import pg from 'pg';

/**
 * Set by the shared vitest config's global setup (`global-setup.ts`) for one `vitest run`: the run's
 * id (names its PostgreSQL templates, dropped at the end) and the folder of its embedded templates.
 * Without them (benchmarks, scripts) a template is still built once, but per process.
 */
export const runEnv = { id: 'RENDA_TEST_RUN', dir: 'RENDA_TEST_TEMPLATES' } as const;

/** Drops the databases of one test run (templates and whatever a killed test file left behind). */
export async function dropRunDatabases(base: string, runId: string): Promise<void> {
  await withClient(base, async (c) => {
    const { rows } = await c.query<{ datname: string }>(
      `select datname from pg_database where datname like $1 or datname like $2`,
      [`renda_tpl_${runId}_%`, `renda_test_${runId}_%`],
    );
    for (const { datname } of rows) {
      await c.query(`alter database "${datname}" with is_template false allow_connections true`);
      await c.query(`drop database if exists "${datname}" with (force)`);
    }
  });
}

export function databaseUrl(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function withClient<T>(connectionString: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
