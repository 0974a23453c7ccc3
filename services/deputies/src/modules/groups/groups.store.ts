import type { SqlEntityManager } from '@mikro-orm/postgresql';
import { sqlTable } from '@renda/db/tables';
import { ContactRecordSchema } from '../liaison/liaison.entity.ts';

/**
 * The statements of the groups module (D-14), each table named from the ORM's metadata. The service keeps the
 * rules (the rate, the reviews).
 */

/** D-14: a group's activities (distinct days and subjects) and participations dated `from`–`to`. */
export function groupActivityCounts(
  em: SqlEntityManager,
  groupId: string,
  from: string,
  to: string,
): Promise<{ activities: string; participations: string }> {
  const knex = em.getKnex();
  return knex(knex.raw(sqlTable(em, ContactRecordSchema)))
    .where({ group_id: groupId, kind: 'GROUP_ACTIVITY' })
    .whereNull('withdrawn_at')
    .andWhereBetween('occurred_on', [from, to])
    .first(
      knex.raw('count(distinct (occurred_on, summary)) as activities'),
      knex.raw('count(*) as participations'),
    ) as Promise<{
    activities: string;
    participations: string;
  }>;
}
