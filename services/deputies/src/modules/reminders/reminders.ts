import type { Knex } from '@mikro-orm/postgresql';
import { calendarDateOf } from '@renda/server-kit/dates';
import type { Names } from '@renda/db/tables';
import type { ReminderJob } from '@renda/outbox/reminders';
import { leaderVisitsDue } from './reminders.store.ts';

/** Rows per round: the next round picks up the rest. */
const batch = 500;

/**
 * D-5: a mayor or vice-mayor visits each linked deputy at least once a year. From `visitBy`
 * (`MM-DD`, local) of each year, each link whose deputy is in office and has no visit by that leader
 * that year is reminded of once (the deadline is that year's `visitBy`). `names`: the ORM (its tables' names).
 */
export function deputyReminderJobs(rules: { leaderVisitBy: string }, names: Names): ReminderJob[] {
  return [
    {
      kind: 'leader-visit-due',
      async due(knex: Knex, now: Date) {
        const today = calendarDateOf(now);
        const deadline = `${today.slice(0, 4)}-${rules.leaderVisitBy}`;
        if (today < deadline) return [];
        const rows = await knex.transaction((trx) => leaderVisitsDue(names, trx, deadline, today, batch));
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
