import { canReadRegion, requireViewer } from '@renda/auth/guards';
import { forbidden, unauthenticated } from '@renda/errors/errors';
import type { ServiceContext } from '@renda/server-kit/context';
import { readFeed, type FeedArgs, type FeedConnection } from '@renda/server-kit/feeds';
import { exportCatalog } from '@renda/server-kit/export-catalog';
import { requireRegionCode, requireYear } from '@renda/server-kit/validate';
import { knexTable } from '@renda/db/tables';
import { DeputySchema, type Deputy } from '../deputies/deputy.entity.ts';
import { deputyLoader } from '../deputies/deputies.service.ts';
import { ContactRecordSchema, type ContactRecord } from '../liaison/liaison.entity.ts';
import { contactLoader } from '../liaison/liaison.service.ts';

const present = <T>(rows: (T | null | Error)[]): T[] => rows.filter((r): r is T => r !== null && !(r instanceof Error));

/** 代表 deputyChanges: the register is public (its fields keep their own rules), as `deputies`. */
export function deputyChanges(ctx: ServiceContext, args: FeedArgs): Promise<FeedConnection<Deputy>> {
  return readFeed(
    ctx,
    {
      table: knexTable(ctx.em, DeputySchema),
      schema: ctx.em.config.get('schema')!,
      register: 'deputies',
      rows: () => {},
      tombstones: () => {},
      load: async (ids) => present(await deputyLoader(ctx).loadMany(ids)),
      idOf: (d) => d.id,
    },
    args,
  );
}

/**
 * 联系记录 contactChanges: the rule of `Deputy.contacts` (D-11's detail) over a subtree: staff, analysts and
 * admins whose region covers it read every record; a deputy reads their own; anyone else is refused.
 */
export function contactChanges(ctx: ServiceContext, args: FeedArgs): Promise<FeedConnection<ContactRecord>> {
  const code = requireRegionCode(args.regionCode, 'regionCode');
  if (!ctx.viewer) throw unauthenticated('Contact records are not public: sign in.');
  const viewer = requireViewer(ctx.viewer);
  let deputyId: string | null = null;
  if (viewer.role === 'DEPUTY' && viewer.deputy) deputyId = viewer.deputy;
  else if (!canReadRegion(viewer, code)) throw forbidden(`You may not read contact records of region ${code}.`);
  return readFeed(
    ctx,
    {
      table: knexTable(ctx.em, ContactRecordSchema),
      schema: ctx.em.config.get('schema')!,
      register: 'contacts',
      rows: (q) => {
        if (deputyId) q.where('t.deputy_id', deputyId);
      },
      tombstones: (q) => {
        if (deputyId) q.where('b.owner_id', deputyId);
      },
      load: async (ids) => present(await contactLoader(ctx).loadMany(ids)),
      idOf: (c) => c.id,
    },
    args,
  );
}

export interface ExportLink {
  table: string;
  title: string;
  csv: string;
  xlsx: string;
}

/** 开放数据 links of the gateway's exports of a region, for those the exports serve (readers of the region). */
export function exportLinks(ctx: ServiceContext, regionCode: string, year: number | null | undefined): ExportLink[] {
  const code = requireRegionCode(regionCode, 'regionCode');
  if (!ctx.viewer) throw unauthenticated('Exports need a token: sign in.');
  if (!canReadRegion(requireViewer(ctx.viewer), code)) throw forbidden(`You may not export data of region ${code}.`);
  const y = year === null || year === undefined ? null : requireYear(year, 'year');
  return exportCatalog
    .filter((t) => !t.needsYear || y !== null)
    .map((t) => {
      const query = new URLSearchParams({ region: code, ...(y !== null ? { year: String(y) } : {}) }).toString();
      const path = `/export/${t.table}`;
      return { table: t.table, title: t.title, csv: `${path}.csv?${query}`, xlsx: `${path}.xlsx?${query}` };
    });
}
