import { requireWriteIn } from '@renda/auth/guards';
import { isId, newId } from '@renda/db/ids';
import { badInput, conflict, forbidden, notFound } from '@renda/errors/errors';
import type { ServiceContext } from '@renda/server-kit/context';
import { childrenLoader, entityLoader, groupBy } from '@renda/server-kit/loaders';
import { ProgramSchema } from '../programs/program.entity.ts';
import { findProgram, programLoader } from '../programs/programs.service.ts';
import { moveStage, requireStage } from '../programs/stages.ts';
import { electedOf } from '../projects/projects.service.ts';
import { isUniqueViolation, participated, requireActiveDeputiesOf, requireDeputyViewer, requireDistinct, requireId, recordSecretResponse } from '../shared.ts';
import { countsTable, placeholders, query, run } from '../store.ts';
import { EvaluationRoundSchema, type EvaluationItem, type EvaluationRound } from './evaluation.entity.ts';

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

/** The projects a round rates (written when it opens), by project id. */
export function roundItemsOf(ctx: ServiceContext, roundId: string): Promise<EvaluationItem[]> {
  return ctx.loaders
    .get<string, EvaluationItem[]>('EvaluationItem.by.roundId', async (ids) => {
      const rows = await query<{ round_id: string; project_id: string }>(
        ctx.em,
        `select "round_id", "project_id" from "voting"."evaluation_items" where "round_id" in (${placeholders(ids.length, '?::uuid')}) order by "round_id", "project_id"`,
        ids,
      );
      return groupBy(ids, rows.map((r) => ({ roundId: r.round_id, projectId: r.project_id })), (r) => r.roundId);
    })
    .load(roundId);
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
  const counts = countsTable('evaluation', id);
  try {
    await ctx.em.transactional(async (tx) => {
      const current = await tx.findOneOrFail(ProgramSchema, { id: program.id });
      await moveStage(tx, current, 'EVALUATING');
      await run(
        tx,
        `insert into "voting"."evaluation_rounds" ("id", "program_id", "region_code", "year", "status", "roll_size", "responses", "opened_at", "closed_at")
         values (?, ?, ?, ?, 'OPEN', ?, 0, ?, null)`,
        [id, program.id, program.regionCode, program.year, rollDeputyIds.length, ctx.clock.now()],
      );
      for (let i = 0; i < rollDeputyIds.length; i += 1000) {
        const part = rollDeputyIds.slice(i, i + 1000);
        await run(tx, `insert into "voting"."evaluation_roll" ("round_id", "deputy_id") values ${placeholders(part.length, '(?, ?)')}`, part.flatMap((d) => [id, d]));
      }
      if (projects.length) {
        await run(tx, `insert into "voting"."evaluation_items" ("round_id", "project_id") values ${placeholders(projects.length, '(?, ?)')}`, projects.flatMap((p) => [id, p.id]));
      }
      // The round's own counters: dropped at close, so no superseded row of them outlives the round.
      await run(
        tx,
        `create table ${counts} ("project_id" uuid not null primary key, "satisfied" int not null default 0, "basically_satisfied" int not null default 0, "dissatisfied" int not null default 0)`,
      );
      if (projects.length) await run(tx, `insert into ${counts} ("project_id") values ${placeholders(projects.length, '(?)')}`, projects.map((p) => p.id));
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
export function ratingForm(ratings: readonly { projectId: string; rating: Satisfaction }[], tallies: readonly Pick<EvaluationItem, 'projectId'>[]): [number, number, number][] {
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
  const onRoll = await query(ctx.em, `select 1 from "voting"."evaluation_roll" where "round_id" = ? and "deputy_id" = ?`, [round.id, deputyId]);
  if (!onRoll.length) throw forbidden('You are not on the roll of this evaluation round.');
  if (round.status !== 'OPEN') throw conflict('This evaluation round is closed; no more responses are accepted.');
  const tallies = await roundItemsOf(ctx, round.id);
  const form = ratingForm(ratings, tallies);
  await recordSecretResponse(ctx, {
    what: 'response',
    parent: { table: 'evaluation_rounds', counter: 'responses', id: round.id },
    participation: { table: 'evaluation_participation', parentColumn: 'round_id' },
    counts: { table: countsTable('evaluation', round.id), keyColumn: 'project_id', counters: ['satisfied', 'basically_satisfied', 'dissatisfied'] },
    deputyId,
    increments: tallies.map((t, i) => [t.projectId, ...form[i]!] as const),
    closedMessage: 'This evaluation round closed before your response arrived; it was not counted.',
    duplicateMessage: 'You have already responded in this round; each deputy on the roll responds once.',
  });
  return reloadRound(ctx, round.id);
}

/**
 * V-4: closes the round in one transaction: the round turns CLOSED (waiting for a response in flight,
 * refusing later ones), each project's totals are inserted once into `evaluation_tallies` from the
 * round's own counter table, which is then dropped (with every superseded version of its rows); the
 * program is CLOSED.
 */
export async function closeEvaluation(ctx: ServiceContext, roundId: string): Promise<EvaluationRound> {
  const round = await findRound(ctx, roundId);
  const program = (await programLoader(ctx).load(round.programId))!;
  requireWriteIn(ctx.viewer, program.regionCode, 'close evaluations');
  if (round.status !== 'OPEN') throw conflict('This evaluation round is already closed.');
  const table = countsTable('evaluation', round.id);
  await ctx.em.transactional(async (tx) => {
    const closed = await run(tx, `update "voting"."evaluation_rounds" set "status" = 'CLOSED', "closed_at" = ? where "id" = ? and "status" = 'OPEN'`, [ctx.clock.now(), round.id]);
    if (closed !== 1) throw conflict('This evaluation round is already closed.');
    await run(
      tx,
      `insert into "voting"."evaluation_tallies" ("round_id", "project_id", "satisfied", "basically_satisfied", "dissatisfied", "final")
       select ?::uuid, "project_id", "satisfied", "basically_satisfied", "dissatisfied", true from ${table}`,
      [round.id],
    );
    await run(tx, `drop table ${table}`);
    const current = await tx.findOneOrFail(ProgramSchema, { id: program.id });
    await moveStage(tx, current, 'CLOSED');
  });
  return reloadRound(ctx, round.id);
}
