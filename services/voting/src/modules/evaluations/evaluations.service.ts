import { requireWriteIn } from '@renda/auth/guards';
import { isId, newId } from '@renda/db/ids';
import { badInput, conflict, forbidden, notFound } from '@renda/errors/errors';
import type { ServiceContext } from '@renda/server-kit/context';
import { childrenLoader, entityLoader } from '@renda/server-kit/loaders';
import { ProgramSchema } from '../programs/program.entity.ts';
import { findProgram, programLoader } from '../programs/programs.service.ts';
import { moveStage, requireStage } from '../programs/stages.ts';
import { electedOf } from '../projects/projects.service.ts';
import { isUniqueViolation, participated, requireActiveDeputiesOf, requireDeputyViewer, requireDistinct, requireId, recordSecretResponse, vacuumCounters } from '../shared.ts';
import { EvaluationRollSchema, EvaluationRoundSchema, EvaluationTallySchema, type EvaluationRound, type EvaluationTally } from './evaluation.entity.ts';

export type Satisfaction = 'SATISFIED' | 'BASICALLY_SATISFIED' | 'DISSATISFIED';

export const roundLoader = (ctx: ServiceContext) => entityLoader<EvaluationRound>(ctx, EvaluationRoundSchema, 'id', isId);

export async function findRound(ctx: ServiceContext, id: string, field = 'roundId'): Promise<EvaluationRound> {
  requireId(id, field);
  const round = await roundLoader(ctx).load(id);
  if (!round) throw notFound('evaluation round', id, field);
  return round;
}

export function roundsOf(ctx: ServiceContext, programId: string): Promise<EvaluationRound[]> {
  return childrenLoader<EvaluationRound>(ctx, EvaluationRoundSchema, 'programId', { openedAt: 'asc', id: 'asc' }).load(programId);
}

export function roundTalliesOf(ctx: ServiceContext, roundId: string): Promise<EvaluationTally[]> {
  return childrenLoader<EvaluationTally>(ctx, EvaluationTallySchema, 'roundId', { projectId: 'asc' }).load(roundId);
}

export function hasResponded(ctx: ServiceContext, roundId: string, deputyId: string): Promise<boolean> {
  return participated(ctx, 'evaluation_participation', 'round_id', roundId, deputyId);
}

/** V-1, V-4: staff open the 满意度测评 of an IMPLEMENTING program for a roll; the program moves to EVALUATING. */
export async function openEvaluation(ctx: ServiceContext, programId: string, rollDeputyIds: string[]): Promise<EvaluationRound> {
  const program = await findProgram(ctx, programId);
  requireWriteIn(ctx.viewer, program.regionCode, 'open evaluations');
  requireStage(program, 'IMPLEMENTING', 'open an evaluation');
  const projects = await electedOf(ctx, program.id);
  if (!rollDeputyIds.length) throw badInput('The roll lists the deputies entitled to rate; it is empty.', 'rollDeputyIds');
  if (rollDeputyIds.length > 5000) throw badInput('A roll has at most 5000 deputies.', 'rollDeputyIds');
  rollDeputyIds.forEach((id, i) => requireId(id, `rollDeputyIds[${i}]`));
  requireDistinct(rollDeputyIds, 'rollDeputyIds');
  await requireActiveDeputiesOf(ctx, rollDeputyIds, program.congressId, 'rollDeputyIds');
  const id = newId();
  try {
    await ctx.em.transactional(async (tx) => {
      const current = await tx.findOneOrFail(ProgramSchema, { id: program.id });
      await moveStage(tx, current, 'EVALUATING');
      tx.create(EvaluationRoundSchema, {
        id,
        programId: program.id,
        regionCode: program.regionCode,
        year: program.year,
        status: 'OPEN',
        rollSize: rollDeputyIds.length,
        responses: 0,
        openedAt: ctx.clock.now(),
        closedAt: null,
      });
      for (const deputyId of rollDeputyIds) tx.create(EvaluationRollSchema, { roundId: id, deputyId });
      for (const p of projects) tx.create(EvaluationTallySchema, { roundId: id, projectId: p.id, satisfied: 0, basicallySatisfied: 0, dissatisfied: 0, final: false });
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict('An evaluation round of this program is already open.');
    throw e;
  }
  return reloadRound(ctx, id);
}

async function reloadRound(ctx: ServiceContext, id: string): Promise<EvaluationRound> {
  ctx.em.clear();
  ctx.loaders.clearAll();
  return (await roundLoader(ctx).load(id))!;
}

/** Turns the form into one increment per project; every elected project is rated exactly once. */
export function ratingForm(ratings: readonly { projectId: string; rating: Satisfaction }[], tallies: readonly EvaluationTally[]): [number, number, number][] {
  const rated = new Set(tallies.map((t) => t.projectId));
  const marks = new Map<string, Satisfaction>();
  ratings.forEach((r, i) => {
    requireId(r.projectId, `ratings[${i}].projectId`);
    if (!rated.has(r.projectId)) throw badInput(`ratings[${i}] names a project that is not rated in this round.`, `ratings[${i}].projectId`);
    if (marks.has(r.projectId)) throw badInput(`ratings[${i}] rates a project a second time.`, `ratings[${i}].projectId`);
    marks.set(r.projectId, r.rating);
  });
  if (marks.size !== tallies.length) throw badInput(`Rate every one of the ${tallies.length} projects once.`, 'ratings');
  return tallies.map((t) => {
    const rating = marks.get(t.projectId)!;
    return [rating === 'SATISFIED' ? 1 : 0, rating === 'BASICALLY_SATISFIED' ? 1 : 0, rating === 'DISSATISFIED' ? 1 : 0];
  });
}

/** V-4: one anonymous response per deputy on the roll; same design as the ballot (participation + counters). */
export async function rateProjects(ctx: ServiceContext, roundId: string, ratings: { projectId: string; rating: Satisfaction }[]): Promise<EvaluationRound> {
  const deputyId = requireDeputyViewer(ctx, 'rate projects');
  const round = await findRound(ctx, roundId);
  if ((await ctx.em.count(EvaluationRollSchema, { roundId: round.id, deputyId })) === 0) throw forbidden('You are not on the roll of this evaluation round.');
  if (round.status !== 'OPEN') throw conflict('This evaluation round is closed; no more responses are accepted.');
  const tallies = await roundTalliesOf(ctx, round.id);
  const form = ratingForm(ratings, tallies);
  await recordSecretResponse(ctx, {
    what: 'response',
    parent: { table: 'evaluation_rounds', counter: 'responses', id: round.id },
    participation: { table: 'evaluation_participation', parentColumn: 'round_id' },
    tallies: { table: 'evaluation_tallies', keyColumn: 'project_id', counters: ['satisfied', 'basically_satisfied', 'dissatisfied'] },
    deputyId,
    increments: tallies.map((t, i) => [t.projectId, ...form[i]!] as const),
    closedMessage: 'This evaluation round closed before your response arrived; it was not counted.',
    duplicateMessage: 'You have already responded in this round; each deputy on the roll responds once.',
  });
  return reloadRound(ctx, round.id);
}

/** V-4: closes the round; every counter row is rewritten, each project's tally is final, the program is CLOSED. */
export async function closeEvaluation(ctx: ServiceContext, roundId: string): Promise<EvaluationRound> {
  const round = await findRound(ctx, roundId);
  const program = (await programLoader(ctx).load(round.programId))!;
  requireWriteIn(ctx.viewer, program.regionCode, 'close evaluations');
  if (round.status !== 'OPEN') throw conflict('This evaluation round is already closed.');
  await ctx.em.transactional(async (tx) => {
    const closed = await tx.execute<{ affectedRows: number }>(`update "voting"."evaluation_rounds" set "status" = 'CLOSED', "closed_at" = ? where "id" = ? and "status" = 'OPEN'`, [ctx.clock.now(), round.id], 'run');
    if (closed.affectedRows !== 1) throw conflict('This evaluation round is already closed.');
    await tx.execute(`update "voting"."evaluation_tallies" set "final" = true where "round_id" = ?`, [round.id], 'run');
    const current = await tx.findOneOrFail(ProgramSchema, { id: program.id });
    await moveStage(tx, current, 'CLOSED');
  });
  await vacuumCounters(ctx, 'evaluation_tallies');
  return reloadRound(ctx, round.id);
}
