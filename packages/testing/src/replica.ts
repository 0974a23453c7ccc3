import pg from 'pg';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { ServiceDefinition } from '@renda/server-kit/service';
import { createTestDatabase } from './database.ts';
import { databaseUrl } from './run.ts';
import { migratedTemplate, startTestServices, type TestStack } from './services.ts';

/** The first server of `DATABASE_REPLICA_URLS` (a streaming replica of DATABASE_URL's server), if set. */
export const replicaServer = process.env.DATABASE_URL
  ? process.env.DATABASE_REPLICA_URLS?.split(',')[0]?.trim()
  : undefined;

/**
 * Starts `definitions` on a fresh database of DATABASE_URL's server, with the same database on the replica
 * server as their read replica (DATABASE_REPLICA_URLS is a server; each test database has its own name).
 * Waits until the replica has the new database (streaming replication replays its creation).
 */
export async function startReplicaStack(definitions: ServiceDefinition[]): Promise<TestStack> {
  if (!replicaServer) throw new Error('startReplicaStack needs DATABASE_URL and DATABASE_REPLICA_URLS');
  const db = await createTestDatabase({ template: migratedTemplate(definitions) });
  const name = new URL(db.url).pathname.slice(1);
  const replicaUrl = databaseUrl(replicaServer, name);
  const until = Date.now() + 30_000;
  for (;;) {
    const client = new pg.Client({ connectionString: replicaUrl });
    const reached = await client.connect().then(
      () => client.query('select 1').then(() => true),
      () => false,
    );
    await client.end().catch(() => {});
    if (reached) break;
    if (Date.now() > until) throw new Error(`the replica did not receive database ${name} within 30 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const saved = process.env.DATABASE_REPLICA_URLS;
  process.env.DATABASE_REPLICA_URLS = replicaUrl;
  try {
    const stack = await startTestServices(definitions, { database: db });
    return { ...stack, stop: () => stack.stop().then(() => db.drop()) };
  } catch (e) {
    await db.drop();
    throw e;
  } finally {
    process.env.DATABASE_REPLICA_URLS = saved;
  }
}

/** Records the statements each ORM sends to its read replica and to its primary. */
export function watchReplicaReads(orms: Record<string, MikroORM>) {
  const log: { service: string; on: 'replica' | 'primary'; sql: string }[] = [];
  const stops: (() => void)[] = [];
  for (const [service, orm] of Object.entries(orms)) {
    for (const on of ['replica', 'primary'] as const) {
      const knex = orm.em.getConnection(on === 'replica' ? 'read' : 'write').getKnex();
      const listener = (q: { sql: string }) => log.push({ service, on, sql: q.sql.replace(/\s+/g, ' ').trim() });
      knex.on('query', listener);
      stops.push(() => knex.removeListener('query', listener));
    }
  }
  return {
    log,
    /** Forgets what was recorded so far. */
    reset: () => void log.splice(0),
    stop: () => stops.forEach((s) => s()),
  };
}
