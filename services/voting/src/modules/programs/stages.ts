import { conflict } from '@renda/errors/errors';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Program, ProgramStage } from './program.entity.ts';
import { updateStage } from './programs.store.ts';

/** V-1: the stages of a program, each allowed only into the next. */
export const stageTransitions: Record<ProgramStage, readonly ProgramStage[]> = {
  SOLICITING: ['SCREENING'],
  SCREENING: ['VOTING'],
  VOTING: ['IMPLEMENTING'],
  IMPLEMENTING: ['EVALUATING'],
  EVALUATING: ['CLOSED'],
  CLOSED: [],
};

/** What has to happen for a program to reach each stage, for error messages. */
const how: Record<ProgramStage, string> = {
  SOLICITING: 'createProgram',
  SCREENING: 'closeSolicitation',
  VOTING: 'openBallot',
  IMPLEMENTING: 'closeBallot once every seat is filled',
  EVALUATING: 'openEvaluation',
  CLOSED: 'closeEvaluation',
};

export function canMove(from: ProgramStage, to: ProgramStage): boolean {
  return stageTransitions[from].includes(to);
}

/** Throws CONFLICT unless the program is in `stage` (the step asked for is out of order). */
export function requireStage(program: Program, stages: ProgramStage | readonly ProgramStage[], doing: string): void {
  const allowed = typeof stages === 'string' ? [stages] : stages;
  if (!allowed.includes(program.stage)) {
    throw conflict(`You can ${doing} only while the program is ${allowed.join(' or ')}; it is ${program.stage}.`);
  }
}

/**
 * Moves a program along the table, with a conditional update so two staff doing the same step at
 * once get one success and one CONFLICT. Run it inside the transaction of the step's other writes.
 */
export async function moveStage(em: EntityManager, program: Program, to: ProgramStage): Promise<void> {
  if (!canMove(program.stage, to)) {
    throw conflict(
      `A program in ${program.stage} cannot move to ${to}; ${to} is reached by ${how[to]} from ${Object.entries(stageTransitions).find(([, next]) => next.includes(to))?.[0] ?? 'nowhere'}.`,
    );
  }
  if ((await updateStage(em, program.id, program.stage, to)) !== 1)
    throw conflict('The program changed meanwhile; reload it and try again.');
  program.stage = to;
}
