import type { Knex } from '@mikro-orm/postgresql';
import { notYetReminded } from '@renda/outbox/reminders';

/**
 * The statements of the deputies' reminder jobs. A reminder job runs on the outbox's knex, with no
 * EntityManager and so no ORM metadata: its tables are named through the constant map below (keep it in step
 * with the entities' `tableName`s and the ORM's schema, `deputies`).
 */
const schema = 'deputies';
const tables = {
  leaderLinks: `"${schema}"."leader_links"`,
  leaders: `"${schema}"."government_leaders"`,
  deputies: `"${schema}"."deputies"`,
  contacts: `"${schema}"."contact_records"`,
} as const;

/** A link whose leader has not visited the deputy in the year up to `deadline`: one D-5 reminder. */
export interface LeaderVisitDueRow {
  leader_id: string;
  deputy_id: string;
  leader_name: string;
  region_code: string;
  deputy_name: string;
}

/**
 * D-5: up to `batch` links (leader, deputy in office) with no visit by that leader from the start of `deadline`'s
 * year to `today`, and not yet reminded of for `deadline`.
 */
export async function leaderVisitsDue(
  knex: Knex,
  deadline: string,
  today: string,
  batch: number,
): Promise<LeaderVisitDueRow[]> {
  return (
    (await knex.raw(
      `select l."leader_id", l."deputy_id", g."name" as "leader_name", g."region_code", d."name" as "deputy_name"
                 from ${tables.leaderLinks} l
                 join ${tables.leaders} g on g."id" = l."leader_id"
                 join ${tables.deputies} d on d."id" = l."deputy_id" and d."status" = 'ACTIVE'
                 where not exists (select 1 from ${tables.contacts} c
                   where c."government_leader_id" = l."leader_id" and c."deputy_id" = l."deputy_id" and c."kind" = 'GOVERNMENT_LEADER' and c."withdrawn_at" is null
                     and c."occurred_on" between date_trunc('year', ?::date)::date and ?::date)
                   and ${notYetReminded(schema, 'leader-visit-due', `l."leader_id"::text || ':' || l."deputy_id"::text`, '?::date')}
                 order by l."leader_id", l."deputy_id" limit ${batch}`,
      [deadline, today, deadline],
    )) as { rows: LeaderVisitDueRow[] }
  ).rows;
}
