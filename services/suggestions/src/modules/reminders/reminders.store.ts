import type { Knex } from '@mikro-orm/postgresql';
import { schemaOf, sqlTable, type Names } from '@renda/db/tables';
import { notYetReminded } from '@renda/outbox/reminders';
import { HandlingUnitSchema, SheetSchema, SuggestionSchema } from '../suggestions/suggestion.entity.ts';

/**
 * The statements of the reminder jobs (issue 9): replies due and overdue (S-4), ratings not given (S-7), sheets
 * past due (S-5). The jobs run in a background loop that gets a knex, not an EntityManager: the tables are named
 * from the ORM's metadata (`names`: the ORM, given to the jobs). The jobs (`reminders.ts`) keep the rules: which
 * day, how many days, whom to tell.
 */
const tables = (names: Names) => ({
  items: sqlTable(names, SuggestionSchema),
  units: sqlTable(names, HandlingUnitSchema),
  sheets: sqlTable(names, SheetSchema),
});

/** Rows per job and round: the next round picks up the rest. */
const batch = 500;

/** Stages in which the current round's reply is still awaited (S-4). */
const awaitingReply = `('ASSIGNED', 'HANDLING', 'SUPERVISED')`;
/** Stages in which the lead deputy's rating is awaited (S-7). */
const awaitingRating = `('REPLIED', 'INSPECTED', 'FOLLOWED_UP')`;

/** An item to remind of, with its deadline (`YYYY-MM-DD`) and its units in order. */
export interface ItemRow {
  id: string;
  region_code: string;
  serial_number: number;
  title: string;
  round: number;
  lead_deputy_id: string | null;
  deadline: string;
  unit_ids: string[] | null;
}

/** A sheet past due, with its item. */
export type SheetRow = ItemRow & { sheet_id: string; sheet_kind: string; unit_id: string };

const itemColumns = (
  t: ReturnType<typeof tables>,
) => `s."id", s."region_code", s."serial_number", s."title", s."round", s."lead_deputy_id",
  (select array_agg(h."unit_id"::text order by h."position") from ${t.units} h where h."suggestion_id" = s."id") as "unit_ids"`;

async function rows<T>(knex: Knex, sql: string, values: unknown[]): Promise<T[]> {
  // One statement in its own transaction: bound values stay whole on the embedded database's socket.
  return knex.transaction(async (trx) => ((await trx.raw(sql, values as never)) as { rows: T[] }).rows);
}

/** Replies awaited and due between `from` and `to` (days), not yet reminded of. */
export function replyDueRows(names: Names, knex: Knex, from: string, to: string): Promise<ItemRow[]> {
  const t = tables(names);
  return rows<ItemRow>(
    knex,
    `select ${itemColumns(t)}, to_char(s."reply_due_on", 'YYYY-MM-DD') as "deadline" from ${t.items} s
           where s."stage" in ${awaitingReply} and s."reply_category" is null
             and s."reply_due_on" >= ?::date and s."reply_due_on" <= ?::date
             and ${notYetReminded(schemaOf(names), 'reply-due', 's."id"', 's."reply_due_on"')}
           order by s."reply_due_on", s."id" limit ${batch}`,
    [from, to],
  );
}

/** Replies awaited and due before `today`, not yet reminded of. */
export function replyOverdueRows(names: Names, knex: Knex, today: string): Promise<ItemRow[]> {
  const t = tables(names);
  return rows<ItemRow>(
    knex,
    `select ${itemColumns(t)}, to_char(s."reply_due_on", 'YYYY-MM-DD') as "deadline" from ${t.items} s
           where s."stage" in ${awaitingReply} and s."reply_category" is null and s."reply_due_on" < ?::date
             and ${notYetReminded(schemaOf(names), 'reply-overdue', 's."id"', 's."reply_due_on"')}
           order by s."reply_due_on", s."id" limit ${batch}`,
    [today],
  );
}

/** Ratings awaited whose deadline (the reply's day plus `afterDays`) is `today` or before, not yet reminded of. */
export function ratingDueRows(names: Names, knex: Knex, afterDays: number, today: string): Promise<ItemRow[]> {
  const t = tables(names);
  // The rating's deadline: the reply's day plus the local number of days.
  const deadline = `(s."replied_on" + ${Math.trunc(afterDays)})`;
  return rows<ItemRow>(
    knex,
    `select ${itemColumns(t)}, to_char(${deadline}, 'YYYY-MM-DD') as "deadline" from ${t.items} s
           where s."stage" in ${awaitingRating} and s."lead_deputy_id" is not null and s."replied_on" is not null
             and ${deadline} <= ?::date
             and ${notYetReminded(schemaOf(names), 'rating-due', 's."id"', deadline)}
           order by s."replied_on", s."id" limit ${batch}`,
    [today],
  );
}

/** Sheets unanswered, not withdrawn and due before `today`, not yet reminded of. */
export function sheetOverdueRows(names: Names, knex: Knex, today: string): Promise<SheetRow[]> {
  const t = tables(names);
  return rows<SheetRow>(
    knex,
    `select ${itemColumns(t)}, sh."id" as "sheet_id", sh."kind" as "sheet_kind", sh."unit_id",
             to_char(sh."due_on", 'YYYY-MM-DD') as "deadline"
           from ${t.sheets} sh join ${t.items} s on s."id" = sh."suggestion_id"
           where sh."answered_on" is null and sh."withdrawn_at" is null and sh."due_on" < ?::date
             and ${notYetReminded(schemaOf(names), 'sheet-overdue', 'sh."id"', 'sh."due_on"')}
           order by sh."due_on", sh."id" limit ${batch}`,
    [today],
  );
}
