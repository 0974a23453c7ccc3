/**
 * `pnpm --filter @renda/voting rollups:rebuild`: recomputes the figures' rollups (Migration20261201030000) from
 * the ballots, evaluation rounds and tallies on DATABASE_URL, e.g. after a bulk load with the triggers switched
 * off. Writes to those tables wait until it commits (SHARE locks), so no write falls between the recount and
 * the switch; reads go on.
 */
import { openDatabase } from '@renda/db/orm';
import { sqlTable } from '@renda/db/tables';
import { votingService } from './server.ts';
import { BallotSchema } from './modules/ballots/ballot.entity.ts';
import { EvaluationRoundSchema, EvaluationTallySchema } from './modules/evaluations/evaluation.entity.ts';
import { rebuildRollupsSql } from './modules/federation/stats.store.ts';

const url = process.env.DATABASE_URL;
if (!url || !/^postgres(ql)?:\/\//.test(url)) {
  console.error('DATABASE_URL must be the postgres://… URL of the database whose rollups to rebuild.');
  process.exit(1);
}
const orm = await openDatabase({
  url,
  schema: votingService.dbSchema,
  entities: votingService.entities,
  migrationsPath: votingService.migrationsPath,
  migrations: votingService.migrations,
});
try {
  const started = performance.now();
  const em = orm.em.fork();
  const tables = [BallotSchema, EvaluationRoundSchema, EvaluationTallySchema].map((s) => sqlTable(em, s));
  await em.transactional(async (tx) => {
    await tx.execute(`lock table ${tables.join(', ')} in share mode`);
    await tx.execute(rebuildRollupsSql(tx));
  });
  const [row] = await em
    .getConnection()
    .execute<{ ballots: number }[]>(`select count(*)::int as ballots from ${tables[0]} where "status" = 'CLOSED'`);
  console.log(
    `rebuilt the voting rollups of ${(row?.ballots ?? 0).toLocaleString()} closed ballots in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
} finally {
  await orm.close();
}
