import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { requireViewer } from '@renda/auth/guards';
import type { Viewer } from '@renda/auth/viewer';
import { badInput, forbidden, unauthenticated } from '@renda/errors/errors';
import { isId } from '@renda/db/ids';
import type { ServiceContext } from '@renda/server-kit/context';
import { today } from '@renda/server-kit/dates';
import {
  decodeCursor,
  nestedConnection,
  nestedList,
  pageSize,
  toConnection,
  type Connection,
  type NestedQuery,
  type SortKey,
} from '@renda/server-kit/pagination';
import { requireRegionCode, requireYear } from '@renda/server-kit/validate';
import { canRead, ownScopeSql, readableSql } from './access.ts';
import { suggestionLoader } from './loaders.ts';
import {
  SuggestionSchema,
  type Suggestion,
  type SuggestionGrade,
  type SuggestionKind,
  type SuggestionStage,
} from './suggestion.entity.ts';
import {
  countQuery,
  filteredItems,
  handledItems,
  leadCounts,
  pageIds,
  publishedItems,
  sessionItems,
  signedItems,
  type ItemFilter,
} from './suggestions.store.ts';

/** `suggestion(id)`: the item when the caller may read it; null when unknown. */
export async function getSuggestion(ctx: ServiceContext, id: string): Promise<Suggestion | null> {
  const item = await suggestionLoader(ctx).load(id);
  if (!item) return null;
  if (await canRead(ctx, item)) return item;
  if (!ctx.viewer) throw unauthenticated('This item is not published: sign in to read it.');
  throw forbidden('You may not read this item: it is for its deputies, its handling units and staff of its region.');
}

/** For `_entities`: readable items, null for the rest. */
export async function referencedSuggestion(ctx: ServiceContext, id: string): Promise<Suggestion | null> {
  const item = await suggestionLoader(ctx).load(id);
  return item && (await canRead(ctx, item)) ? item : null;
}

export interface SuggestionFilter {
  regionCode?: string | null;
  year?: number | null;
  kind?: SuggestionKind | null;
  stage?: SuggestionStage | null;
  grade?: SuggestionGrade | null;
  isKey?: boolean | null;
  unitId?: string | null;
  overdue?: boolean | null;
  text?: string | null;
  category?: string | null;
}

/** Longest search text `suggestions(filter: { text })` accepts. */
const maxSearchText = 200;

/** Pages over a filtered query newest first (ids are time-ordered), loading the page's rows in one query. */
async function page(
  ctx: ServiceContext,
  query: Knex.QueryBuilder,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Connection<Suggestion>> {
  const limit = pageSize(first);
  const afterId = decodeCursor(after);
  // 撤回: a withdrawn item leaves every list (it is still read by id, with its `withdrawnAt`).
  query.whereNull('s.withdrawn_at');
  if (afterId !== null && !isId(afterId)) throw badInput('`after` is not a cursor this API issued.', 'after');
  const idList = await pageIds(query, limit, afterId);
  const rows = idList.length
    ? await ctx.em.find(SuggestionSchema, { id: { $in: idList } }, { orderBy: { id: 'desc' } })
    : [];
  for (const row of rows) suggestionLoader(ctx).prime(row.id, row);
  const connection = toConnection(rows, limit, 0, (s) => s.id, afterId !== null);
  // Counted only when `totalCount` is asked for: a thenable the executor awaits, never run otherwise (paging
  // a whole register, as an export does, would count every row on every page).
  const count = countQuery(query);
  const totalCount: PromiseLike<number> = {
    then: (onDone, onFail) => count.then((r) => Number((r as { count: string }[])[0]!.count)).then(onDone, onFail),
  };
  return { ...connection, totalCount: totalCount as unknown as number };
}

/**
 * The caller's own scope of items (aliased `alias`): a deputy's led or co-signed items, a handler's unit's,
 * the subtree of staff and analysts, everything for an admin. `suggestions` and the change feeds use it.
 */
export function scopeToViewer(
  em: EntityManager,
  knex: Knex,
  query: Knex.QueryBuilder,
  viewer: Viewer,
  alias: string,
): void {
  query.where(ownScopeSql(em, knex, viewer, alias));
}

/**
 * `suggestions`: the caller's own scope (a deputy: led or co-signed; a handler: their unit's; staff,
 * analysts: their subtree; an admin: everything), filtered. The public reads `publishedSuggestions`.
 */
export async function listSuggestions(
  ctx: ServiceContext,
  filter: SuggestionFilter | null | undefined,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Connection<Suggestion>> {
  const viewer = ctx.viewer;
  if (!viewer) throw unauthenticated('Sign in to list items; published items are at `publishedSuggestions`.');
  requireViewer(viewer);
  const f: ItemFilter = {};
  if (filter?.regionCode) f.regionCode = requireRegionCode(filter.regionCode, 'filter.regionCode');
  if (filter?.year !== null && filter?.year !== undefined) f.year = requireYear(filter.year, 'filter.year');
  if (filter?.kind) f.kind = filter.kind;
  if (filter?.stage) f.stage = filter.stage;
  if (filter?.grade) f.grade = filter.grade;
  if (filter?.isKey !== null && filter?.isKey !== undefined) f.isKey = filter.isKey;
  if (filter?.unitId) {
    if (!isId(filter.unitId)) throw badInput(`${JSON.stringify(filter.unitId)} is not a unit id.`, 'filter.unitId');
    f.unitId = filter.unitId;
  }
  // The one rule of the figures too (S-8, F-1), measured today.
  if (filter?.overdue !== null && filter?.overdue !== undefined)
    f.overdue = { yes: filter.overdue, on: today(ctx.clock) };
  if (filter?.category !== null && filter?.category !== undefined) {
    const category = filter.category.trim();
    if (category.length > 50) throw badInput('`filter.category` is at most 50 characters.', 'filter.category');
    f.category = category;
  }
  const text = filter?.text?.trim();
  if (text && text.length > maxSearchText)
    throw badInput(`\`filter.text\` is longer than ${maxSearchText} characters.`, 'filter.text');
  if (text) f.text = text;
  const knex = ctx.em.getKnex();
  const query = filteredItems(ctx.em, knex, ownScopeSql(ctx.em, knex, viewer, 's'), f);
  return page(ctx, query, first, after);
}

/** 网上公开 (S-8): published items of a region subtree, for everyone. */
export async function publishedSuggestions(
  ctx: ServiceContext,
  regionCode: string,
  year: number | null | undefined,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Connection<Suggestion>> {
  const code = requireRegionCode(regionCode, 'regionCode');
  if (year !== null && year !== undefined) requireYear(year);
  const query = publishedItems(ctx.em, code, year ?? null);
  return page(ctx, query, first, after);
}

const byId: readonly SortKey<Suggestion>[] = [{ prop: 'id', kind: 'id', column: 's.id' }];

/**
 * Deputy.suggestions: items a deputy leads or co-signed and the caller may read, by id, the year
 * and access filtered in SQL; every deputy of a request shares one batch.
 */
function signedBy(ctx: ServiceContext, year: number | null | undefined): NestedQuery<Suggestion> {
  if (year !== null && year !== undefined) requireYear(year);
  return {
    name: `Deputy.suggestions.${year ?? 'all'}`,
    entity: SuggestionSchema,
    order: byId,
    parent: 'g.deputy_id',
    query: (knex, deputyIds) =>
      signedItems(ctx.em, knex, deputyIds.filter(isId), readableSql(ctx.em, knex, ctx.viewer), year ?? null),
  };
}

export function deputySuggestions(
  ctx: ServiceContext,
  deputyId: string,
  year: number | null | undefined,
): Promise<Suggestion[]> {
  return nestedList(ctx, signedBy(ctx, year), deputyId, 'Deputy.suggestionsConnection');
}

export function deputySuggestionsConnection(
  ctx: ServiceContext,
  deputyId: string,
  year: number | null | undefined,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Connection<Suggestion>> {
  return nestedConnection(ctx, signedBy(ctx, year), deputyId, first, after);
}

/** Deputy.suggestionCount (D-7): items led in a year, one grouped count per request. */
export function deputySuggestionCount(ctx: ServiceContext, deputyId: string, year: number): Promise<number> {
  requireYear(year);
  return ctx.loaders
    .get<string, number>(`Deputy.suggestionCount.${year}`, async (ids) => {
      const valid = ids.filter(isId);
      const rows = valid.length ? await leadCounts(ctx.em, valid, year) : [];
      const map = new Map(rows.map((r) => [r.lead_deputy_id, Number(r.n)]));
      return ids.map((id) => map.get(id) ?? 0);
    })
    .load(deputyId);
}

/** GovernmentUnit.handledSuggestions: items a unit leads or co-handles and the caller may read, by id; year, stage and access in SQL. */
function handledBy(
  ctx: ServiceContext,
  year: number | null | undefined,
  stage: SuggestionStage | null | undefined,
): NestedQuery<Suggestion> {
  if (year !== null && year !== undefined) requireYear(year);
  return {
    name: `GovernmentUnit.handledSuggestions.${year ?? 'all'}.${stage ?? 'all'}`,
    entity: SuggestionSchema,
    order: byId,
    parent: 'h.unit_id',
    query: (knex, unitIds) =>
      handledItems(
        ctx.em,
        knex,
        unitIds.filter(isId),
        readableSql(ctx.em, knex, ctx.viewer),
        year ?? null,
        stage ?? null,
      ),
  };
}

export function unitSuggestions(
  ctx: ServiceContext,
  unitId: string,
  year: number | null | undefined,
  stage: SuggestionStage | null | undefined,
): Promise<Suggestion[]> {
  return nestedList(ctx, handledBy(ctx, year, stage), unitId, 'GovernmentUnit.handledSuggestionsConnection');
}

export function unitSuggestionsConnection(
  ctx: ServiceContext,
  unitId: string,
  year: number | null | undefined,
  stage: SuggestionStage | null | undefined,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Connection<Suggestion>> {
  return nestedConnection(ctx, handledBy(ctx, year, stage), unitId, first, after);
}

/** CongressSession.suggestions: items registered at a session that the caller may read, by kind and serial. */
function registeredAt(ctx: ServiceContext): NestedQuery<Suggestion> {
  return {
    name: 'CongressSession.suggestions',
    entity: SuggestionSchema,
    order: [
      { prop: 'kind', kind: 'text', column: 's.kind' },
      { prop: 'serialNumber', kind: 'int', column: 's.serial_number' },
      { prop: 'id', kind: 'id', column: 's.id' },
    ],
    parent: 's.session_id',
    query: (knex, sessionIds) =>
      sessionItems(ctx.em, knex, sessionIds.filter(isId), readableSql(ctx.em, knex, ctx.viewer)),
  };
}

export function sessionSuggestions(ctx: ServiceContext, sessionId: string): Promise<Suggestion[]> {
  return nestedList(ctx, registeredAt(ctx), sessionId, 'CongressSession.suggestionsConnection');
}

export function sessionSuggestionsConnection(
  ctx: ServiceContext,
  sessionId: string,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Connection<Suggestion>> {
  return nestedConnection(ctx, registeredAt(ctx), sessionId, first, after);
}
