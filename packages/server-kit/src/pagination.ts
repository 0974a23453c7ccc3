import {
  RawQueryFragment,
  type EntityManager,
  type EntityName,
  type FilterQuery,
  type Knex,
} from '@mikro-orm/postgresql';
import { isId } from '@renda/db/ids';
import { badInput } from '@renda/errors/errors';
import type { Loaders } from './loaders.ts';

export const defaultPageSize = 50;
export const maxPageSize = 100;

/** The most rows a plain list field (the older `[X!]!` fields beside each connection) returns before it refuses. */
export const listCap = 1000;

const notOurCursor = '`after` is not a cursor this API issued; use a `cursor` or `endCursor` from an earlier page.';

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
  if (!text.startsWith('c:')) throw badInput(notOurCursor, 'after');
  return text.slice(2);
}

/** Relay's page information: forward paging, so `hasPreviousPage` is true exactly when `after` was given. */
export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
  hasPreviousPage: boolean;
  startCursor: string | null;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
  totalCount: number;
}

/** Page information of `edges`, one page of a forward walk. */
export function pageInfoOf(edges: { cursor: string }[], hasNextPage: boolean, hasPreviousPage: boolean): PageInfo {
  const startCursor = edges[0]?.cursor ?? null;
  return { hasNextPage, endCursor: edges.at(-1)?.cursor ?? null, hasPreviousPage, startCursor };
}

/** `rows` were fetched with limit `first + 1`, ordered by `keyOf`; `afterGiven`: the page continues an earlier one. */
export function toConnection<T>(
  rows: T[],
  first: number,
  totalCount: number,
  keyOf: (row: T) => string,
  afterGiven = false,
): Connection<T> {
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  return { edges, pageInfo: pageInfoOf(edges, rows.length > first, afterGiven), totalCount };
}

/**
 * One page of `entity` rows matching `where`, in id order, after the id in `after`: a keyset page
 * (no offset), with the total over all pages.
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
  if (afterId !== null && !isId(afterId)) throw badInput(notOurCursor, 'after');
  const paged = (afterId ? { $and: [where, { id: { $gt: afterId } }] } : where) as FilterQuery<T>;
  // `first: 0` still reads one row: `hasNextPage` tells whether anything follows.
  const [rows, totalCount] = await RawQueryFragment.run(
    async () =>
      [
        await em.find(entity, paged, { orderBy: { id: 'asc' } as never, limit: limit + 1 }),
        await em.count(entity, where),
      ] as const,
  );
  return toConnection(rows as T[], limit, totalCount, (row) => row.id, afterId !== null);
}

// ---- keyset pages over any order --------------------------------------------------------------------

/** What a sort key holds, so a cursor's values are checked before they reach SQL. */
export type KeyKind = 'id' | 'code' | 'text' | 'int' | 'date';

/**
 * One key of a list's order. The last key of an order must be unique (the id). `column` is the SQL
 * column (for the knex pages); `prop` the entity property (for the MikroORM pages).
 */
export interface SortKey<T = Record<string, unknown>> {
  prop: keyof T & string;
  kind: KeyKind;
  dir?: 'asc' | 'desc';
  column?: string;
}

type KeyValue = string | number;

function validKey(kind: KeyKind, v: unknown): v is KeyValue {
  switch (kind) {
    case 'id':
      return typeof v === 'string' && isId(v);
    case 'code':
      return typeof v === 'string' && /^\d{2}(\d{2}(\d{2}(\d{3})?)?)?$/.test(v);
    case 'text':
      return typeof v === 'string' && v.length <= 1000 && !v.includes('\u0000');
    case 'int':
      return typeof v === 'number' && Number.isSafeInteger(v) && Math.abs(v) < 2 ** 31;
    case 'date':
      return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && calendarDay(v);
  }
}

/** `YYYY-MM-DD` naming a day that exists (PostgreSQL refuses `2026-02-30`, which `Date` would roll over). */
function calendarDay(v: string): boolean {
  const day = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === v;
}

/** The cursor of a row: its sort keys' values. */
export function cursorOf<T>(row: T, order: readonly SortKey<T>[]): string {
  return encodeCursor(JSON.stringify(order.map((k) => row[k.prop])));
}

/** The sort keys' values in `after`, checked against the order's kinds; null when there is no cursor. */
export function decodeKeys(after: string | null | undefined, order: readonly SortKey<never>[]): KeyValue[] | null {
  const text = decodeCursor(after);
  if (text === null) return null;
  let values: unknown;
  try {
    values = JSON.parse(text);
  } catch {
    throw badInput(notOurCursor, 'after');
  }
  if (!Array.isArray(values) || values.length !== order.length || !order.every((k, i) => validKey(k.kind, values[i]))) {
    throw badInput(notOurCursor, 'after');
  }
  return values as KeyValue[];
}

/** Rows after `values` in `order`: (a > x) or (a = x and b > y) or …, each key in its own direction. */
function keysetFilter<T>(order: readonly SortKey<T>[], values: KeyValue[]): FilterQuery<T> {
  const branches = order.map((key, i) => {
    const branch: Record<string, unknown> = {};
    for (let j = 0; j < i; j++) branch[order[j]!.prop] = values[j];
    branch[key.prop] = { [key.dir === 'desc' ? '$lt' : '$gt']: values[i] };
    return branch;
  });
  return { $or: branches } as FilterQuery<T>;
}

function orderByOf<T>(order: readonly SortKey<T>[]): Record<string, 'asc' | 'desc'> {
  return Object.fromEntries(order.map((k) => [k.prop, k.dir ?? 'asc']));
}

/**
 * One page of `entity` rows matching `where`, in `order`, after the row `after` points at: a keyset
 * page (no offset; each key of the order in a composite cursor), with the total over all pages.
 * Every connection over one table uses it.
 */
export async function pageBy<T extends object>(
  em: EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<T>,
  order: readonly SortKey<T>[],
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Connection<T>> {
  const limit = pageSize(first);
  const values = decodeKeys(after, order as readonly SortKey<never>[]);
  const paged = (values ? { $and: [where, keysetFilter(order, values)] } : where) as FilterQuery<T>;
  // One filter read by two queries: a raw SQL key in it (MikroORM `raw`, e.g. a rule's predicate) lives until
  // both are built, as in MikroORM's own `findAndCount`.
  const [rows, totalCount] = await RawQueryFragment.run(() =>
    Promise.all([
      em.find(entity, paged, { orderBy: orderByOf(order) as never, limit: limit + 1 }) as Promise<T[]>,
      em.count(entity, where),
    ]),
  );
  const edges = rows.slice(0, limit).map((node) => ({ cursor: cursorOf(node, order), node }));
  return { edges, pageInfo: pageInfoOf(edges, rows.length > limit, values !== null), totalCount };
}

/** The refusal of a plain list that would pass its cap: the caller pages through the connection instead. */
export function tooManyRows(cap: number, connectionField: string): Error {
  return badInput(
    `More than ${cap} rows match: page through \`${connectionField}\` (first/after) or narrow the filter.`,
  );
}

/**
 * A plain list field: every row matching `where`, in `order`, when at most `cap` match; more is
 * BAD_USER_INPUT naming the connection to page through (never a silent cut).
 */
export async function listUpTo<T extends object>(
  em: EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<T>,
  order: readonly SortKey<T>[],
  connectionField: string,
  cap = listCap,
): Promise<T[]> {
  const rows = (await em.find(entity, where, { orderBy: orderByOf(order) as never, limit: cap + 1 })) as T[];
  if (rows.length > cap) throw tooManyRows(cap, connectionField);
  return rows;
}

// ---- pages of many parents in one statement (nested connections) ------------------------------------

/** Row keys of one parent's page, and that parent's total over all pages. */
export interface ParentPage {
  rows: Record<string, unknown>[];
  totalCount: number;
}

/**
 * The pages of many parents at once, for a nested connection (`Deputy.suggestionsConnection`) or a
 * bounded nested list: `query` selects the matching rows of every parent asked (already filtered, with
 * joins aliased as the caller likes) and `parent` is the SQL expression of the parent's key. Two
 * statements whatever the number of parents: the totals grouped by parent (unless `withTotals` is
 * false), and up to `limit + 1` rows of each parent after the cursor (`row_number()` over the parent).
 * `order`'s columns are selected under their `prop` names, with `parent_key`.
 */
export async function pagesByParent(
  knex: Knex,
  query: Knex.QueryBuilder,
  parent: string,
  order: readonly SortKey<never>[],
  limit: number,
  values: KeyValue[] | null,
  withTotals = true,
): Promise<Map<string, ParentPage>> {
  const pages = new Map<string, ParentPage>();
  if (withTotals) {
    const totals = (await query
      .clone()
      .select(knex.raw(`${parent} as parent_key`))
      .count('* as n')
      .groupByRaw(parent)) as { parent_key: string; n: string | number }[];
    for (const t of totals) pages.set(String(t.parent_key), { rows: [], totalCount: Number(t.n) });
    if (pages.size === 0) return pages;
  }
  const orderSql = order.map((k) => `${k.column} ${k.dir ?? 'asc'}`).join(', ');
  const inner = query
    .clone()
    .select(knex.raw(`${parent} as parent_key`), ...order.map((k) => knex.raw(`${k.column} as ??`, [k.prop])))
    .select(knex.raw(`row_number() over (partition by ${parent} order by ${orderSql}) as rn`));
  if (values) inner.where(keysetSql(knex, order, values));
  const paged = knex
    .select('*')
    .from(inner.as('paged'))
    .where('rn', '<=', limit + 1)
    .orderBy('rn');
  const rows = (await paged) as Record<string, unknown>[];
  for (const row of rows) {
    const key = String(row.parent_key);
    const page = pages.get(key) ?? { rows: [], totalCount: 0 };
    page.rows.push(row);
    pages.set(key, page);
  }
  return pages;
}

/** The keyset condition in SQL (for knex queries): rows after `values` in `order`. */
export function keysetSql(knex: Knex, order: readonly SortKey<never>[], values: KeyValue[]): Knex.Raw {
  const params: KeyValue[] = [];
  const branches = order.map((key, i) => {
    const parts: string[] = [];
    for (let j = 0; j < i; j++) {
      parts.push(`${order[j]!.column} = ?`);
      params.push(values[j]!);
    }
    parts.push(`${key.column} ${key.dir === 'desc' ? '<' : '>'} ?`);
    params.push(values[i]!);
    return `(${parts.join(' and ')})`;
  });
  return knex.raw(`(${branches.join(' or ')})`, params);
}

/** A page of nothing (the caller's scope matches no row), with `first` and `after` still checked. */
export function emptyConnection<T>(first: number | null | undefined, after: string | null | undefined): Connection<T> {
  pageSize(first);
  const afterGiven = decodeCursor(after) !== null;
  return { edges: [], pageInfo: pageInfoOf([], false, afterGiven), totalCount: 0 };
}

/**
 * A list query served twice from one filter: as a plain list refusing beyond its cap (the older
 * `[X!]!` field) and as a connection (`…Connection`). `where` checks access and arguments and returns the
 * filter, or null when the caller's scope matches nothing.
 */
export function listQuery<T extends object, C extends { em: EntityManager }, A extends unknown[]>(options: {
  entity: EntityName<T>;
  order: readonly SortKey<T>[];
  connectionField: string;
  cap?: number;
  where: (ctx: C, ...args: A) => object | null | Promise<object | null>;
}): {
  list: (ctx: C, ...args: A) => Promise<T[]>;
  page: (
    ctx: C,
    first: number | null | undefined,
    after: string | null | undefined,
    ...args: A
  ) => Promise<Connection<T>>;
} {
  const { entity, order, connectionField, cap = listCap } = options;
  return {
    async list(ctx, ...args) {
      const where = (await options.where(ctx, ...args)) as FilterQuery<T> | null;
      return where ? listUpTo(ctx.em, entity, where, order, connectionField, cap) : [];
    },
    async page(ctx, first, after, ...args) {
      pageSize(first);
      decodeKeys(after, order as readonly SortKey<never>[]);
      const where = (await options.where(ctx, ...args)) as FilterQuery<T> | null;
      return where ? pageBy(ctx.em, entity, where, order, first, after) : emptyConnection(first, after);
    },
  };
}

/**
 * A nested list of many parents (`Deputy.suggestions`, `Region.programs`): which rows, for which parents.
 * `query(knex, parents)` selects the matching rows of the parents asked, filtered in SQL; `parent` is the
 * SQL expression of a row's parent key; `order`'s keys carry their SQL `column`, the last one the id.
 */
export interface NestedQuery<T> {
  /** The per-request loader's name: the field and every argument that changes the rows. */
  name: string;
  entity: EntityName<T>;
  order: readonly SortKey<T>[];
  parent: string;
  query: (knex: Knex, parents: readonly string[]) => Knex.QueryBuilder;
}

/** Up to `limit + 1` rows of one parent after the cursor, in order, and the parent's total: batched per request. */
async function nestedRows<T extends object>(
  ctx: { em: EntityManager; loaders: Loaders },
  q: NestedQuery<T>,
  parentKey: string,
  limit: number,
  values: KeyValue[] | null,
  withTotals: boolean,
): Promise<{ nodes: T[]; totalCount: number }> {
  const loaderName = `${q.name}|${limit}|${values ? JSON.stringify(values) : ''}|${withTotals}`;
  return ctx.loaders
    .get<string, { nodes: T[]; totalCount: number }>(loaderName, async (parents) => {
      const knex = ctx.em.getKnex();
      const order = q.order as readonly SortKey<never>[];
      const pages = await pagesByParent(knex, q.query(knex, parents), q.parent, order, limit, values, withTotals);
      const idProp = q.order.at(-1)!.prop;
      const ids = [...new Set([...pages.values()].flatMap((p) => p.rows.map((r) => String(r[idProp]))))];
      const where = { [idProp]: { $in: ids } } as FilterQuery<T>;
      const rows = ids.length ? ((await ctx.em.find(q.entity, where)) as T[]) : [];
      const byId = new Map(rows.map((r) => [String(r[idProp]), r]));
      return parents.map((parent) => {
        const page = pages.get(parent);
        const nodes = (page?.rows ?? []).map((r) => byId.get(String(r[idProp]))).filter((n): n is T => n !== undefined);
        return { nodes, totalCount: page?.totalCount ?? 0 };
      });
    })
    .load(parentKey);
}

/** One parent's page of a nested connection (`…Connection(first, after)`): three statements for all parents. */
export async function nestedConnection<T extends object>(
  ctx: { em: EntityManager; loaders: Loaders },
  q: NestedQuery<T>,
  parentKey: string,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Connection<T>> {
  const limit = pageSize(first);
  const values = decodeKeys(after, q.order as readonly SortKey<never>[]);
  const { nodes, totalCount } = await nestedRows(ctx, q, parentKey, limit, values, true);
  const edges = nodes.slice(0, limit).map((node) => ({ cursor: cursorOf(node, q.order), node }));
  return { edges, pageInfo: pageInfoOf(edges, nodes.length > limit, values !== null), totalCount };
}

/** One parent's plain nested list: its rows when at most `cap`, else BAD_USER_INPUT naming the connection. */
export async function nestedList<T extends object>(
  ctx: { em: EntityManager; loaders: Loaders },
  q: NestedQuery<T>,
  parentKey: string,
  connectionField: string,
  cap = listCap,
): Promise<T[]> {
  const { nodes } = await nestedRows(ctx, q, parentKey, cap, null, false);
  if (nodes.length > cap) throw tooManyRows(cap, connectionField);
  return nodes;
}
