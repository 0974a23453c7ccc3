import type { ServiceContext } from '@renda/server-kit/context';
import { readFeed, type FeedArgs, type FeedConnection } from '@renda/server-kit/feeds';
import { knexTable } from '@renda/db/tables';
import { FiledDocumentSchema, type FiledDocument } from '../filings/filing.entity.ts';
import { documentLoader } from '../filings/filings.service.ts';
import { OpinionItemSchema, type OpinionItem } from '../opinions/opinion.entity.ts';
import { itemLoader } from '../opinions/opinions.service.ts';
import { listScope } from '../common/access.ts';

const present = <T>(rows: (T | null | Error)[]): T[] => rows.filter((r): r is T => r !== null && !(r instanceof Error));

/** 备案 filingChanges: public, as `filedDocuments` (each field keeps its own rule). */
export function filingChanges(ctx: ServiceContext, args: FeedArgs): Promise<FeedConnection<FiledDocument>> {
  return readFeed(
    ctx,
    {
      table: knexTable(ctx.em, FiledDocumentSchema),
      schema: ctx.em.config.get('schema')!,
      register: 'filings',
      rows: () => {},
      tombstones: () => {},
      load: async (ids) => present(await documentLoader(ctx).loadMany(ids)),
      idOf: (d) => d.id,
    },
    args,
  );
}

/** 审议意见 opinionItemChanges: the scope of `opinionItems` (readers of the region; a handler, their unit's). */
export function opinionItemChanges(ctx: ServiceContext, args: FeedArgs): Promise<FeedConnection<OpinionItem>> {
  const scope = listScope(ctx.viewer, args.regionCode, 'Opinion items');
  return readFeed(
    ctx,
    {
      table: knexTable(ctx.em, OpinionItemSchema),
      schema: ctx.em.config.get('schema')!,
      register: 'opinion-items',
      rows: (q) => void (scope.unitId && q.where('t.unit_id', scope.unitId)),
      tombstones: (q) => void (scope.unitId && q.where('b.owner_id', scope.unitId)),
      load: async (ids) => present(await itemLoader(ctx).loadMany(ids)),
      idOf: (i) => i.id,
    },
    args,
  );
}
