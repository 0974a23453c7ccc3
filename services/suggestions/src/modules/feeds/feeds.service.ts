import { requireViewer } from '@renda/auth/guards';
import { unauthenticated } from '@renda/errors/errors';
import type { ServiceContext } from '@renda/server-kit/context';
import { readFeed, type FeedArgs, type FeedConnection } from '@renda/server-kit/feeds';
import { sheetLoader, suggestionLoader } from '../suggestions/loaders.ts';
import { scopeToViewer } from '../suggestions/queries.service.ts';
import { SheetSchema, SuggestionSchema, type SheetRow, type Suggestion } from '../suggestions/suggestion.entity.ts';
import { feedTable, itemsQuery } from '../suggestions/suggestions.store.ts';

const present = <T>(rows: (T | null | Error)[]): T[] => rows.filter((r): r is T => r !== null && !(r instanceof Error));

/**
 * 建议 suggestionChanges: the scope of `suggestions` (a new step, which stamps its item, is a change of it).
 * Deletions reach readers of the whole subtree (staff, analysts, admins), the only ones a deleted item's
 * scope can still be told for.
 */
export function suggestionChanges(ctx: ServiceContext, args: FeedArgs): Promise<FeedConnection<Suggestion>> {
  if (!ctx.viewer) throw unauthenticated('Sign in to follow items; published items are at `publishedSuggestions`.');
  const viewer = requireViewer(ctx.viewer);
  const regionReader = viewer.role === 'ADMIN' || viewer.role === 'STAFF' || viewer.role === 'ANALYST';
  return readFeed(
    ctx,
    {
      ...feedTable(ctx.em, SuggestionSchema),
      register: 'suggestions',
      rows: (q, knex) => scopeToViewer(ctx.em, knex, q, viewer, 't'),
      tombstones: regionReader
        ? (q) => void (viewer.region && q.where('b.region_code', 'like', `${viewer.region}%`))
        : null,
      load: async (ids) => present(await suggestionLoader(ctx).loadMany(ids)),
      idOf: (s) => s.id,
    },
    args,
  );
}

/** 三单 sheetChanges: sheets of the items in the caller's `suggestions` scope, of the subtree. */
export function sheetChanges(ctx: ServiceContext, args: FeedArgs): Promise<FeedConnection<SheetRow>> {
  if (!ctx.viewer) throw unauthenticated('Supervision sheets are not public: sign in.');
  const viewer = requireViewer(ctx.viewer);
  return readFeed(
    ctx,
    {
      ...feedTable(ctx.em, SheetSchema),
      register: 'sheets',
      region: (q, prefix, knex) => {
        const item = itemsQuery(ctx.em, knex).select(knex.raw('1')).whereRaw('s.id = t.suggestion_id');
        item.where('s.region_code', 'like', `${prefix}%`);
        scopeToViewer(ctx.em, knex, item, viewer, 's');
        q.whereExists(item);
      },
      rows: () => {},
      // Sheets are never deleted; a deleted one would carry no region to scope it by.
      tombstones: null,
      load: async (ids) => present(await sheetLoader(ctx).loadMany(ids)),
      idOf: (s) => s.id,
    },
    args,
  );
}
