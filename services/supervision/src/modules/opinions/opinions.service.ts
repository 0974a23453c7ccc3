import { badInput, conflict, forbidden, notFound } from '@renda/errors/errors';
import { requireViewer, requireWriteIn } from '@renda/auth/guards';
import type { Viewer } from '@renda/auth/viewer';
import { isId, newId } from '@renda/db/ids';
import type { ServiceContext } from '@renda/server-kit/context';
import { listQuery } from '@renda/server-kit/pagination';
import { today } from '@renda/server-kit/dates';
import { entityLoader, groupBy } from '@renda/server-kit/loaders';
import { requireRegionCode, requireText, requireYear, yearRange } from '@renda/server-kit/validate';
import {
  canReadRecord,
  listScope,
  requireNotFuture,
  requirePlausibleDate,
  requireTally,
  requireTransition,
  type Transitions,
} from '../units/access.ts';
import type { IdRef, Tally } from '../units/refs.ts';
import type { GovernmentUnit } from '../units/unit.entity.ts';
import { requireUnit } from '../units/units.service.ts';
import {
  InspectionDeputySchema,
  InspectionMemberSchema,
  LawInspectionSchema,
  OpinionItemSchema,
  ReportSchema,
  WorkEvaluationSchema,
  type LawInspection,
  type OpinionItem,
  type OpinionSource,
  type OpinionStatus,
  type Report,
  type ReportKind,
  type WorkEvaluation,
} from './opinion.entity.ts';
import { recordOpinionItemEvent } from './events.ts';

/** G-3: the unit reports what it did, then the committee closes (销号) the item; nothing is skipped. */
export const opinionTransitions: Transitions<OpinionStatus> = {
  OPEN: ['REPORTED'],
  REPORTED: ['CLOSED'],
  CLOSED: [],
};

export const reportLoader = (ctx: ServiceContext) => entityLoader<Report>(ctx, ReportSchema, 'id', isId);
export const itemLoader = (ctx: ServiceContext) => entityLoader<OpinionItem>(ctx, OpinionItemSchema, 'id', isId);
export const inspectionLoader = (ctx: ServiceContext) =>
  entityLoader<LawInspection>(ctx, LawInspectionSchema, 'id', isId);
export const evaluationLoader = (ctx: ServiceContext) =>
  entityLoader<WorkEvaluation>(ctx, WorkEvaluationSchema, 'id', isId);

/** G-3: overdue = not closed and today (injected clock, Asia/Shanghai) is after the due date. */
export function isOverdue(item: Pick<OpinionItem, 'status' | 'dueOn'>, todayDate: string): boolean {
  return item.status !== 'CLOSED' && todayDate > item.dueOn;
}

/**
 * Checks the id's shape, then (only then) loads the row: a query started before a check that throws
 * would reject with nobody listening.
 */
async function findOrFail<T>(load: () => Promise<T | null>, what: string, id: string, field: string): Promise<T> {
  if (!isId(id)) throw badInput(`${JSON.stringify(id)} is not an id.`, field);
  const row = await load();
  if (!row) throw notFound(what, id, field);
  return row;
}

export interface OpinionItemInput {
  content: string;
  unitId: string;
  dueOn: string;
}

export interface CheckedItem {
  content: string;
  unit: GovernmentUnit;
  dueOn: string;
}

/** Checks every item before anything is written: the unit exists and is in the writer's region, the due date follows `since`. */
export async function checkItems(
  ctx: ServiceContext,
  items: readonly OpinionItemInput[],
  since: string,
  field: string,
): Promise<CheckedItem[]> {
  const checked: CheckedItem[] = [];
  for (const [i, item] of items.entries()) {
    const content = requireText(item.content, `${field}[${i}].content`, 4000);
    const unit = await requireUnit(ctx, item.unitId, `${field}[${i}].unitId`);
    requireWriteIn(ctx.viewer, unit.regionCode, 'assign opinion items to this unit');
    requirePlausibleDate(item.dueOn, `${field}[${i}].dueOn`);
    if (item.dueOn < since)
      throw badInput(`The item is due ${item.dueOn}, before it was issued (${since}).`, `${field}[${i}].dueOn`);
    checked.push({ content, unit, dueOn: item.dueOn });
  }
  return checked;
}

export async function createItems(
  ctx: ServiceContext,
  sourceKind: OpinionSource,
  sourceId: string,
  items: CheckedItem[],
): Promise<void> {
  for (const item of items) {
    const row = ctx.em.create(OpinionItemSchema, {
      id: newId(),
      sourceKind,
      sourceId,
      unitId: item.unit.id,
      regionCode: item.unit.regionCode,
      content: item.content,
      dueOn: item.dueOn,
      status: 'OPEN',
      reportedOn: null,
      closedOn: null,
    });
    await recordOpinionItemEvent(ctx, ctx.em, row, 'opinion-item.opened');
  }
}

/**
 * Opinion items of reports, inspections or evaluations, batched over their sources. Items are
 * assigned to many units: each shows only to readers of its region and to its own unit's HANDLER
 * (a handler who reads a report of their unit does not see other units' items through it).
 */
export async function opinionsOf(ctx: ServiceContext, sourceId: string): Promise<OpinionItem[]> {
  const rows = await itemsOfSource(ctx, sourceId);
  return rows.filter((item) => canReadRecord(ctx.viewer, item));
}

/** Every item of a source, whoever reads (for facts about the source, such as whether all are closed). */
export function itemsOfSource(ctx: ServiceContext, sourceId: string): Promise<OpinionItem[]> {
  return ctx.loaders
    .get<string, OpinionItem[]>('OpinionItem.sourceId', async (ids) => {
      const rows = await ctx.em.find(
        OpinionItemSchema,
        { sourceId: { $in: [...ids] } },
        { orderBy: { dueOn: 'asc', id: 'asc' } },
      );
      return groupBy(ids, rows, (r) => r.sourceId);
    })
    .load(sourceId);
}

// ---- reports (G-1, G-3) ----

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

function mayReportFor(viewer: Viewer, item: OpinionItem): boolean {
  return viewer.role === 'HANDLER' && !!viewer.unit && viewer.unit === item.unitId;
}

/** G-3: the unit reports what it did: the unit's HANDLER, or staff of the region on its behalf. */
export async function reportOpinionItem(ctx: ServiceContext, itemId: string, on: string): Promise<OpinionItem> {
  const item = await findOrFail(
    () => ctx.em.findOne(OpinionItemSchema, { id: itemId }),
    'opinion item',
    itemId,
    'itemId',
  );
  const viewer = requireViewer(ctx.viewer);
  if (!mayReportFor(viewer, item)) {
    if (viewer.role === 'HANDLER') throw forbidden("A handler reports on their own unit's items only.");
    requireWriteIn(viewer, item.regionCode, 'report on opinion items');
  }
  requireNotFuture(ctx, on, 'on');
  requireTransition(opinionTransitions, item.status, 'REPORTED', 'The opinion item');
  item.status = 'REPORTED';
  item.reportedOn = on;
  await recordOpinionItemEvent(ctx, ctx.em, item, 'opinion-item.reported');
  await ctx.em.flush();
  ctx.loaders.clearAll();
  return item;
}

/** G-3: 销号 by the committee's staff, after the unit reported. */
export async function closeOpinionItem(ctx: ServiceContext, itemId: string, on: string): Promise<OpinionItem> {
  const item = await findOrFail(
    () => ctx.em.findOne(OpinionItemSchema, { id: itemId }),
    'opinion item',
    itemId,
    'itemId',
  );
  requireWriteIn(ctx.viewer, item.regionCode, 'close opinion items');
  requireNotFuture(ctx, on, 'on');
  requireTransition(opinionTransitions, item.status, 'CLOSED', 'The opinion item');
  if (item.reportedOn && on < item.reportedOn)
    throw badInput(`The item cannot close (${on}) before the unit reported (${item.reportedOn}).`, 'on');
  item.status = 'CLOSED';
  item.closedOn = on;
  await recordOpinionItemEvent(ctx, ctx.em, item, 'opinion-item.closed');
  await ctx.em.flush();
  ctx.loaders.clearAll();
  return item;
}

const reports = listQuery({
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

/** G-3: items past due and not closed, in a subtree (a HANDLER sees their own unit's). */
const opinionItemOrder = [
  { prop: 'dueOn', kind: 'date' },
  { prop: 'id', kind: 'id' },
] as const;

const overdueItems = listQuery({
  entity: OpinionItemSchema,
  order: opinionItemOrder,
  connectionField: 'overdueOpinionItemsConnection',
  where: (ctx: ServiceContext, regionCode: string) => {
    const scope = listScope(ctx.viewer, regionCode, 'Opinion items');
    const where: Record<string, unknown> = {
      regionCode: { $like: `${scope.prefix}%` },
      status: { $ne: 'CLOSED' },
      dueOn: { $lt: today(ctx.clock) },
    };
    if (scope.unitId) where.unitId = scope.unitId;
    return where;
  },
});
export const overdueOpinionItems = overdueItems.list;
export const overdueOpinionItemsConnection = overdueItems.page;

const opinionItems = listQuery({
  entity: OpinionItemSchema,
  order: opinionItemOrder,
  connectionField: 'opinionItemsConnection',
  where: (
    ctx: ServiceContext,
    regionCode: string,
    status: OpinionStatus | null | undefined,
    unitId: string | null | undefined,
  ) => {
    const scope = listScope(ctx.viewer, regionCode, 'Opinion items');
    if (unitId && !isId(unitId)) throw badInput(`${JSON.stringify(unitId)} is not an id.`, 'unitId');
    if (scope.unitId && unitId && unitId !== scope.unitId) return null;
    const where: Record<string, unknown> = { regionCode: { $like: `${scope.prefix}%` } };
    const unit = scope.unitId ?? unitId;
    if (unit) where.unitId = unit;
    if (status) where.status = status;
    return where;
  },
});
export const listOpinionItems = opinionItems.list;
export const opinionItemsConnection = opinionItems.page;

// ---- law-enforcement inspections (G-4) ----

/** Checks ids with the deputies subgraph (its `_entities`): BAD_USER_INPUT for malformed or unknown ids. */
export async function requireSiblingIds(
  ctx: ServiceContext,
  typename: 'Deputy' | 'CommitteeMember',
  ids: readonly string[],
  field: string,
): Promise<string[]> {
  const unique = [...new Set(ids)];
  for (const id of unique) if (!isId(id)) throw badInput(`${JSON.stringify(id)} is not an id.`, field);
  const found = await Promise.all(
    unique.map((id) => ctx.siblings.entity<{ id: string }>('deputies', typename, { id }, 'id')),
  );
  const missing = unique.filter((_, i) => !found[i]);
  if (missing.length)
    throw badInput(
      `No ${typename === 'Deputy' ? 'deputy' : 'committee member'} with id ${missing.map((m) => JSON.stringify(m)).join(', ')}.`,
      field,
    );
  return unique;
}

export interface InspectionInput {
  lawName: string;
  regionCode: string;
  startsOn: string;
  endsOn?: string | null;
  committeeMemberIds: readonly string[];
  deputyIds?: readonly string[] | null;
}

export async function startInspection(ctx: ServiceContext, input: InspectionInput): Promise<LawInspection> {
  const regionCode = requireRegionCode(input.regionCode, 'input.regionCode');
  requireWriteIn(ctx.viewer, regionCode, 'start law-enforcement inspections');
  const lawName = requireText(input.lawName, 'input.lawName', 200);
  requirePlausibleDate(input.startsOn, 'input.startsOn');
  if (input.endsOn) requirePlausibleDate(input.endsOn, 'input.endsOn');
  if (input.endsOn && input.endsOn < input.startsOn)
    throw badInput('`endsOn` may not be before `startsOn`.', 'input.endsOn');
  if (input.committeeMemberIds.length === 0)
    throw badInput('An inspection is led by at least one standing-committee member.', 'input.committeeMemberIds');
  const memberIds = await requireSiblingIds(
    ctx,
    'CommitteeMember',
    input.committeeMemberIds,
    'input.committeeMemberIds',
  );
  const deputyIds = await requireSiblingIds(ctx, 'Deputy', input.deputyIds ?? [], 'input.deputyIds');
  const inspection = ctx.em.create(LawInspectionSchema, {
    id: newId(),
    lawName,
    regionCode,
    startsOn: input.startsOn,
    endsOn: input.endsOn ?? null,
    findings: null,
  });
  for (const memberId of memberIds) ctx.em.create(InspectionMemberSchema, { inspectionId: inspection.id, memberId });
  for (const deputyId of deputyIds) ctx.em.create(InspectionDeputySchema, { inspectionId: inspection.id, deputyId });
  await ctx.em.flush();
  return inspection;
}

/** G-4: the inspection's report (findings) and the opinion items it assigns; recorded once. */
export async function addInspectionOpinions(
  ctx: ServiceContext,
  inspectionId: string,
  findings: string,
  items: readonly OpinionItemInput[],
): Promise<LawInspection> {
  const inspection = await findOrFail(
    () => ctx.em.findOne(LawInspectionSchema, { id: inspectionId }),
    'law inspection',
    inspectionId,
    'inspectionId',
  );
  requireWriteIn(ctx.viewer, inspection.regionCode, 'record inspection findings');
  const text = requireText(findings, 'findings', 20000);
  const checked = await checkItems(ctx, items, inspection.startsOn, 'items');
  if (inspection.findings !== null) throw conflict("This inspection's findings are already recorded.");
  inspection.findings = text;
  await createItems(ctx, 'INSPECTION', inspection.id, checked);
  await ctx.em.flush();
  ctx.loaders.clearAll();
  return inspection;
}

const inspections = listQuery({
  entity: LawInspectionSchema,
  order: [
    { prop: 'startsOn', kind: 'date' },
    { prop: 'id', kind: 'id' },
  ],
  connectionField: 'inspectionsConnection',
  where: (ctx: ServiceContext, regionCode: string, year: number | null | undefined) => {
    const scope = listScope(ctx.viewer, regionCode, 'Law-enforcement inspections');
    if (scope.unitId) return null;
    const where: Record<string, unknown> = { regionCode: { $like: `${scope.prefix}%` } };
    if (year !== null && year !== undefined) {
      const [from, to] = yearRange(requireYear(year));
      where.startsOn = { $gte: from, $lte: to };
    }
    return where;
  },
});
export const listInspections = inspections.list;
export const inspectionsConnection = inspections.page;

export function inspectionMembers(ctx: ServiceContext, inspectionId: string): Promise<IdRef[]> {
  return ctx.loaders
    .get<string, IdRef[]>('LawInspection.committeeMembers', async (ids) => {
      const rows = await ctx.em.find(
        InspectionMemberSchema,
        { inspectionId: { $in: [...ids] } },
        { orderBy: { memberId: 'asc' } },
      );
      return groupBy(ids, rows, (r) => r.inspectionId).map((list) => list.map((r) => ({ id: r.memberId })));
    })
    .load(inspectionId);
}

export function inspectionDeputies(ctx: ServiceContext, inspectionId: string): Promise<IdRef[]> {
  return ctx.loaders
    .get<string, IdRef[]>('LawInspection.deputies', async (ids) => {
      const rows = await ctx.em.find(
        InspectionDeputySchema,
        { inspectionId: { $in: [...ids] } },
        { orderBy: { deputyId: 'asc' } },
      );
      return groupBy(ids, rows, (r) => r.inspectionId).map((list) => list.map((r) => ({ id: r.deputyId })));
    })
    .load(inspectionId);
}

/**
 * Inspections a deputy or committee member took part in, batched over people in one join; each
 * inspection shows when the viewer reads its region, and a deputy always sees their own.
 */
export async function inspectionsOfPerson(
  ctx: ServiceContext,
  who: 'deputy' | 'member',
  personId: string,
  year: number | null | undefined,
): Promise<LawInspection[]> {
  const viewer = requireViewer(ctx.viewer);
  if (year !== null && year !== undefined) requireYear(year);
  const link =
    who === 'deputy'
      ? { table: 'supervision.inspection_deputies', column: 'deputy_id' }
      : { table: 'supervision.inspection_members', column: 'member_id' };
  const rows = await ctx.loaders
    .get<string, (LawInspection & { personId: string })[]>(`LawInspection.${who}@${year ?? '*'}`, async (ids) => {
      const valid = ids.filter(isId);
      if (!valid.length) return ids.map(() => []);
      const knex = ctx.em.getKnex();
      const query = knex(`${link.table} as l`)
        .join('supervision.law_inspections as i', 'i.id', 'l.inspection_id')
        .whereIn(`l.${link.column}`, valid)
        .select(
          `l.${link.column} as person_id`,
          'i.id',
          'i.law_name',
          'i.region_code',
          'i.starts_on',
          'i.ends_on',
          'i.findings',
        )
        .orderBy([{ column: 'i.starts_on' }, { column: 'i.id' }]);
      if (year !== null && year !== undefined) {
        const [from, to] = yearRange(year);
        void query.whereBetween('i.starts_on', [from, to]);
      }
      const found = (await query) as {
        person_id: string;
        id: string;
        law_name: string;
        region_code: string;
        starts_on: string | Date;
        ends_on: string | Date | null;
        findings: string | null;
      }[];
      const list = found.map((r) => ({
        personId: r.person_id,
        id: r.id,
        lawName: r.law_name,
        regionCode: r.region_code,
        startsOn: dateText(r.starts_on)!,
        endsOn: dateText(r.ends_on),
        findings: r.findings,
      }));
      return groupBy(ids, list, (r) => r.personId);
    })
    .load(personId);
  const own = viewer.role === 'DEPUTY' && who === 'deputy' && viewer.deputy === personId;
  return rows.filter((r) => own || canReadRecord(viewer, r)).map(({ personId: _, ...inspection }) => inspection);
}

/** Raw SQL returns dates as strings or Dates depending on the driver's parsers; the graph wants `YYYY-MM-DD`. */
function dateText(value: string | Date | null): string | null {
  if (value === null) return null;
  if (typeof value === 'string') return value.slice(0, 10);
  const y = value.getFullYear();
  return `${String(y).padStart(4, '0')}-${String(value.getMonth() + 1).padStart(2, '0')}-${String(value.getDate()).padStart(2, '0')}`;
}

// ---- work evaluations (G-4) ----

export async function startEvaluation(
  ctx: ServiceContext,
  input: { unitId: string; year: number; subject: string },
): Promise<WorkEvaluation> {
  const unit = await requireUnit(ctx, input.unitId, 'input.unitId');
  requireWriteIn(ctx.viewer, unit.regionCode, 'start work evaluations');
  const year = requireYear(input.year, 'input.year');
  const subject = requireText(input.subject, 'input.subject', 300);
  const evaluation = ctx.em.create(WorkEvaluationSchema, {
    id: newId(),
    unitId: unit.id,
    regionCode: unit.regionCode,
    year,
    subject,
    satisfied: null,
    basicallySatisfied: null,
    dissatisfied: null,
  });
  await ctx.em.flush();
  return evaluation;
}

/** G-4: the evaluation's satisfaction vote (once) and the opinion items it assigns. */
export async function recordEvaluationTally(
  ctx: ServiceContext,
  evaluationId: string,
  tally: Tally,
  items: readonly OpinionItemInput[] | null | undefined,
): Promise<WorkEvaluation> {
  const evaluation = await findOrFail(
    () => ctx.em.findOne(WorkEvaluationSchema, { id: evaluationId }),
    'work evaluation',
    evaluationId,
    'evaluationId',
  );
  requireWriteIn(ctx.viewer, evaluation.regionCode, 'record evaluation votes');
  const counts = requireTally(tally);
  const checked = await checkItems(ctx, items ?? [], `${evaluation.year}-01-01`, 'items');
  if (evaluation.satisfied !== null) throw conflict('This evaluation already has its satisfaction vote.');
  Object.assign(evaluation, counts);
  await createItems(ctx, 'EVALUATION', evaluation.id, checked);
  await ctx.em.flush();
  ctx.loaders.clearAll();
  return evaluation;
}

const evaluations = listQuery({
  entity: WorkEvaluationSchema,
  order: [
    { prop: 'year', kind: 'int' },
    { prop: 'id', kind: 'id' },
  ],
  connectionField: 'evaluationsConnection',
  where: (ctx: ServiceContext, regionCode: string, year: number | null | undefined) => {
    const scope = listScope(ctx.viewer, regionCode, 'Work evaluations');
    const where: Record<string, unknown> = { regionCode: { $like: `${scope.prefix}%` } };
    if (scope.unitId) where.unitId = scope.unitId;
    if (year !== null && year !== undefined) where.year = requireYear(year);
    return where;
  },
});
export const listEvaluations = evaluations.list;
export const evaluationsConnection = evaluations.page;
