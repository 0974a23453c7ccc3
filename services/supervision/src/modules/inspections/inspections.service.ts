import { requireViewer, requireWriteIn } from '@renda/auth/guards';
import { isId, newId } from '@renda/db/ids';
import { knexTable } from '@renda/db/tables';
import { badInput, conflict } from '@renda/errors/errors';
import type { ServiceContext } from '@renda/server-kit/context';
import { entityLoader, groupBy } from '@renda/server-kit/loaders';
import { listQuery } from '@renda/server-kit/pagination';
import { requireRegionCode, requireText, requireYear, yearRange } from '@renda/server-kit/validate';
import { canReadRecord, listScope } from '../common/access.ts';
import { requirePlausibleDate } from '../common/dates.ts';
import { findOrFail } from '../common/find.ts';
import type { IdRef } from '../common/refs.ts';
import { type OpinionItemInput, checkItems, createItems } from '../opinions/opinions.service.ts';
import {
  InspectionDeputySchema,
  InspectionMemberSchema,
  type LawInspection,
  LawInspectionSchema,
} from './inspection.entity.ts';

export const inspectionLoader = (ctx: ServiceContext) =>
  entityLoader<LawInspection>(ctx, LawInspectionSchema, 'id', isId);

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

export const inspections = listQuery({
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
      ? { table: knexTable(ctx.em, InspectionDeputySchema), column: 'deputy_id' }
      : { table: knexTable(ctx.em, InspectionMemberSchema), column: 'member_id' };
  const rows = await ctx.loaders
    .get<string, (LawInspection & { personId: string })[]>(`LawInspection.${who}@${year ?? '*'}`, async (ids) => {
      const valid = ids.filter(isId);
      if (!valid.length) return ids.map(() => []);
      const knex = ctx.em.getKnex();
      const query = knex(`${link.table} as l`)
        .join(`${knexTable(ctx.em, LawInspectionSchema)} as i`, 'i.id', 'l.inspection_id')
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
