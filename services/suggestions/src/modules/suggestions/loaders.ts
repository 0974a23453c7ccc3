import { isId } from '@renda/db/ids';
import type { ServiceContext } from '@renda/server-kit/context';
import { entityLoader, groupBy } from '@renda/server-kit/loaders';
import {
  EvaluationSchema,
  HandlingUnitSchema,
  ProcessStepSchema,
  ReplySchema,
  SheetSchema,
  SuggestionSchema,
  SuggestionSignerSchema,
  type EvaluationRow,
  type HandlingUnitRow,
  type ProcessStepRow,
  type ReplyRow,
  type SheetRow,
  type Suggestion,
  type SuggestionSigner,
} from './suggestion.entity.ts';

export const suggestionLoader = (ctx: ServiceContext) => entityLoader<Suggestion>(ctx, SuggestionSchema, 'id', isId);
export const sheetLoader = (ctx: ServiceContext) => entityLoader<SheetRow>(ctx, SheetSchema, 'id', isId);

/** Rows of one child table of an item, by item id, in one query per request tick. */
export function childrenBy<T extends { suggestionId: string }>(
  ctx: ServiceContext,
  entity: { meta: { className: string } },
  orderBy: Record<string, 'asc'>,
  id: string,
): Promise<T[]> {
  return ctx.loaders
    .get<string, T[]>(`${entity.meta.className}.bySuggestion`, async (ids) => {
      const rows = (await ctx.em.find(
        entity as never,
        { suggestionId: { $in: [...ids] } } as never,
        { orderBy } as never,
      )) as T[];
      return groupBy(ids, rows, (r) => r.suggestionId);
    })
    .load(id);
}

export const signersOf = (ctx: ServiceContext, id: string) =>
  childrenBy<SuggestionSigner>(ctx, SuggestionSignerSchema, { position: 'asc' }, id);
export const unitsOf = (ctx: ServiceContext, id: string) =>
  childrenBy<HandlingUnitRow>(ctx, HandlingUnitSchema, { position: 'asc' }, id);
export const stepsOf = (ctx: ServiceContext, id: string) =>
  childrenBy<ProcessStepRow>(ctx, ProcessStepSchema, { ordinal: 'asc' }, id);
export const repliesOf = (ctx: ServiceContext, id: string) =>
  childrenBy<ReplyRow>(ctx, ReplySchema, { round: 'asc' }, id);
export const evaluationsOf = (ctx: ServiceContext, id: string) =>
  childrenBy<EvaluationRow>(ctx, EvaluationSchema, { round: 'asc' }, id);
export const sheetsOf = (ctx: ServiceContext, id: string) =>
  childrenBy<SheetRow>(ctx, SheetSchema, { issuedOn: 'asc', id: 'asc' }, id);
/** The item's sheets but those withdrawn (撤回): what `Suggestion.sheets` lists. */
export const liveSheetsOf = async (ctx: ServiceContext, id: string) =>
  (await sheetsOf(ctx, id)).filter((s) => s.withdrawnAt === null);
