import { raw } from '@mikro-orm/postgresql';

/**
 * G-3 逾期, the one definition of an overdue opinion item (and F-1 for a day in the past): an item is overdue
 * on day X when it was due before X and was not closed (销号) by X — still open or reported, or closed after
 * X. The list `overdueOpinionItems` (today), the `overdue` field of an item (today, batched per request),
 * the figures `supervisionStats` and `supervisionFigures` (a period's measuring day), the unit assessments
 * (`asOf`) and the `opinion-item-overdue` reminder (today) all read this predicate.
 *
 * `item` is the SQL alias of an `opinion_items` row, `on` an SQL date expression: a column, or `?::date`
 * bound by the caller once per occurrence (`opinionOverdueParams`).
 */
export function opinionOverdueSql(item: string, on: string): string {
  // Never null, so `not` of it keeps every other item.
  return `(${item}.due_on < ${on} and (${item}.closed_on is null or ${item}.closed_on > ${on}))`;
}

/** The bindings of `opinionOverdueSql(item, '?::date')` for the day `on`. */
export const opinionOverdueParams = (on: string): [string, string] => [on, on];

/** The predicate as a MikroORM filter (for `listQuery`): items overdue on the day `on`. */
export function opinionOverdueFilter(on: string): Record<string, unknown> {
  return { [raw((alias: string) => opinionOverdueSql(alias, '?::date'), opinionOverdueParams(on))]: true };
}
