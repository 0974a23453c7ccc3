import type { SqlEntityManager } from '@mikro-orm/postgresql';
import { sqlTable } from '@renda/db/tables';
import { OpinionItemSchema } from './opinion.entity.ts';
import { opinionOverdueParams, opinionOverdueSql } from './overdue.ts';

/** G-3 of the items `ids` on `day`, by the one predicate: one statement (the `overdue` field of a request). */
export async function overdueOn(
  em: SqlEntityManager,
  ids: readonly string[],
  day: string,
): Promise<{ id: string; overdue: boolean }[]> {
  const { rows } = (await em.getKnex().raw(
    `select oi.id, ${opinionOverdueSql('oi', '?::date')} as overdue from ${sqlTable(em, OpinionItemSchema)} oi
       where oi.id in (${ids.map(() => '?').join(', ')})`,
    [...opinionOverdueParams(day), ...ids],
  )) as { rows: { id: string; overdue: boolean }[] };
  return rows;
}
