import type { EntityManager, SqlEntityManager } from '@mikro-orm/postgresql';
import { sqlTable } from '@renda/db/tables';
import { SheetSchema, SuggestionSchema } from '../suggestions/suggestion.entity.ts';

/**
 * The statements of the key-items module (issue 9): the list of overdue supervision sheets (`overdueSheets`),
 * each table named from the ORM's metadata. The service keeps the rules (who reads, the cursor's form, S-5's
 * `isSheetOverdue`); this file only builds and runs SQL.
 */

/** The SQL form of `isSheetOverdue` (S-5) on sheets aliased `sh`, measured on the bound day. */
const overdueSql = 'sh.answered_on is null and sh.withdrawn_at is null and sh.due_on < ?';

/**
 * Unanswered sheets past due on `on` of items in the subtree `code`: how many there are, and the page of at most
 * `limit` + 1 keys (id and due day) after the keyset `after` (due day, id), earliest due first. No page is read
 * when `limit` is 0.
 */
export async function overdueSheetKeys(
  em: EntityManager,
  code: string,
  on: string,
  after: [string, string] | null,
  limit: number,
): Promise<{ count: string; keys: { id: string; due: string }[] }> {
  const knex = em.getKnex();
  const sheets = sqlTable(em as SqlEntityManager, SheetSchema);
  const items = sqlTable(em as SqlEntityManager, SuggestionSchema);
  // `{ alias: raw }` renders `"schema"."table" as "alias"`, as `{ alias: 'schema.table' }` did (knex's types want strings).
  const base = knex({ sh: knex.raw(sheets) } as unknown as Record<string, string>)
    .join({ s: knex.raw(items) } as unknown as Record<string, string>, 's.id', 'sh.suggestion_id')
    .where('s.region_code', 'like', `${code}%`)
    .whereRaw(overdueSql, [on]);
  const [{ count }] = (await base.clone().count<{ count: string }[]>('* as count')) as [{ count: string }];
  const page = base
    .clone()
    .select('sh.id', knex.raw(`to_char(sh.due_on, 'YYYY-MM-DD') as due`))
    .orderBy([{ column: 'sh.due_on' }, { column: 'sh.id' }]);
  if (after) page.whereRaw('(sh.due_on, sh.id) > (?::date, ?::uuid)', after);
  const keys = limit === 0 ? [] : ((await page.limit(limit + 1)) as { id: string; due: string }[]);
  return { count, keys };
}
