import { addDays, calendarDateOf } from '@renda/server-kit/dates';
import type { Names } from '@renda/db/tables';
import type { Reminder, ReminderJob } from '@renda/outbox/reminders';
import { ratingDueRows, replyDueRows, replyOverdueRows, sheetOverdueRows, type ItemRow } from './reminders.store.ts';

/** Local settings of the reminders (README: Events and reminders). */
export interface SuggestionReminderRules {
  /** A reply due within this many days is reminded of once (S-4). */
  replyDueDays: number;
  /** A deputy who has not rated a reply this many days after it is reminded once (S-7). */
  rateAfterDays: number;
}

function itemReminder(row: ItemRow, type: string, toDeputy: boolean, extra: Record<string, unknown> = {}): Reminder {
  return {
    subjectId: row.id,
    deadline: row.deadline,
    event: {
      type,
      aggregateType: 'suggestion',
      aggregateId: row.id,
      regionCode: row.region_code,
      data: { serial: row.serial_number, title: row.title, round: row.round, ...extra },
      audience: {
        deputyIds: toDeputy && row.lead_deputy_id ? [row.lead_deputy_id] : [],
        unitIds: row.unit_ids ?? [],
        regionCode: row.region_code,
      },
    },
  };
}

/** The deadlines of the suggestions service: replies due and overdue, sheets past due, ratings not given. */
export function suggestionReminderJobs(rules: SuggestionReminderRules, names: Names): ReminderJob[] {
  return [
    {
      kind: 'reply-due',
      async due(knex, now) {
        const today = calendarDateOf(now);
        const found = await replyDueRows(names, knex, today, addDays(today, rules.replyDueDays));
        return found.map((r) =>
          itemReminder(r, 'reminder.reply-due', false, { replyDueOn: r.deadline, withinDays: rules.replyDueDays }),
        );
      },
    },
    {
      kind: 'reply-overdue',
      async due(knex, now) {
        const today = calendarDateOf(now);
        const found = await replyOverdueRows(names, knex, today);
        return found.map((r) => itemReminder(r, 'reminder.reply-overdue', true, { replyDueOn: r.deadline }));
      },
    },
    {
      kind: 'rating-due',
      async due(knex, now) {
        const today = calendarDateOf(now);
        const found = await ratingDueRows(names, knex, rules.rateAfterDays, today);
        return found.map((r) => itemReminder(r, 'reminder.rating-due', true, { afterDays: rules.rateAfterDays }));
      },
    },
    {
      kind: 'sheet-overdue',
      async due(knex, now) {
        const today = calendarDateOf(now);
        const found = await sheetOverdueRows(names, knex, today);
        return found.map((r) => {
          const reminder = itemReminder({ ...r, unit_ids: [r.unit_id] }, 'reminder.sheet-overdue', false, {
            sheetId: r.sheet_id,
            sheetKind: r.sheet_kind,
            dueOn: r.deadline,
            unitId: r.unit_id,
          });
          return { ...reminder, subjectId: r.sheet_id };
        });
      },
    },
  ];
}
