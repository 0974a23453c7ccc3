import { requireWriteIn } from '@renda/auth/guards';
import { isId, newId } from '@renda/db/ids';
import { badInput } from '@renda/errors/errors';
import type { ServiceContext } from '@renda/server-kit/context';
import { entityLoader } from '@renda/server-kit/loaders';
import { listQuery } from '@renda/server-kit/pagination';
import { requireText, requireYear } from '@renda/server-kit/validate';
import { listScope } from '../common/access.ts';
import { requireNotFuture } from '../common/dates.ts';
import { findById } from '../common/find.ts';
import { type Transitions, requireTransition } from '../common/transitions.ts';
import { requireUnit } from '../units/units.service.ts';
import { type MajorMatter, MajorMatterSchema, type MajorMatterStatus } from './major-matter.entity.ts';

/** G-1: a major matter is reported, then decided; deciding unreported is recorded, not hidden. */
export const majorMatterTransitions: Transitions<MajorMatterStatus> = {
  PLANNED: ['REPORTED', 'DECIDED'],
  REPORTED: ['DECIDED'],
  DECIDED: [],
};

export const majorMatterLoader = (ctx: ServiceContext) => entityLoader<MajorMatter>(ctx, MajorMatterSchema, 'id', isId);

/**
 * G-1 报告在先, the one definition: null until decided; then whether the matter was reported to the standing
 * committee before the decision (a decision never precedes its report: `decideMajorMatter`). Evaluated when
 * the decision is recorded and stored as `reported_before_decision`; the `reportedBeforeDecision` field and
 * the figures (`supervisionStats`, `supervisionFigures`) read the stored fact.
 */
export function reportedBeforeDecision(matter: Pick<MajorMatter, 'status' | 'reportedOn'>): boolean | null {
  if (matter.status !== 'DECIDED') return null;
  return matter.reportedOn !== null;
}

/** G-1: a major matter enters the year's list, PLANNED. */
export async function registerMajorMatter(
  ctx: ServiceContext,
  input: { title: string; unitId: string; year: number },
): Promise<MajorMatter> {
  const unit = await requireUnit(ctx, input.unitId, 'input.unitId');
  requireWriteIn(ctx.viewer, unit.regionCode, 'list major matters');
  const title = requireText(input.title, 'input.title', 300);
  const year = requireYear(input.year, 'input.year');
  const matter = ctx.em.create(MajorMatterSchema, {
    id: newId(),
    title,
    unitId: unit.id,
    regionCode: unit.regionCode,
    year,
    status: 'PLANNED',
    reportedOn: null,
    decidedOn: null,
    reportedBeforeDecision: null,
  });
  await ctx.em.flush();
  return matter;
}

export async function reportMajorMatter(ctx: ServiceContext, id: string, on: string): Promise<MajorMatter> {
  const matter = await findById(ctx, MajorMatterSchema, 'major matter', id, 'id');
  requireWriteIn(ctx.viewer, matter.regionCode, 'record major-matter reports');
  requireNotFuture(ctx, on, 'on');
  requireTransition(majorMatterTransitions, matter.status, 'REPORTED', 'The major matter');
  matter.status = 'REPORTED';
  matter.reportedOn = on;
  await ctx.em.flush();
  ctx.loaders.clearAll();
  return matter;
}

export async function decideMajorMatter(ctx: ServiceContext, id: string, on: string): Promise<MajorMatter> {
  const matter = await findById(ctx, MajorMatterSchema, 'major matter', id, 'id');
  requireWriteIn(ctx.viewer, matter.regionCode, 'record major-matter decisions');
  requireNotFuture(ctx, on, 'on');
  requireTransition(majorMatterTransitions, matter.status, 'DECIDED', 'The major matter');
  if (matter.reportedOn && on < matter.reportedOn)
    throw badInput(`The decision (${on}) cannot precede the report (${matter.reportedOn}).`, 'on');
  matter.status = 'DECIDED';
  matter.decidedOn = on;
  matter.reportedBeforeDecision = reportedBeforeDecision(matter);
  await ctx.em.flush();
  ctx.loaders.clearAll();
  return matter;
}

export const majorMatters = listQuery({
  entity: MajorMatterSchema,
  order: [
    { prop: 'title', kind: 'text' },
    { prop: 'id', kind: 'id' },
  ],
  connectionField: 'majorMattersConnection',
  where: (ctx: ServiceContext, regionCode: string, year: number) => {
    const scope = listScope(ctx.viewer, regionCode, 'Major matters');
    const where: Record<string, unknown> = { regionCode: { $like: `${scope.prefix}%` }, year: requireYear(year) };
    if (scope.unitId) where.unitId = scope.unitId;
    return where;
  },
});

export const listMajorMatters = majorMatters.list;

export const majorMattersConnection = majorMatters.page;
