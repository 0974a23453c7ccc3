import type { Knex } from '@mikro-orm/postgresql';
import { addDays, calendarDateOf } from '@renda/server-kit/dates';
import { notYetReminded, type Reminder, type ReminderJob } from '@renda/outbox/reminders';

/** Local settings of the reminders (README: Events and reminders). */
export interface SuggestionReminderRules {
  /** A reply due within this many days is reminded of once (S-4). */
  replyDueDays: number;
  /** A deputy who has not rated a reply this many days after it is reminded once (S-7). */
  rateAfterDays: number;
}

/** Rows per job and round: the next round picks up the rest. */
const batch = 500;

/** Stages in which the current round's reply is still awaited (S-4). */
const awaitingReply = `('ASSIGNED', 'HANDLING', 'SUPERVISED')`;
/** Stages in which the lead deputy's rating is awaited (S-7). */
const awaitingRating = `('REPLIED', 'INSPECTED', 'FOLLOWED_UP')`;

interface ItemRow {
  id: string;
  region_code: string;
  serial_number: number;
  title: string;
  round: number;
  lead_deputy_id: string | null;
  deadline: string;
  unit_ids: string[] | null;
}

const itemColumns = `s."id", s."region_code", s."serial_number", s."title", s."round", s."lead_deputy_id",
  (select array_agg(h."unit_id"::text order by h."position") from "suggestions"."handling_units" h where h."suggestion_id" = s."id") as "unit_ids"`;

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

async function rows<T>(knex: Knex, sql: string, values: unknown[]): Promise<T[]> {
  // One statement in its own transaction: bound values stay whole on the embedded database's socket.
  return knex.transaction(async (trx) => ((await trx.raw(sql, values as never)) as { rows: T[] }).rows);
}

/** The deadlines of the suggestions service: replies due and overdue, sheets past due, ratings not given. */
export function suggestionReminderJobs(rules: SuggestionReminderRules): ReminderJob[] {
  return [
    {
      kind: 'reply-due',
      async due(knex, now) {
        const today = calendarDateOf(now);
        const found = await rows<ItemRow>(
          knex,
          `select ${itemColumns}, to_char(s."reply_due_on", 'YYYY-MM-DD') as "deadline" from "suggestions"."suggestions" s
           where s."stage" in ${awaitingReply} and s."reply_category" is null
             and s."reply_due_on" >= ?::date and s."reply_due_on" <= ?::date
             and ${notYetReminded('suggestions', 'reply-due', 's."id"', 's."reply_due_on"')}
           order by s."reply_due_on", s."id" limit ${batch}`,
          [today, addDays(today, rules.replyDueDays)],
        );
        return found.map((r) =>
          itemReminder(r, 'reminder.reply-due', false, { replyDueOn: r.deadline, withinDays: rules.replyDueDays }),
        );
      },
    },
    {
      kind: 'reply-overdue',
      async due(knex, now) {
        const today = calendarDateOf(now);
        const found = await rows<ItemRow>(
          knex,
          `select ${itemColumns}, to_char(s."reply_due_on", 'YYYY-MM-DD') as "deadline" from "suggestions"."suggestions" s
           where s."stage" in ${awaitingReply} and s."reply_category" is null and s."reply_due_on" < ?::date
             and ${notYetReminded('suggestions', 'reply-overdue', 's."id"', 's."reply_due_on"')}
           order by s."reply_due_on", s."id" limit ${batch}`,
          [today],
        );
        return found.map((r) => itemReminder(r, 'reminder.reply-overdue', true, { replyDueOn: r.deadline }));
      },
    },
    {
      kind: 'rating-due',
      async due(knex, now) {
        const today = calendarDateOf(now);
        // The rating's deadline: the reply's day plus the local number of days.
        const deadline = `(s."replied_on" + ${Math.trunc(rules.rateAfterDays)})`;
        const found = await rows<ItemRow>(
          knex,
          `select ${itemColumns}, to_char(${deadline}, 'YYYY-MM-DD') as "deadline" from "suggestions"."suggestions" s
           where s."stage" in ${awaitingRating} and s."lead_deputy_id" is not null and s."replied_on" is not null
             and ${deadline} <= ?::date
             and ${notYetReminded('suggestions', 'rating-due', 's."id"', deadline)}
           order by s."replied_on", s."id" limit ${batch}`,
          [today],
        );
        return found.map((r) => itemReminder(r, 'reminder.rating-due', true, { afterDays: rules.rateAfterDays }));
      },
    },
    {
      kind: 'sheet-overdue',
      async due(knex, now) {
        const today = calendarDateOf(now);
        const found = await rows<ItemRow & { sheet_id: string; sheet_kind: string; unit_id: string }>(
          knex,
          `select ${itemColumns}, sh."id" as "sheet_id", sh."kind" as "sheet_kind", sh."unit_id",
             to_char(sh."due_on", 'YYYY-MM-DD') as "deadline"
           from "suggestions"."supervision_sheets" sh join "suggestions"."suggestions" s on s."id" = sh."suggestion_id"
           where sh."answered_on" is null and sh."withdrawn_at" is null and sh."due_on" < ?::date
             and ${notYetReminded('suggestions', 'sheet-overdue', 'sh."id"', 'sh."due_on"')}
           order by sh."due_on", sh."id" limit ${batch}`,
          [today],
        );
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
