import type { SqlEntityManager } from '@mikro-orm/postgresql';
import { sqlTable } from '@renda/db/tables';
import { DeputySchema } from '../deputies/deputy.entity.ts';
import { ContactRecordSchema } from '../liaison/liaison.entity.ts';

/**
 * The statements of the persons module (D-12 continuity, D-13 leading cadres), each table named from the ORM's
 * metadata. The service keeps the rules (the previous term, who may read, the inspections from supervision).
 */

/** D-12: the deputies of `congressId`, and how many of them held a mandate in `previousId`. */
export async function continuityCounts(
  em: SqlEntityManager,
  previousId: string,
  congressId: string,
): Promise<{ deputies: string; continuing: string }> {
  const deputies = sqlTable(em, DeputySchema);
  const { rows } = (await em.getKnex().raw(
    `select count(*) as deputies,
       count(*) filter (where exists (select 1 from ${deputies} p where p.person_id = d.person_id and p.congress_id = ?)) as continuing
     from ${deputies} d where d.congress_id = ?`,
    [previousId, congressId],
  )) as { rows: { deputies: string; continuing: string }[] };
  return rows[0]!;
}

/** D-13: those of the deputies `ids` with a live voter contact dated `from`–`to`. */
export async function deputiesWithVoterContacts(
  em: SqlEntityManager,
  ids: string[],
  from: string,
  to: string,
): Promise<{ deputy_id: string }[]> {
  const knex = em.getKnex();
  return knex(knex.raw(sqlTable(em, ContactRecordSchema)))
    .distinct('deputy_id')
    .whereIn('deputy_id', ids)
    .andWhere('kind', 'VOTER')
    .whereNull('withdrawn_at')
    .andWhereBetween('occurred_on', [from, to]);
}
