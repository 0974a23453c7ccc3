import { badInput, conflict, notFound } from '@renda/errors/errors';
import { requireWriteIn } from '@renda/auth/guards';
import { isId, newId } from '@renda/db/ids';
import type { ServiceContext } from '@renda/server-kit/context';
import { listQuery } from '@renda/server-kit/pagination';
import { currentYear } from '@renda/server-kit/dates';
import { entityLoader, groupBy } from '@renda/server-kit/loaders';
import { requireRegionCode, requireText, requireYear } from '@renda/server-kit/validate';
import { canReadRecord, requireRecordReader } from '../common/access.ts';
import { requireTally } from '../common/tally.ts';
import type { Tally } from '../common/tally.ts';
import {
  GovernmentUnitSchema,
  OfficialSchema,
  PerformanceReviewSchema,
  type GovernmentUnit,
  type Official,
  type PerformanceReview,
  type UnitKind,
} from './unit.entity.ts';

export const unitLoader = (ctx: ServiceContext) => entityLoader<GovernmentUnit>(ctx, GovernmentUnitSchema, 'id', isId);
export const officialLoader = (ctx: ServiceContext) => entityLoader<Official>(ctx, OfficialSchema, 'id', isId);

/** A unit named in input: BAD_USER_INPUT when the id is malformed or unknown. */
export async function requireUnit(ctx: ServiceContext, id: string, field: string): Promise<GovernmentUnit> {
  if (!isId(id)) throw badInput(`${JSON.stringify(id)} is not an id.`, field);
  const unit = await unitLoader(ctx).load(id);
  if (!unit) throw badInput(`No government unit with id ${JSON.stringify(id)}.`, field);
  return unit;
}

/** An official named in input: BAD_USER_INPUT when the id is malformed or unknown. */
export async function requireOfficial(ctx: ServiceContext, id: string, field: string): Promise<Official> {
  if (!isId(id)) throw badInput(`${JSON.stringify(id)} is not an id.`, field);
  const official = await officialLoader(ctx).load(id);
  if (!official) throw badInput(`No official with id ${JSON.stringify(id)}.`, field);
  return official;
}

/**
 * D-1: a unit of a region; its parent is a unit of the same region or of one above it. `internal.id` (not in the
 * SDL) is for the demo seed, whose unit ids other services' demo data name.
 */
export async function createUnit(
  ctx: ServiceContext,
  input: { regionCode: string; name: string; kind: UnitKind; parentId?: string | null },
  internal: { id?: string } = {},
): Promise<GovernmentUnit> {
  const regionCode = requireRegionCode(input.regionCode, 'input.regionCode');
  requireWriteIn(ctx.viewer, regionCode, 'register government units');
  const name = requireText(input.name, 'input.name', 200);
  let parentId: string | null = null;
  if (input.parentId) {
    const parent = await requireUnit(ctx, input.parentId, 'input.parentId');
    if (!regionCode.startsWith(parent.regionCode)) {
      throw badInput(
        `The parent ${parent.name} belongs to region ${parent.regionCode}, which does not contain ${regionCode}.`,
        'input.parentId',
      );
    }
    parentId = parent.id;
  }
  if (await ctx.em.findOne(GovernmentUnitSchema, { regionCode, name }))
    throw conflict(`Region ${regionCode} already has a unit named ${name}.`);
  const unit = ctx.em.create(GovernmentUnitSchema, {
    id: internal.id ?? newId(),
    regionCode,
    name,
    kind: input.kind,
    parentId,
  });
  await ctx.em.flush();
  return unit;
}

/** Units of a region subtree (public). */
const units = listQuery({
  entity: GovernmentUnitSchema,
  order: [
    { prop: 'regionCode', kind: 'code' },
    { prop: 'name', kind: 'text' },
    { prop: 'id', kind: 'id' },
  ],
  connectionField: 'unitsConnection',
  where: (_ctx: ServiceContext, regionCode: string, kind: UnitKind | null | undefined) => {
    const code = requireRegionCode(regionCode, 'regionCode');
    return { regionCode: { $like: `${code}%` }, ...(kind ? { kind } : {}) };
  },
});
export const listUnits = units.list;
export const unitsConnection = units.page;

/** Units whose region is exactly `code`, batched over regions (public). */
export function unitsOfRegion(ctx: ServiceContext, code: string): Promise<GovernmentUnit[]> {
  return ctx.loaders
    .get<string, GovernmentUnit[]>('Region.units', async (codes) => {
      const rows = await ctx.em.find(
        GovernmentUnitSchema,
        { regionCode: { $in: [...codes] } },
        { orderBy: { name: 'asc' } },
      );
      return groupBy(codes, rows, (r) => r.regionCode);
    })
    .load(code);
}

/**
 * Officials of a unit, batched. Names and positions are public (任免 are announced), but the public
 * sees only those in office or appointed; readers of the region also see removed officials.
 */
export async function officialsOf(ctx: ServiceContext, unit: GovernmentUnit): Promise<Official[]> {
  const rows = await ctx.loaders
    .get<string, Official[]>('GovernmentUnit.officials', async (ids) => {
      const list = await ctx.em.find(OfficialSchema, { unitId: { $in: [...ids] } }, { orderBy: { name: 'asc' } });
      return groupBy(ids, list, (r) => r.unitId);
    })
    .load(unit.id);
  return canReadRecord(ctx.viewer, { regionCode: unit.regionCode, unitId: unit.id })
    ? rows
    : rows.filter((o) => o.status !== 'REMOVED');
}

/** 任后监督 reviews of an official, batched; for readers of the official's region and the unit's handler. */
export async function reviewsOf(ctx: ServiceContext, official: Official): Promise<PerformanceReview[]> {
  requireRecordReader(ctx.viewer, official, "Officials' performance reviews");
  return ctx.loaders
    .get<string, PerformanceReview[]>('Official.reviews', async (ids) => {
      const list = await ctx.em.find(
        PerformanceReviewSchema,
        { officialId: { $in: [...ids] } },
        { orderBy: { year: 'asc' } },
      );
      return groupBy(ids, list, (r) => r.officialId);
    })
    .load(official.id);
}

/** G-6: an appointed official reports on their duties each year and the committee rates the report. */
export async function recordPerformanceReview(
  ctx: ServiceContext,
  officialId: string,
  year: number,
  reportSummary: string,
  tally: Tally,
): Promise<Official> {
  if (!isId(officialId)) throw badInput(`${JSON.stringify(officialId)} is not an id.`, 'officialId');
  const official = await officialLoader(ctx).load(officialId);
  if (!official) throw notFound('official', officialId, 'officialId');
  requireWriteIn(ctx.viewer, official.regionCode, 'record performance reviews');
  requireYear(year);
  if (year > currentYear(ctx.clock)) throw badInput(`A review is of a year's work: ${year} has not begun.`, 'year');
  const summary = requireText(reportSummary, 'reportSummary', 4000);
  const counts = requireTally(tally);
  if (official.status === 'REMOVED')
    throw conflict(`${official.name} has been removed; reviews are for officials appointed or in office.`);
  if (official.appointedOn && year < Number(official.appointedOn.slice(0, 4))) {
    throw badInput(
      `${official.name} was appointed in ${official.appointedOn.slice(0, 4)}; a review is for a year after the appointment.`,
      'year',
    );
  }
  if (await ctx.em.findOne(PerformanceReviewSchema, { officialId: official.id, year }))
    throw conflict(`${official.name} already has a review for ${year}.`);
  ctx.em.create(PerformanceReviewSchema, {
    officialId: official.id,
    year,
    regionCode: official.regionCode,
    reportSummary: summary,
    ...counts,
  });
  await ctx.em.flush();
  ctx.loaders.clearAll();
  return official;
}

/**
 * An official by id for `Query.official` and `_entities`: as in `GovernmentUnit.officials`, the
 * public (and readers outside the region) see officials appointed or in office, not removed ones.
 */
export async function findOfficial(ctx: ServiceContext, id: string): Promise<Official | null> {
  const official = await officialLoader(ctx).load(id);
  if (!official) return null;
  return official.status !== 'REMOVED' || canReadRecord(ctx.viewer, official) ? official : null;
}

/** A unit by id for `Query.unit` (public). */
export function findUnit(ctx: ServiceContext, id: string): Promise<GovernmentUnit | null> {
  return unitLoader(ctx).load(id);
}

/** The unit of a record; it always exists (units are never deleted). */
export async function unitOf(ctx: ServiceContext, unitId: string): Promise<GovernmentUnit> {
  const unit = await unitLoader(ctx).load(unitId);
  if (!unit) throw notFound('government unit', unitId);
  return unit;
}
