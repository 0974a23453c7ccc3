import { openDatabase } from '@renda/db/orm';
import type { SqlEntityManager } from '@mikro-orm/postgresql';
import { databaseOf, type ServiceDefinition } from './service.ts';

/**
 * The body of a service's `rollups:rebuild` command: opens the database of DATABASE_URL (migrated), runs the
 * service store's locked rebuild, and prints what it counted and how long it took. The rebuild takes SHARE
 * locks on the tables it counts, so no write falls between the recount and the switch; reads go on.
 */
export async function runRollupRebuild(
  def: ServiceDefinition,
  rebuild: (em: SqlEntityManager) => Promise<number>,
  what: string,
): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url || !/^postgres(ql)?:\/\//.test(url)) {
    console.error('DATABASE_URL must be the postgres://… URL of the database whose rollups to rebuild.');
    process.exit(1);
  }
  const orm = await openDatabase(databaseOf(def, url));
  try {
    const started = performance.now();
    const counted = await rebuild(orm.em.fork() as SqlEntityManager);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`rebuilt the rollups of ${counted.toLocaleString()} ${what} in ${seconds} s`);
  } finally {
    await orm.close();
  }
}
