import { badInput, conflict } from '@renda/errors/errors';
import { requireWriteIn } from '@renda/auth/guards';
import { newId, isId } from '@renda/db/ids';
import { knexTable, sqlTable } from '@renda/db/tables';
import type { ServiceContext } from '@renda/server-kit/context';
import { childrenLoader, entityLoader, groupBy } from '@renda/server-kit/loaders';
import { today } from '@renda/server-kit/dates';
import { decodeCursor, listQuery, pageSize, toConnection, type Connection } from '@renda/server-kit/pagination';
import {
  parentRegionCode,
  regionLevelOf,
  requirePositiveInt,
  requireRegionCode,
  requireText,
  requireYear,
  yearRange,
} from '@renda/server-kit/validate';
import {
  CongressSchema,
  CongressSessionSchema,
  RegionSchema,
  type Congress,
  type CongressSession,
  type Region,
  type RegionLevel,
} from './region.entity.ts';

/**
 * D-1: a region known by code, as an entity reference. Other subgraphs keep figures for codes that
 * fit the pattern but are not registered here yet (new regions appear every year): those resolve,
 * named by their code until someone registers them.
 */
export function regionFromCode(code: string, row: Region | null): Region | null {
  if (row) return row;
  const level = regionLevelOf(code);
  if (!level) return null;
  return { code, name: code, level, parentCode: parentRegionCode(code) };
}

export function regionLoader(ctx: ServiceContext) {
  const rows = entityLoader<Region>(ctx, RegionSchema, 'code', (k) => regionLevelOf(k) !== null);
  return {
    load: async (code: string) => regionFromCode(code, await rows.load(code)),
  };
}

/** D-1: the root `region(code)`: a registered region, or null; a malformed code is BAD_USER_INPUT. */
export async function registeredRegion(ctx: ServiceContext, code: string): Promise<Region | null> {
  const checked = requireRegionCode(code, 'code');
  return entityLoader<Region>(ctx, RegionSchema, 'code', (k) => regionLevelOf(k) !== null).load(checked);
}

export async function createRegion(
  ctx: ServiceContext,
  input: { code: string; name: string; level: RegionLevel },
): Promise<Region> {
  const code = requireRegionCode(input.code, 'input.code');
  const name = requireText(input.name, 'input.name', 100);
  const level = regionLevelOf(code)!;
  if (level !== input.level) {
    throw badInput(`A ${code.length}-digit code is a ${level} region, not ${input.level}.`, 'input.level');
  }
  requireWriteIn(ctx.viewer, code, 'register regions');
  const parentCode = parentRegionCode(code);
  if (parentCode && !(await ctx.em.findOne(RegionSchema, { code: parentCode }))) {
    throw badInput(`Register the parent region ${parentCode} before ${code}.`, 'input.code');
  }
  if (await ctx.em.findOne(RegionSchema, { code })) throw conflict(`Region ${code} is already registered.`);
  const region = ctx.em.create(RegionSchema, { code, name, level, parentCode });
  await ctx.em.flush();
  return region;
}

export function childrenOf(ctx: ServiceContext, code: string): Promise<Region[]> {
  return ctx.loaders
    .get<string, Region[]>('Region.children', async (codes) => {
      const rows = await ctx.em.find(RegionSchema, { parentCode: { $in: [...codes] } }, { orderBy: { code: 'asc' } });
      return groupBy(codes, rows, (r) => r.parentCode!);
    })
    .load(code);
}

/** `regions`: children of a region, or every region of a level (Hunan has some 1,960 townships), by code. */
const regions = listQuery({
  entity: RegionSchema,
  order: [{ prop: 'code', kind: 'code' }],
  connectionField: 'regionsConnection',
  where: (_ctx: ServiceContext, parentCode: string | null | undefined, level: RegionLevel | null | undefined) => {
    const where: Record<string, unknown> = {};
    if (parentCode) where.parentCode = requireRegionCode(parentCode, 'parentCode');
    else if (!level) where.parentCode = null;
    if (level) where.level = level;
    return where;
  },
});
export const listRegions = regions.list;
export const regionsConnection = regions.page;

export const congressLoader = (ctx: ServiceContext) => entityLoader<Congress>(ctx, CongressSchema, 'id', isId);
export const sessionLoader = (ctx: ServiceContext) =>
  entityLoader<CongressSession>(ctx, CongressSessionSchema, 'id', isId);

/** A congress named in input: BAD_USER_INPUT when it does not exist. */
export async function requireCongress(ctx: ServiceContext, id: string, field: string): Promise<Congress> {
  const congress = await congressLoader(ctx).load(id);
  if (!congress) throw badInput(`No congress with id ${JSON.stringify(id)}.`, field);
  return congress;
}

export async function createCongress(
  ctx: ServiceContext,
  input: { regionCode: string; termNumber: number; name: string; startsOn: string; endsOn?: string | null },
  /** Internal (not in the SDL): the fixed id a demo seed gives the record. */
  { id = newId() }: { id?: string } = {},
): Promise<Congress> {
  const regionCode = requireRegionCode(input.regionCode, 'input.regionCode');
  requireWriteIn(ctx.viewer, regionCode, 'create congresses');
  if (isStreetOffice(regionCode)) {
    throw badInput(
      `${regionCode} is a street office (街道), which has a working committee of the county congress, not a congress of its own.`,
      'input.regionCode',
    );
  }
  const termNumber = requirePositiveInt(input.termNumber, 'input.termNumber');
  const name = requireText(input.name, 'input.name', 200);
  if (input.endsOn && input.endsOn <= input.startsOn)
    throw badInput('`endsOn` must be after `startsOn`.', 'input.endsOn');
  if (await ctx.em.findOne(CongressSchema, { regionCode, termNumber })) {
    throw conflict(`Region ${regionCode} already has a congress of term ${termNumber}.`);
  }
  const congress = ctx.em.create(CongressSchema, {
    id,
    regionCode,
    level: regionLevelOf(regionCode)!,
    termNumber,
    name,
    startsOn: input.startsOn,
    endsOn: input.endsOn ?? null,
  });
  await ctx.em.flush();
  return congress;
}

export async function createSession(
  ctx: ServiceContext,
  input: { congressId: string; number: number; opensOn: string; closesOn: string },
  /** Internal (not in the SDL): the fixed id a demo seed gives the record. */
  { id = newId() }: { id?: string } = {},
): Promise<CongressSession> {
  const congress = await requireCongress(ctx, input.congressId, 'input.congressId');
  requireWriteIn(ctx.viewer, congress.regionCode, 'create congress sessions');
  const number = requirePositiveInt(input.number, 'input.number');
  if (input.closesOn < input.opensOn) throw badInput('`closesOn` may not be before `opensOn`.', 'input.closesOn');
  if (input.opensOn < congress.startsOn || (congress.endsOn && input.opensOn > congress.endsOn)) {
    throw badInput(
      `The session must open within the term (${congress.startsOn} to ${congress.endsOn ?? 'open'}).`,
      'input.opensOn',
    );
  }
  if (await ctx.em.findOne(CongressSessionSchema, { congressId: congress.id, number })) {
    throw conflict(`This congress already has session ${number}.`);
  }
  const session = ctx.em.create(CongressSessionSchema, {
    id,
    congressId: congress.id,
    regionCode: congress.regionCode,
    number,
    opensOn: input.opensOn,
    closesOn: input.closesOn,
  });
  await ctx.em.flush();
  return session;
}

export function sessionsOf(ctx: ServiceContext, congressId: string): Promise<CongressSession[]> {
  return childrenLoader<CongressSession>(ctx, CongressSessionSchema, 'congressId', { number: 'asc' }).load(congressId);
}

/** The congress of `regionCode` whose term covers `on` (default: today in Asia/Shanghai). */
export function currentCongressOf(
  ctx: ServiceContext,
  regionCode: string,
  on: string | null | undefined,
): Promise<Congress | null> {
  const date = on ?? today(ctx.clock);
  return ctx.loaders
    .get<string, Congress | null>(`Region.currentCongress@${date}`, async (codes) => {
      const rows = await ctx.em.find(
        CongressSchema,
        {
          regionCode: { $in: [...codes] },
          startsOn: { $lte: date },
          $or: [{ endsOn: null }, { endsOn: { $gte: date } }],
        },
        { orderBy: { termNumber: 'desc' } },
      );
      return groupBy(codes, rows, (r) => r.regionCode).map((list) => list[0] ?? null);
    })
    .load(regionCode);
}

/**
 * D-2: in the national division codes, a township-level code's last three digits tell its kind:
 * 001–099 a street office (街道, no congress), 100–199 a town (镇), 200–399 a township (乡).
 */
export function isStreetOffice(code: string): boolean {
  if (code.length !== 9) return false;
  const serial = Number(code.slice(6));
  return serial >= 1 && serial <= 99;
}

/** D-2 (law): a township congress meets at least twice a year (一年两会). */
export const townshipSessionsPerYear = 2;

/** Sessions of each congress opening in `year`, batched per request. */
export function sessionCount(ctx: ServiceContext, congressId: string, year: number): Promise<number> {
  requireYear(year);
  const [from, to] = yearRange(year);
  return ctx.loaders
    .get<string, number>(`Congress.sessionCount.${year}`, async (ids) => {
      const rows: { congress_id: string; n: string }[] = await ctx.em
        .getKnex()(knexTable(ctx.em, CongressSessionSchema))
        .select('congress_id')
        .count('* as n')
        .whereIn('congress_id', [...ids])
        .andWhereBetween('opens_on', [from, to])
        .groupBy('congress_id');
      const counts = new Map(rows.map((r) => [r.congress_id, Number(r.n)]));
      return ids.map((id) => counts.get(id) ?? 0);
    })
    .load(congressId);
}

/** D-2: township congresses of a subtree in office during `year` with fewer than two sessions opening in it. */
export async function townshipCongressesShortOfSessions(
  ctx: ServiceContext,
  regionCode: string,
  year: number,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Connection<Congress>> {
  const code = requireRegionCode(regionCode, 'regionCode');
  requireYear(year);
  const limit = pageSize(first);
  const afterId = decodeCursor(after);
  if (afterId !== null && !isId(afterId))
    throw badInput(
      '`after` is not a cursor this API issued; use a `cursor` or `endCursor` from an earlier page.',
      'after',
    );
  const [from, to] = yearRange(year);
  const knex = ctx.em.getKnex();
  const short = knex(`${knexTable(ctx.em, CongressSchema)} as c`)
    .where('c.level', 'TOWNSHIP')
    .andWhere('c.region_code', 'like', `${code}%`)
    .andWhere('c.starts_on', '<=', to)
    .andWhere((q) => void q.whereNull('c.ends_on').orWhere('c.ends_on', '>=', from))
    .andWhereRaw(
      `(select count(*) from ${sqlTable(ctx.em, CongressSessionSchema)} s where s.congress_id = c.id and s.opens_on between ? and ?) < ?`,
      [from, to, townshipSessionsPerYear],
    );
  const [{ count }] = (await short.clone().count<{ count: string }[]>('* as count')) as [{ count: string }];
  const page = short
    .clone()
    .select('c.id')
    .orderBy('c.id', 'asc')
    .limit(limit + 1);
  if (afterId) page.andWhere('c.id', '>', afterId);
  const ids = ((await page) as { id: string }[]).map((r) => r.id);
  const rows = await Promise.all(ids.map((id) => congressLoader(ctx).load(id)));
  return toConnection(
    rows.filter((c): c is Congress => c !== null),
    limit,
    Number(count),
    (c) => c.id,
    afterId !== null,
  );
}
