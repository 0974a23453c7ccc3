import type { Knex } from '@mikro-orm/postgresql';
import { schemaOf, sqlTable, type Names } from '@renda/db/tables';
import { notYetReminded } from '@renda/outbox/reminders';
import { DeputySchema } from '../deputies/deputy.entity.ts';
import { ContactRecordSchema, GovernmentLeaderSchema, LeaderLinkSchema } from '../liaison/liaison.entity.ts';

/**
 * The statements of the deputies' reminder jobs. A reminder job runs on the outbox's knex, with no
 * EntityManager: its tables are named from the ORM's metadata (`names`: the ORM, given to the jobs).
 */
const tables = (names: Names) => ({
  leaderLinks: sqlTable(names, LeaderLinkSchema),
  leaders: sqlTable(names, GovernmentLeaderSchema),
  deputies: sqlTable(names, DeputySchema),
  contacts: sqlTable(names, ContactRecordSchema),
});

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
  names: Names,
  knex: Knex,
  deadline: string,
  today: string,
  batch: number,
): Promise<LeaderVisitDueRow[]> {
  const t = tables(names);
  return (
    (await knex.raw(
      `select l."leader_id", l."deputy_id", g."name" as "leader_name", g."region_code", d."name" as "deputy_name"
                 from ${t.leaderLinks} l
                 join ${t.leaders} g on g."id" = l."leader_id"
                 join ${t.deputies} d on d."id" = l."deputy_id" and d."status" = 'ACTIVE'
                 where not exists (select 1 from ${t.contacts} c
                   where c."government_leader_id" = l."leader_id" and c."deputy_id" = l."deputy_id" and c."kind" = 'GOVERNMENT_LEADER' and c."withdrawn_at" is null
                     and c."occurred_on" between date_trunc('year', ?::date)::date and ?::date)
                   and ${notYetReminded(schemaOf(names), 'leader-visit-due', `l."leader_id"::text || ':' || l."deputy_id"::text`, '?::date')}
                 order by l."leader_id", l."deputy_id" limit ${batch}`,
      [deadline, today, deadline],
    )) as { rows: LeaderVisitDueRow[] }
  ).rows;
}
