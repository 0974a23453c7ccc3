/**
 * `pnpm --filter @renda/deputies rollups:rebuild`: recomputes the deputy figures' rollups (F-1) from the
 * deputies, terms and contacts on DATABASE_URL, e.g. after a bulk load with the triggers off. Writes to those
 * tables wait until it commits (SHARE locks), so none falls between the recount and the switch.
 */
import { openDatabase } from '@renda/db/orm';
import { rebuildRollups } from './modules/stats/figures.store.ts';
import { deputiesService } from './server.ts';

const url = process.env.DATABASE_URL;
if (!url || !/^postgres(ql)?:\/\//.test(url)) {
  console.error('DATABASE_URL must be the postgres://… URL of the database whose rollups to rebuild.');
  process.exit(1);
}
const orm = await openDatabase({
  url,
  schema: deputiesService.dbSchema,
  entities: deputiesService.entities,
  migrationsPath: deputiesService.migrationsPath,
  migrations: deputiesService.migrations,
});
try {
  const started = performance.now();
  const deputies = await rebuildRollups(orm.em.fork());
  console.log(
    `rebuilt the rollups of ${deputies.toLocaleString()} deputies in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
} finally {
  await orm.close();
}
