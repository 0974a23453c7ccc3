import type { Knex } from '@mikro-orm/postgresql';
import { calendarDateOf } from '@renda/server-kit/dates';
import { notYetReminded, type ReminderJob } from '@renda/outbox/reminders';

/** Rows per round: the next round picks up the rest. */
const batch = 500;

/**
 * D-5: a mayor or vice-mayor visits each linked deputy at least once a year. From `visitBy`
 * (`MM-DD`, local) of each year, each link whose deputy is in office and has no visit by that leader
 * that year is reminded of once (the deadline is that year's `visitBy`).
 */
export function deputyReminderJobs(rules: { leaderVisitBy: string }): ReminderJob[] {
  return [
    {
      kind: 'leader-visit-due',
      async due(knex: Knex, now: Date) {
        const today = calendarDateOf(now);
        const deadline = `${today.slice(0, 4)}-${rules.leaderVisitBy}`;
        if (today < deadline) return [];
        const rows = await knex.transaction(
          async (trx) =>
            (
              (await trx.raw(
                `select l."leader_id", l."deputy_id", g."name" as "leader_name", g."region_code", d."name" as "deputy_name"
                 from "deputies"."leader_links" l
                 join "deputies"."government_leaders" g on g."id" = l."leader_id"
                 join "deputies"."deputies" d on d."id" = l."deputy_id" and d."status" = 'ACTIVE'
                 where not exists (select 1 from "deputies"."contact_records" c
                   where c."government_leader_id" = l."leader_id" and c."deputy_id" = l."deputy_id" and c."kind" = 'GOVERNMENT_LEADER' and c."withdrawn_at" is null
                     and c."occurred_on" between date_trunc('year', ?::date)::date and ?::date)
                   and ${notYetReminded('deputies', 'leader-visit-due', `l."leader_id"::text || ':' || l."deputy_id"::text`, '?::date')}
                 order by l."leader_id", l."deputy_id" limit ${batch}`,
                [deadline, today, deadline],
              )) as {
                rows: {
                  leader_id: string;
                  deputy_id: string;
                  leader_name: string;
                  region_code: string;
                  deputy_name: string;
                }[];
              }
            ).rows,
        );
        return rows.map((r) => ({
          subjectId: `${r.leader_id}:${r.deputy_id}`,
          deadline,
          event: {
            type: 'reminder.leader-visit-due',
            aggregateType: 'government-leader',
            aggregateId: r.leader_id,
            regionCode: r.region_code,
            data: {
              rule: 'D-5',
              leaderId: r.leader_id,
              leaderName: r.leader_name,
              deputyId: r.deputy_id,
              deputyName: r.deputy_name,
              year: Number(deadline.slice(0, 4)),
            },
            audience: { regionCode: r.region_code },
          },
        }));
      },
    },
  ];
}
