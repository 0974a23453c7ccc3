import { calendarDateOf } from '@renda/server-kit/dates';
import { notYetReminded, type ReminderJob } from '@renda/outbox/reminders';
import { opinionOverdueParams, opinionOverdueSql } from '../opinions/overdue.ts';

/** Rows per round: the next round picks up the rest. */
const batch = 500;

/**
 * G-3: an opinion item not closed by its due date is reminded of once, the day after (the unit and
 * the region's staff). G-2's 30-day filing clock needs no reminder here: a document is known only
 * when it is filed, and `filing.recorded` says whether it was late.
 */
export function supervisionReminderJobs(): ReminderJob[] {
  return [
    {
      kind: 'opinion-item-overdue',
      async due(knex, now) {
        const today = calendarDateOf(now);
        const rows = await knex.transaction(
          async (trx) =>
            (
              (await trx.raw(
                `select i."id", i."region_code", i."unit_id", i."source_kind", i."source_id", i."status", i."content",
                   to_char(i."due_on", 'YYYY-MM-DD') as "deadline"
                 from "supervision"."opinion_items" i
                 where ${opinionOverdueSql('i', '?::date')}
                   and ${notYetReminded('supervision', 'opinion-item-overdue', 'i."id"', 'i."due_on"')}
                 order by i."due_on", i."id" limit ${batch}`,
                opinionOverdueParams(today),
              )) as {
                rows: {
                  id: string;
                  region_code: string;
                  unit_id: string;
                  source_kind: string;
                  source_id: string;
                  status: string;
                  content: string;
                  deadline: string;
                }[];
              }
            ).rows,
        );
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
