import { badInput, forbidden, notFound, unauthenticated } from '@renda/errors/errors';
import { canReadRegion, requireWriteIn } from '@renda/auth/guards';
import { isId, newId } from '@renda/db/ids';
import type { ServiceContext } from '@renda/server-kit/context';
import { listQuery } from '@renda/server-kit/pagination';
import { entityLoader } from '@renda/server-kit/loaders';
import { requireRegionCode, requireText, requireYear, yearRange } from '@renda/server-kit/validate';
import { requireNotFuture } from '../common/dates.ts';
import { checkItems, createItems, itemsOfSource, type OpinionItemInput } from '../opinions/opinions.service.ts';
import { ResolutionSchema, type Resolution, type ResolutionKind } from './resolution.entity.ts';

export const resolutionLoader = (ctx: ServiceContext) => entityLoader<Resolution>(ctx, ResolutionSchema, 'id', isId);

/** Resolutions are read by staff, analysts and admins of their region (their tasks also by the units' handlers). */
export function readableResolution(ctx: ServiceContext, resolution: Resolution | null): Resolution | null {
  return resolution && canReadRegion(ctx.viewer, resolution.regionCode) ? resolution : null;
}

/** The tasks must be given to units of the resolution's region or below it. */
function requireTasksIn(
  resolution: Pick<Resolution, 'regionCode'>,
  checked: { unit: { regionCode: string } }[],
  field: string,
): void {
  checked.forEach((task, i) => {
    if (!task.unit.regionCode.startsWith(resolution.regionCode)) {
      throw badInput(
        `${field}[${i}].unitId is a unit outside region ${resolution.regionCode}.`,
        `${field}[${i}].unitId`,
      );
    }
  });
}

export interface AdoptResolutionInput {
  regionCode: string;
  kind: ResolutionKind;
  title: string;
  adoptedOn: string;
  tasks: OpinionItemInput[];
}

/**
 * G-1: a resolution or decision of the congress is recorded with its tasks (unit, due date, content),
 * each an opinion item (source RESOLUTION) that the unit reports on and the committee closes (销号),
 * with the checklist's state machine. Everything is checked before anything is written. `internal.id` (not in
 * the SDL) is for the demo seed, whose resolution tests name.
 */
export async function adoptResolution(
  ctx: ServiceContext,
  input: AdoptResolutionInput,
  internal: { id?: string } = {},
): Promise<Resolution> {
  const regionCode = requireRegionCode(input.regionCode, 'input.regionCode');
  requireWriteIn(ctx.viewer, regionCode, 'record resolutions');
  const title = requireText(input.title, 'input.title', 300);
  requireNotFuture(ctx, input.adoptedOn, 'input.adoptedOn');
  if (!input.tasks.length)
    throw badInput('A resolution is tracked through its tasks: name at least one.', 'input.tasks');
  const checked = await checkItems(ctx, input.tasks, input.adoptedOn, 'input.tasks');
  requireTasksIn({ regionCode }, checked, 'input.tasks');
  const resolution = ctx.em.create(ResolutionSchema, {
    id: internal.id ?? newId(),
    regionCode,
    kind: input.kind,
    title,
    adoptedOn: input.adoptedOn,
  });
  await createItems(ctx, 'RESOLUTION', resolution.id, checked);
  await ctx.em.flush();
  ctx.loaders.clearAll();
  return resolution;
}

/** G-1: further tasks of a resolution (e.g. split out later). */
export async function addResolutionTasks(
  ctx: ServiceContext,
  resolutionId: string,
  tasks: OpinionItemInput[],
): Promise<Resolution> {
  if (!isId(resolutionId)) throw badInput(`${JSON.stringify(resolutionId)} is not an id.`, 'resolutionId');
  const resolution = await resolutionLoader(ctx).load(resolutionId);
  if (!resolution) throw notFound('resolution', resolutionId, 'resolutionId');
  requireWriteIn(ctx.viewer, resolution.regionCode, 'add resolution tasks');
  if (!tasks.length) throw badInput('Name at least one task.', 'tasks');
  const checked = await checkItems(ctx, tasks, resolution.adoptedOn, 'tasks');
  requireTasksIn(resolution, checked, 'tasks');
  await createItems(ctx, 'RESOLUTION', resolution.id, checked);
  await ctx.em.flush();
  ctx.loaders.clearAll();
  return resolution;
}

/** Resolutions of a subtree adopted in a year (all years when omitted), by date. */
const resolutions = listQuery({
  entity: ResolutionSchema,
  order: [
    { prop: 'adoptedOn', kind: 'date' },
    { prop: 'id', kind: 'id' },
  ],
  connectionField: 'resolutionsConnection',
  where: (ctx: ServiceContext, regionCode: string, year: number | null | undefined) => {
    const code = requireRegionCode(regionCode, 'regionCode');
    if (!ctx.viewer) throw unauthenticated('Resolutions are read by staff, analysts and admins: sign in.');
    if (!canReadRegion(ctx.viewer, code)) throw forbidden(`You may not read the resolutions of region ${code}.`);
    const where: Record<string, unknown> = { regionCode: { $like: `${code}%` } };
    if (year != null) {
      const [from, to] = yearRange(requireYear(year));
      where.adoptedOn = { $gte: from, $lte: to };
    }
    return where;
  },
});
export const listResolutions = resolutions.list;
export const resolutionsConnection = resolutions.page;

/** 落实: every task closed; false while any task is open or reported, and for a resolution without tasks. */
export async function isCarriedOut(ctx: ServiceContext, resolutionId: string): Promise<boolean> {
  const tasks = await itemsOfSource(ctx, resolutionId);
  return tasks.length > 0 && tasks.every((t) => t.status === 'CLOSED');
}
