import { calendarDateOf } from '@renda/server-kit/dates';
import type { Names } from '@renda/db/tables';
import type { ReminderJob } from '@renda/outbox/reminders';
import { openBallotsToRemind } from './reminders.store.ts';

/** Rows per round: the next round picks up the rest. */
const batch = 200;

/**
 * V-1, V-6: a ballot open for `afterHours` is reminded of once to its whole roll (the deputies who
 * may vote), while its session sits. V-3: the reminder goes to every deputy on the roll, voted or
 * not, so it says nothing about who has voted.
 */
export function votingReminderJobs(rules: { ballotOpenHours: number }, names: Names): ReminderJob[] {
  return [
    {
      kind: 'ballot-open',
      async due(knex, now) {
        const since = new Date(now.getTime() - rules.ballotOpenHours * 3_600_000).toISOString();
        const rows = await openBallotsToRemind(names, knex, since, batch);
        return rows.map((r) => ({
          subjectId: r.id,
          deadline: calendarDateOf(new Date(r.opened_at)),
          event: {
            type: 'reminder.ballot-open',
            aggregateType: 'ballot',
            aggregateId: r.id,
            regionCode: r.region_code,
            data: {
              rule: 'V-6',
              programId: r.program_id,
              programTitle: r.title,
              method: r.method,
              openedAt: new Date(r.opened_at).toISOString(),
              openForHours: rules.ballotOpenHours,
            },
            audience: { deputyIds: r.roll ?? [], regionCode: r.region_code },
          },
        }));
      },
    },
  ];
}
