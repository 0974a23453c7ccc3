import { badInput, conflict, notFound } from '@renda/errors/errors';
import { requireWriteIn } from '@renda/auth/guards';
import { newId, isId } from '@renda/db/ids';
import type { ServiceContext } from '@renda/server-kit/context';
import { childrenLoader, entityLoader, groupBy } from '@renda/server-kit/loaders';
import { today } from '@renda/server-kit/dates';
import { parentRegionCode, regionLevelOf, requirePositiveInt, requireRegionCode, requireText } from '@renda/server-kit/validate';
import { CongressSchema, CongressSessionSchema, RegionSchema, type Congress, type CongressSession, type Region, type RegionLevel } from './region.entity.ts';

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

export async function createRegion(ctx: ServiceContext, input: { code: string; name: string; level: RegionLevel }): Promise<Region> {
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

export async function listRegions(ctx: ServiceContext, parentCode: string | null | undefined, level: RegionLevel | null | undefined): Promise<Region[]> {
  const where: Record<string, unknown> = {};
  if (parentCode) where.parentCode = requireRegionCode(parentCode, 'parentCode');
  else if (!level) where.parentCode = null;
  if (level) where.level = level;
  return ctx.em.find(RegionSchema, where, { orderBy: { code: 'asc' }, limit: 1000 });
}

export const congressLoader = (ctx: ServiceContext) => entityLoader<Congress>(ctx, CongressSchema, 'id', isId);
export const sessionLoader = (ctx: ServiceContext) => entityLoader<CongressSession>(ctx, CongressSessionSchema, 'id', isId);

/** A congress named in input: BAD_USER_INPUT when it does not exist. */
export async function requireCongress(ctx: ServiceContext, id: string, field: string): Promise<Congress> {
  const congress = await congressLoader(ctx).load(id);
  if (!congress) throw badInput(`No congress with id ${JSON.stringify(id)}.`, field);
  return congress;
}

export async function createCongress(
  ctx: ServiceContext,
  input: { regionCode: string; termNumber: number; name: string; startsOn: string; endsOn?: string | null },
): Promise<Congress> {
  const regionCode = requireRegionCode(input.regionCode, 'input.regionCode');
  requireWriteIn(ctx.viewer, regionCode, 'create congresses');
  const termNumber = requirePositiveInt(input.termNumber, 'input.termNumber');
  const name = requireText(input.name, 'input.name', 200);
  if (input.endsOn && input.endsOn <= input.startsOn) throw badInput('`endsOn` must be after `startsOn`.', 'input.endsOn');
  if (await ctx.em.findOne(CongressSchema, { regionCode, termNumber })) {
    throw conflict(`Region ${regionCode} already has a congress of term ${termNumber}.`);
  }
  const congress = ctx.em.create(CongressSchema, {
    id: newId(),
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

export async function createSession(ctx: ServiceContext, input: { congressId: string; number: number; opensOn: string; closesOn: string }): Promise<CongressSession> {
  const congress = await requireCongress(ctx, input.congressId, 'input.congressId');
  requireWriteIn(ctx.viewer, congress.regionCode, 'create congress sessions');
  const number = requirePositiveInt(input.number, 'input.number');
  if (input.closesOn < input.opensOn) throw badInput('`closesOn` may not be before `opensOn`.', 'input.closesOn');
  if (input.opensOn < congress.startsOn || (congress.endsOn && input.opensOn > congress.endsOn)) {
    throw badInput(`The session must open within the term (${congress.startsOn} to ${congress.endsOn ?? 'open'}).`, 'input.opensOn');
  }
  if (await ctx.em.findOne(CongressSessionSchema, { congressId: congress.id, number })) {
    throw conflict(`This congress already has session ${number}.`);
  }
  const session = ctx.em.create(CongressSessionSchema, {
    id: newId(),
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
export function currentCongressOf(ctx: ServiceContext, regionCode: string, on: string | null | undefined): Promise<Congress | null> {
  const date = on ?? today(ctx.clock);
  return ctx.loaders
    .get<string, Congress | null>(`Region.currentCongress@${date}`, async (codes) => {
      const rows = await ctx.em.find(
        CongressSchema,
        { regionCode: { $in: [...codes] }, startsOn: { $lte: date }, $or: [{ endsOn: null }, { endsOn: { $gte: date } }] },
        { orderBy: { termNumber: 'desc' } },
      );
      return groupBy(codes, rows, (r) => r.regionCode).map((list) => list[0] ?? null);
    })
    .load(regionCode);
}

export async function findCongress(ctx: ServiceContext, id: string): Promise<Congress> {
  const congress = await congressLoader(ctx).load(id);
  if (!congress) throw notFound('congress', id);
  return congress;
}
