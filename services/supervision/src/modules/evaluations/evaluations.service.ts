import { requireWriteIn } from '@renda/auth/guards';
import { isId, newId } from '@renda/db/ids';
import { conflict } from '@renda/errors/errors';
import type { ServiceContext } from '@renda/server-kit/context';
import { entityLoader } from '@renda/server-kit/loaders';
import { listQuery } from '@renda/server-kit/pagination';
import { requireText, requireYear } from '@renda/server-kit/validate';
import { listScope } from '../common/access.ts';
import { findOrFail } from '../common/find.ts';
import { type Tally, requireTally } from '../common/tally.ts';
import { type OpinionItemInput, checkItems, createItems } from '../opinions/opinions.service.ts';
import { requireUnit } from '../units/units.service.ts';
import { type WorkEvaluation, WorkEvaluationSchema } from './evaluation.entity.ts';

export const evaluationLoader = (ctx: ServiceContext) =>
  entityLoader<WorkEvaluation>(ctx, WorkEvaluationSchema, 'id', isId);

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

export const evaluations = listQuery({
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
