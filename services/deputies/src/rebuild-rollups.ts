/**
 * `pnpm --filter @renda/deputies rollups:rebuild`: recomputes the deputy figures' rollups (F-1) from the
 * deputies, terms and contacts on DATABASE_URL, e.g. after a bulk load with the triggers off. Writes to those
 * tables wait until it commits (SHARE locks), so none falls between the recount and the switch.
 */
import { openDatabase } from '@renda/db/orm';
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
  await orm.em.fork().transactional(async (em) => {
    await em.execute(
      'lock table "deputies"."deputies", "deputies"."congresses", "deputies"."contact_records" in share mode',
    );
    await em.execute('select "deputies"."rebuild_deputy_rollups"()');
  });
  const [row] = await orm.em
    .getConnection()
    .execute<{ n: number }[]>('select count(*)::int as n from "deputies"."deputies"');
  console.log(
    `rebuilt the rollups of ${(row?.n ?? 0).toLocaleString()} deputies in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
} finally {
  await orm.close();
}
