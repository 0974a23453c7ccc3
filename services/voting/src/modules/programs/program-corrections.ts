import { LockMode } from '@mikro-orm/core';
import { requireViewer, requireWriteIn } from '@renda/auth/guards';
import { conflict, notFound } from '@renda/errors/errors';
import type { ServiceContext } from '@renda/server-kit/context';
import { correct, withdraw } from '@renda/server-kit/corrections';
import { requireText } from '@renda/server-kit/validate';
import { votingRulesIn, type VotingRules } from '../../env.ts';
import { ProjectSchema } from '../projects/project.entity.ts';
import { requireId } from '../inputs.ts';
import { ProgramSchema, ProposalSchema, type Program, type ProgramStage, type Proposal } from './program.entity.ts';
import { reloadProgram, requireSeats } from './programs.service.ts';

/** A program's details and its proposals may be corrected until voting opens / screening ends. */
const beforeVoting: readonly ProgramStage[] = ['SOLICITING', 'SCREENING'];

function requireBeforeVoting(program: Program, what: string): void {
  if (!beforeVoting.includes(program.stage))
    throw conflict(
      `${what} can be corrected only before voting opens (SOLICITING or SCREENING); the program is ${program.stage}, so the deputies have voted on it as it stands.`,
    );
}

export interface CorrectProgramInput {
  title?: string | null;
  seats?: number | null;
}

/** 更正 a program's title or seats, by staff of its region, before voting opens. */
export async function correctProgram(
  ctx: ServiceContext,
  id: string,
  version: number,
  input: CorrectProgramInput,
  reason: string,
  rules: VotingRules = votingRulesIn(ctx),
): Promise<Program> {
  requireId(id, 'id');
  const viewer = requireViewer(ctx.viewer);
  await ctx.em.transactional(async (tx) => {
    const program = await tx.findOne(ProgramSchema, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!program) throw notFound('livelihood program', id, 'id');
    requireWriteIn(ctx.viewer, program.regionCode, 'correct livelihood programs');
    requireBeforeVoting(program, "A program's title and seats");
    const title = input.title == null ? undefined : requireText(input.title, 'input.title', 200);
    let seats: number | undefined;
    if (input.seats != null) {
      requireSeats(program.level, input.seats, rules, 'input.seats');
      const candidates = await tx.count(ProjectSchema, { programId: program.id });
      if (candidates > 0 && candidates <= input.seats)
        throw conflict(
          `The program has ${candidates} candidates: its seats must stay fewer (差额, V-2); replace the candidates first.`,
        );
      seats = input.seats;
    }
    correct(
      tx,
      {
        kind: 'LivelihoodProgram',
        record: program,
        id,
        regionCode: program.regionCode,
        expectedVersion: version,
        reason,
        viewer,
        at: ctx.clock.now(),
      },
      { title, seats },
    );
  });
  return reloadProgram(ctx, id);
}

export interface CorrectProposalInput {
  title?: string | null;
  description?: string | null;
  proposer?: string | null;
}

async function lockedProposal(
  ctx: ServiceContext,
  tx: ServiceContext['em'],
  id: string,
  doing: string,
): Promise<{ proposal: Proposal; program: Program }> {
  const proposal = await tx.findOne(ProposalSchema, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!proposal) throw notFound('project proposal', id, 'id');
  const program = await tx.findOneOrFail(ProgramSchema, { id: proposal.programId });
  requireWriteIn(ctx.viewer, program.regionCode, doing);
  if (proposal.withdrawnAt) throw conflict('This proposal was withdrawn; it can no longer be changed.');
  if (!beforeVoting.includes(program.stage))
    throw conflict(
      `Proposals can be changed only until screening ends (SOLICITING or SCREENING); the program is ${program.stage}, so its candidates are settled.`,
    );
  return { proposal, program };
}

/** 更正 a proposal (a clerk's typo), by staff of the program's region, until screening ends. */
export async function correctProposal(
  ctx: ServiceContext,
  id: string,
  version: number,
  input: CorrectProposalInput,
  reason: string,
): Promise<Proposal> {
  requireId(id, 'id');
  const viewer = requireViewer(ctx.viewer);
  await ctx.em.transactional(async (tx) => {
    const { proposal } = await lockedProposal(ctx, tx, id, 'correct proposals');
    correct(
      tx,
      {
        kind: 'ProjectProposal',
        record: proposal,
        id,
        regionCode: proposal.regionCode,
        expectedVersion: version,
        reason,
        viewer,
        at: ctx.clock.now(),
      },
      {
        title: input.title == null ? undefined : requireText(input.title, 'input.title', 200),
        description: input.description == null ? undefined : requireText(input.description, 'input.description', 4000),
        proposer: input.proposer == null ? undefined : requireText(input.proposer, 'input.proposer', 200),
      },
    );
  });
  return reloadProposal(ctx, id);
}

/**
 * 撤回 a proposal, by staff of the program's region, until screening ends: it leaves the program's proposals and
 * can no longer become a candidate. One a candidate already came from stays (replace the candidates first).
 */
export async function withdrawProposal(
  ctx: ServiceContext,
  id: string,
  version: number,
  reason: string,
): Promise<Proposal> {
  requireId(id, 'id');
  const viewer = requireViewer(ctx.viewer);
  await ctx.em.transactional(async (tx) => {
    const { proposal } = await lockedProposal(ctx, tx, id, 'withdraw proposals');
    const candidate = await tx.findOne(ProjectSchema, { proposalId: id });
    if (candidate)
      throw conflict(
        `Candidate "${candidate.title}" came from this proposal; replace the candidate list without it before withdrawing it.`,
      );
    withdraw(
      tx,
      {
        kind: 'ProjectProposal',
        record: proposal,
        id,
        regionCode: proposal.regionCode,
        expectedVersion: version,
        reason,
        viewer,
        at: ctx.clock.now(),
      },
      { withdrawnAt: ctx.clock.now() },
    );
  });
  return reloadProposal(ctx, id);
}

async function reloadProposal(ctx: ServiceContext, id: string): Promise<Proposal> {
  ctx.em.clear();
  ctx.loaders.clearAll();
  return ctx.em.findOneOrFail(ProposalSchema, { id });
}
