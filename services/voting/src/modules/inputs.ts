import { UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { badInput } from '@renda/errors/errors';
import { isId } from '@renda/db/ids';

/** Checks of input values the voting modules share: ids, money, distinct lists, and a unique violation's shape. */

/** An id argument or input field: BAD_USER_INPUT when it is not shaped like an id. */
export function requireId(id: string, field: string): string {
  if (!isId(id)) throw badInput(`${JSON.stringify(id)} is not an id.`, field);
  return id;
}

export function isUniqueViolation(e: unknown): boolean {
  return (
    e instanceof UniqueConstraintViolationException ||
    (typeof e === 'object' && e !== null && (e as { code?: unknown }).code === '23505')
  );
}

/** A money amount in yuan: numeric(14,2), `min` or more (exclusive when `positive`). */
export function requireMoney(value: string, field: string, positive: boolean): string {
  const text = String(value).trim();
  if (!/^\d{1,12}(\.\d{1,2})?$/.test(text))
    throw badInput(`\`${field}\` must be yuan with at most 12 digits and 2 decimals, e.g. "1250000.00".`, field);
  if (positive && Number(text) <= 0) throw badInput(`\`${field}\` must be more than 0.`, field);
  return text;
}

/** Rejects repeated ids in a list, naming the position of the repeat. */
export function requireDistinct(ids: readonly string[], field: string): void {
  const seen = new Set<string>();
  ids.forEach((id, i) => {
    if (seen.has(id)) throw badInput(`${field}[${i}] repeats an id listed before.`, `${field}[${i}]`);
    seen.add(id);
  });
}
