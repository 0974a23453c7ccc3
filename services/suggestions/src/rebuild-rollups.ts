/**
 * `pnpm --filter @renda/suggestions rollups:rebuild`: recomputes the handling rollups (S-8, S-11) from the
 * items on DATABASE_URL, e.g. after a bulk load with the triggers switched off. Writes to the items wait
 * until it commits (a SHARE lock), so no write falls between the recount and the switch; reads go on.
 */
import { openDatabase } from '@renda/db/orm';
import { suggestionsService } from './server.ts';
import { rebuildRollupsLocked } from './modules/stats/stats.store.ts';

const url = process.env.DATABASE_URL;
if (!url || !/^postgres(ql)?:\/\//.test(url)) {
  console.error('DATABASE_URL must be the postgres://… URL of the database whose rollups to rebuild.');
  process.exit(1);
}
const orm = await openDatabase({
  url,
  schema: suggestionsService.dbSchema,
  entities: suggestionsService.entities,
  migrationsPath: suggestionsService.migrationsPath,
  migrations: suggestionsService.migrations,
});
try {
  const started = performance.now();
  const items = await rebuildRollupsLocked(orm.em.fork());
  console.log(
    `rebuilt the rollups of ${items.toLocaleString()} items in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
} finally {
  await orm.close();
}
