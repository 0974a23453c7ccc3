import { calendarDateOf } from '@renda/server-kit/dates';
import type { Names } from '@renda/db/tables';
import type { ReminderJob } from '@renda/outbox/reminders';
import { overdueOpinionItems } from './reminders.store.ts';

/** Rows per round: the next round picks up the rest. */
const batch = 500;

/**
 * G-3: an opinion item not closed by its due date is reminded of once, the day after (the unit and
 * the region's staff). G-2's 30-day filing clock needs no reminder here: a document is known only
 * when it is filed, and `filing.recorded` says whether it was late.
 */
export function supervisionReminderJobs(names: Names): ReminderJob[] {
  return [
    {
      kind: 'opinion-item-overdue',
      async due(knex, now) {
        const rows = await overdueOpinionItems(names, knex, calendarDateOf(now), batch);
        return rows.map((r) => ({
          subjectId: r.id,
          deadline: r.deadline,
          event: {
            type: 'reminder.opinion-item-overdue',
            aggregateType: 'opinion-item',
            aggregateId: r.id,
            regionCode: r.region_code,
            data: {
              rule: 'G-3',
              unitId: r.unit_id,
              sourceKind: r.source_kind,
              sourceId: r.source_id,
              status: r.status,
              content: r.content,
              dueOn: r.deadline,
            },
            audience: { unitIds: [r.unit_id], regionCode: r.region_code },
          },
        }));
      },
    },
  ];
}
