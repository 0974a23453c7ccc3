/**
 * `pnpm --filter @renda/supervision rollups:rebuild`: recomputes the figures' rollups (`figure_rollups`,
 * Migration20261201020000) from the six tables they count on DATABASE_URL, e.g. after a bulk load with the
 * triggers switched off. Writes to those tables wait until it commits (a SHARE lock), so no write falls between
 * the recount and the switch; reads go on.
 */
import { openDatabase } from '@renda/db/orm';
import { supervisionService } from './server.ts';
import { rebuildFigureRollups } from './modules/stats/stats.store.ts';

const url = process.env.DATABASE_URL;
if (!url || !/^postgres(ql)?:\/\//.test(url)) {
  console.error('DATABASE_URL must be the postgres://… URL of the database whose rollups to rebuild.');
  process.exit(1);
}
const orm = await openDatabase({
  url,
  schema: supervisionService.dbSchema,
  entities: supervisionService.entities,
  migrationsPath: supervisionService.migrationsPath,
  migrations: supervisionService.migrations,
});
const counted = ['filed_documents', 'major_matters', 'opinion_items', 'inquiries', 'appointment_motions', 'reports'];
try {
  const started = performance.now();
  await orm.em.fork().transactional(async (em) => {
    await em.execute(`lock table ${counted.map((t) => `"supervision"."${t}"`).join(', ')} in share mode`);
    await rebuildFigureRollups(em);
  });
  const [row] = await orm.em
    .getConnection()
    .execute<{ n: number }[]>('select count(*)::int as n from "supervision"."figure_rollups"');
  console.log(
    `rebuilt ${(row?.n ?? 0).toLocaleString()} figure rollup rows in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
} finally {
  await orm.close();
}
