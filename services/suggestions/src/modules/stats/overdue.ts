/**
 * 超期 overdue, the one definition (S-4, S-8, F-1): an item is overdue on day X when its reply was due before
 * X and had not come by X — no reply yet, or one given after X. "By X" matters for a day in the past: an item
 * replied late was overdue from the day after its due date until its reply. The list filter `overdue` (today),
 * the live aggregate of the figures (any day) and the property test read this predicate; the rollups keep
 * the same rule as events (Migration20261130144000's `rollup_rows`: +1 the day after the due date, −1 on the
 * day of a late reply), checked against this predicate by `test/rollups.test.ts`.
 *
 * `item` is the SQL alias of a `suggestions` row, `on` an SQL date expression (a column, or `?::date` bound
 * by the caller once per occurrence: see `overdueParams`).
 */
export function overdueSql(item: string, on: string): string {
  // Never null (an item with no due date is not overdue), so `not` of it keeps every other item.
  return `(${item}.reply_due_on is not null and ${item}.reply_due_on < ${on} and (${item}.replied_on is null or ${item}.replied_on > ${on}))`;
}

/** The bindings of `overdueSql(item, '?::date')` for the day `on`. */
export const overdueParams = (on: string): [string, string] => [on, on];
