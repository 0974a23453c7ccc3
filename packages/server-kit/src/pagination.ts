import type { EntityManager, EntityName, FilterQuery } from '@mikro-orm/postgresql';
import { isId } from '@renda/db/ids';
import { badInput } from '@renda/errors/errors';

export const defaultPageSize = 50;
export const maxPageSize = 100;

export function pageSize(first: number | null | undefined): number {
  const n = first ?? defaultPageSize;
  if (!Number.isInteger(n) || n < 0 || n > maxPageSize) {
    throw badInput(`\`first\` must be between 0 and ${maxPageSize}; ask for the next page with \`after\`.`, 'first');
  }
  return n;
}

export function encodeCursor(key: string): string {
  return Buffer.from(`c:${key}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | null | undefined): string | null {
  if (cursor === null || cursor === undefined || cursor === '') return null;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith('c:')) throw badInput('`after` is not a cursor this API issued; use a `cursor` or `endCursor` from an earlier page.', 'after');
  return text.slice(2);
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

/** `rows` were fetched with limit `first + 1`, ordered by `keyOf`. */
export function toConnection<T>(rows: T[], first: number, totalCount: number, keyOf: (row: T) => string): Connection<T> {
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount,
  };
}

/**
 * One page of `entity` rows matching `where`, in id order, after the id in `after`: a keyset page
 * (no offset), with the total over all pages. Every list of records that have a uuid id uses it.
 */
export async function pageById<T extends { id: string }>(
  em: EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<T>,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Connection<T>> {
  const limit = pageSize(first);
  const afterId = decodeCursor(after);
  if (afterId !== null && !isId(afterId)) {
    throw badInput('`after` is not a cursor this API issued; use a `cursor` or `endCursor` from an earlier page.', 'after');
  }
  const paged = (afterId ? { $and: [where, { id: { $gt: afterId } }] } : where) as FilterQuery<T>;
  const rows = limit === 0 ? [] : await em.find(entity, paged, { orderBy: { id: 'asc' } as never, limit: limit + 1 });
  const totalCount = await em.count(entity, where);
  return toConnection(rows as T[], limit, totalCount, (row) => row.id);
}
