import { requireViewer, requireWriteIn } from '@renda/auth/guards';
import { isId, newId } from '@renda/db/ids';
import { badInput, conflict } from '@renda/errors/errors';
import type { ServiceContext } from '@renda/server-kit/context';
import { correct } from '@renda/server-kit/corrections';
import { entityLoader } from '@renda/server-kit/loaders';
import { listQuery } from '@renda/server-kit/pagination';
import { requireText, requireYear, yearRange } from '@renda/server-kit/validate';
import { listScope } from '../common/access.ts';
import { requireNotFuture } from '../common/dates.ts';
import { findOrFail } from '../common/find.ts';
import { type Tally, requireTally } from '../common/tally.ts';
import { type OpinionItemInput, checkItems, createItems } from '../opinions/opinions.service.ts';
import { requireUnit } from '../units/units.service.ts';
import { type Report, type ReportKind, ReportSchema } from './report.entity.ts';

export const reportLoader = (ctx: ServiceContext) => entityLoader<Report>(ctx, ReportSchema, 'id', isId);

export async function hearReport(
  ctx: ServiceContext,
  input: { kind: ReportKind; title: string; unitId: string; heardOn: string },
): Promise<Report> {
  const unit = await requireUnit(ctx, input.unitId, 'input.unitId');
  requireWriteIn(ctx.viewer, unit.regionCode, 'record reports');
  const title = requireText(input.title, 'input.title', 300);
  requireNotFuture(ctx, input.heardOn, 'input.heardOn');
  const report = ctx.em.create(ReportSchema, {
    id: newId(),
    kind: input.kind,
    title,
    unitId: unit.id,
    regionCode: unit.regionCode,
    heardOn: input.heardOn,
    satisfied: null,
    basicallySatisfied: null,
    dissatisfied: null,
  });
  await ctx.em.flush();
  return report;
}

export async function recordReportTally(ctx: ServiceContext, reportId: string, tally: Tally): Promise<Report> {
  const report = await findOrFail(() => ctx.em.findOne(ReportSchema, { id: reportId }), 'report', reportId, 'reportId');
  requireWriteIn(ctx.viewer, report.regionCode, 'record satisfaction votes');
  const counts = requireTally(tally);
  if (report.satisfied !== null) throw conflict('This report already has its satisfaction vote.');
  Object.assign(report, counts);
  await ctx.em.flush();
  ctx.loaders.clearAll();
  return report;
}

/**
 * 更正 a report's satisfaction tally mistyped by a clerk (staff of its region): the counts are checked as when
 * recorded, the satisfaction rate and the figures that read it follow. A report without a vote has nothing to
 * correct (CONFLICT: record it). One audit entry, the version bumped.
 */
export async function correctReportTally(
  ctx: ServiceContext,
  reportId: string,
  version: number,
  tally: Tally,
  reason: string,
): Promise<Report> {
  const report = await findOrFail(() => ctx.em.findOne(ReportSchema, { id: reportId }), 'report', reportId, 'reportId');
  requireWriteIn(ctx.viewer, report.regionCode, 'correct satisfaction votes');
  const counts = requireTally(tally);
  if (report.satisfied === null)
    throw conflict('This report has no satisfaction vote to correct: record it with `recordReportTally`.');
  correct(
    ctx.em,
    {
      kind: 'Report',
      record: report,
      id: report.id,
      regionCode: report.regionCode,
      expectedVersion: version,
      reason,
      viewer: requireViewer(ctx.viewer),
      at: ctx.clock.now(),
    },
    counts,
  );
  await ctx.em.flush();
  ctx.loaders.clearAll();
  return report;
}

/** G-3: deliberation opinions as a checklist: each item with a unit and a due date. */
export async function addReportOpinions(
  ctx: ServiceContext,
  reportId: string,
  items: readonly OpinionItemInput[],
): Promise<Report> {
  const report = await findOrFail(() => ctx.em.findOne(ReportSchema, { id: reportId }), 'report', reportId, 'reportId');
  requireWriteIn(ctx.viewer, report.regionCode, 'add deliberation opinions');
  if (items.length === 0) throw badInput('Name at least one opinion item.', 'items');
  const checked = await checkItems(ctx, items, report.heardOn, 'items');
  await createItems(ctx, 'REPORT', report.id, checked);
  await ctx.em.flush();
  ctx.loaders.clearAll();
  return report;
}

export const reports = listQuery({
  entity: ReportSchema,
  order: [
    { prop: 'heardOn', kind: 'date' },
    { prop: 'id', kind: 'id' },
  ],
  connectionField: 'reportsConnection',
  where: (ctx: ServiceContext, regionCode: string, year: number | null | undefined) => {
    const scope = listScope(ctx.viewer, regionCode, 'Reports');
    const where: Record<string, unknown> = { regionCode: { $like: `${scope.prefix}%` } };
    if (scope.unitId) where.unitId = scope.unitId;
    if (year !== null && year !== undefined) {
      const [from, to] = yearRange(requireYear(year));
      where.heardOn = { $gte: from, $lte: to };
    }
    return where;
  },
});

export const listReports = reports.list;

export const reportsConnection = reports.page;
