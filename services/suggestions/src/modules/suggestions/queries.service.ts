import type { Knex } from '@mikro-orm/postgresql';
import { requireViewer } from '@renda/auth/guards';
import { badInput, forbidden, unauthenticated } from '@renda/errors/errors';
import { isId } from '@renda/db/ids';
import type { ServiceContext } from '@renda/server-kit/context';
import { today } from '@renda/server-kit/dates';
import { decodeCursor, pageSize, toConnection, type Connection } from '@renda/server-kit/pagination';
import { likeEscape, requireRegionCode, requireYear } from '@renda/server-kit/validate';
import { canRead, readable } from './access.ts';
import { suggestionLoader } from './loaders.ts';
import { HandlingUnitSchema, SuggestionSchema, SuggestionSignerSchema, type Suggestion, type SuggestionGrade, type SuggestionKind, type SuggestionStage } from './suggestion.entity.ts';

const table = 'suggestions.suggestions';

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
}

/** Longest search text `suggestions(filter: { text })` accepts. */
const maxSearchText = 200;

/** Pages over a filtered query newest first (ids are time-ordered), loading the page's rows in one query. */
async function page(ctx: ServiceContext, query: Knex.QueryBuilder, first: number | null | undefined, after: string | null | undefined): Promise<Connection<Suggestion>> {
  const limit = pageSize(first);
  const afterId = decodeCursor(after);
  if (afterId !== null && !isId(afterId)) throw badInput('`after` is not a cursor this API issued.', 'after');
  const [{ count }] = (await query.clone().count<{ count: string }[]>('* as count')) as [{ count: string }];
  const ids = query.clone().select('s.id').orderBy('s.id', 'desc').limit(limit + 1);
  if (afterId) ids.where('s.id', '<', afterId);
  const idList = ((await ids) as { id: string }[]).map((r) => r.id);
  const rows = idList.length ? await ctx.em.find(SuggestionSchema, { id: { $in: idList } }, { orderBy: { id: 'desc' } }) : [];
  for (const row of rows) suggestionLoader(ctx).prime(row.id, row);
  return toConnection(rows, limit, Number(count), (s) => s.id);
}

/**
 * `suggestions`: the caller's own scope (a deputy: led or co-signed; a handler: their unit's; staff,
 * analysts: their subtree; an admin: everything), filtered. The public reads `publishedSuggestions`.
 */
export async function listSuggestions(ctx: ServiceContext, filter: SuggestionFilter | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<Connection<Suggestion>> {
  const viewer = ctx.viewer;
  if (!viewer) throw unauthenticated('Sign in to list items; published items are at `publishedSuggestions`.');
  requireViewer(viewer);
  const knex = ctx.em.getKnex();
  const query = knex({ s: table });
  if (viewer.role === 'DEPUTY') {
    query.whereExists(knex('suggestions.suggestion_signers as g').select(knex.raw('1')).whereRaw('g.suggestion_id = s.id').andWhere('g.deputy_id', viewer.deputy));
  } else if (viewer.role === 'HANDLER') {
    query.whereExists(knex('suggestions.handling_units as h').select(knex.raw('1')).whereRaw('h.suggestion_id = s.id').andWhere('h.unit_id', viewer.unit));
  } else if (viewer.region) {
    query.where('s.region_code', 'like', `${viewer.region}%`);
  }
  if (filter?.regionCode) query.where('s.region_code', 'like', `${requireRegionCode(filter.regionCode, 'filter.regionCode')}%`);
  if (filter?.year !== null && filter?.year !== undefined) query.where('s.year', requireYear(filter.year, 'filter.year'));
  if (filter?.kind) query.where('s.kind', filter.kind);
  if (filter?.stage) query.where('s.stage', filter.stage);
  if (filter?.grade) query.where('s.grade', filter.grade);
  if (filter?.isKey !== null && filter?.isKey !== undefined) query.where('s.is_key', filter.isKey);
  if (filter?.unitId) {
    if (!isId(filter.unitId)) throw badInput(`${JSON.stringify(filter.unitId)} is not a unit id.`, 'filter.unitId');
    query.whereExists(knex('suggestions.handling_units as hu').select(knex.raw('1')).whereRaw('hu.suggestion_id = s.id').andWhere('hu.unit_id', filter.unitId));
  }
  if (filter?.overdue !== null && filter?.overdue !== undefined) {
    const overdue = knex.raw(`(s.reply_category is null and s.reply_due_on < ?)`, [today(ctx.clock)]);
    if (filter.overdue) query.where(overdue);
    else query.whereNot(overdue);
  }
  const text = filter?.text?.trim();
  if (text && text.length > maxSearchText) throw badInput(`\`filter.text\` is longer than ${maxSearchText} characters.`, 'filter.text');
  if (text) {
    const pattern = `%${likeEscape(text)}%`;
    query.where((q) => {
      q.whereRaw(`s.title ilike ? escape '\\'`, [pattern]).orWhereRaw(`s.content ilike ? escape '\\'`, [pattern]);
    });
  }
  return page(ctx, query, first, after);
}

/** 网上公开 (S-8): published items of a region subtree, for everyone. */
export async function publishedSuggestions(ctx: ServiceContext, regionCode: string, year: number | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<Connection<Suggestion>> {
  const code = requireRegionCode(regionCode, 'regionCode');
  const query = ctx.em.getKnex()({ s: table }).where('s.published', true).andWhere('s.region_code', 'like', `${code}%`);
  if (year !== null && year !== undefined) query.where('s.year', requireYear(year));
  return page(ctx, query, first, after);
}

/** Deputy.suggestions: items a deputy leads or co-signed, batched over the deputies of one request. */
export async function deputySuggestions(ctx: ServiceContext, deputyId: string, year: number | null | undefined): Promise<Suggestion[]> {
  if (year !== null && year !== undefined) requireYear(year);
  const items = await ctx.loaders
    .get<string, Suggestion[]>(`Deputy.suggestions.${year ?? 'all'}`, async (ids) => {
      const valid = ids.filter(isId);
      if (!valid.length) return ids.map(() => []);
      const signers = await ctx.em.find(SuggestionSignerSchema, { deputyId: { $in: valid }, ...(year !== null && year !== undefined ? { year } : {}) });
      const rows = signers.length ? await ctx.em.find(SuggestionSchema, { id: { $in: [...new Set(signers.map((s) => s.suggestionId))] } }, { orderBy: { id: 'asc' } }) : [];
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => signers.filter((s) => s.deputyId === id).map((s) => byId.get(s.suggestionId)!).sort((a, b) => (a.id < b.id ? -1 : 1)));
    })
    .load(deputyId);
  return readable(ctx, items);
}

/** Deputy.suggestionCount (D-7): items led in a year, one grouped count per request. */
export function deputySuggestionCount(ctx: ServiceContext, deputyId: string, year: number): Promise<number> {
  requireYear(year);
  return ctx.loaders
    .get<string, number>(`Deputy.suggestionCount.${year}`, async (ids) => {
      const valid = ids.filter(isId);
      const rows: { lead_deputy_id: string; n: string }[] = valid.length
        ? await ctx.em.getKnex()(table).select('lead_deputy_id').count('* as n').whereIn('lead_deputy_id', valid).andWhere('year', year).groupBy('lead_deputy_id')
        : [];
      const map = new Map(rows.map((r) => [r.lead_deputy_id, Number(r.n)]));
      return ids.map((id) => map.get(id) ?? 0);
    })
    .load(deputyId);
}

/** GovernmentUnit.handledSuggestions: items a unit leads or co-handles, batched over units. */
export async function unitSuggestions(ctx: ServiceContext, unitId: string, year: number | null | undefined, stage: SuggestionStage | null | undefined): Promise<Suggestion[]> {
  if (year !== null && year !== undefined) requireYear(year);
  const items = await ctx.loaders
    .get<string, Suggestion[]>(`GovernmentUnit.handledSuggestions.${year ?? 'all'}`, async (ids) => {
      const valid = ids.filter(isId);
      if (!valid.length) return ids.map(() => []);
      const links = await ctx.em.find(HandlingUnitSchema, { unitId: { $in: valid }, ...(year !== null && year !== undefined ? { year } : {}) });
      const rows = links.length ? await ctx.em.find(SuggestionSchema, { id: { $in: [...new Set(links.map((l) => l.suggestionId))] } }, { orderBy: { id: 'asc' } }) : [];
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => links.filter((l) => l.unitId === id).map((l) => byId.get(l.suggestionId)!).sort((a, b) => (a.id < b.id ? -1 : 1)));
    })
    .load(unitId);
  return readable(ctx, stage ? items.filter((i) => i.stage === stage) : items);
}

/** CongressSession.suggestions: items registered at a session, batched over sessions. */
export async function sessionSuggestions(ctx: ServiceContext, sessionId: string): Promise<Suggestion[]> {
  const items = await ctx.loaders
    .get<string, Suggestion[]>('CongressSession.suggestions', async (ids) => {
      const valid = ids.filter(isId);
      const rows = valid.length ? await ctx.em.find(SuggestionSchema, { sessionId: { $in: valid } }, { orderBy: { kind: 'asc', serialNumber: 'asc' } }) : [];
      return ids.map((id) => rows.filter((r) => r.sessionId === id));
    })
    .load(sessionId);
  return readable(ctx, items);
}
