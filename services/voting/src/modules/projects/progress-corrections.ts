import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { requireViewer } from '@renda/auth/guards';
import { badInput, conflict, notFound } from '@renda/errors/errors';
import type { ServiceContext } from '@renda/server-kit/context';
import { correct, withdraw } from '@renda/server-kit/corrections';
import { today } from '@renda/server-kit/dates';
import { requireText } from '@renda/server-kit/validate';
import { ProgramSchema } from '../programs/program.entity.ts';
import { requireId, requireMoney } from '../inputs.ts';
import { ProgressReportSchema, ProjectSchema, type ProgressReport, type Project } from './project.entity.ts';
import { reloadProject, requireProgressWriter } from './projects.service.ts';

async function lockedReport(
  ctx: ServiceContext,
  tx: EntityManager,
  id: string,
): Promise<{ report: ProgressReport; project: Project; year: number }> {
  const report = await tx.findOne(ProgressReportSchema, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!report) throw notFound('progress report', id, 'id');
  // The project's row is locked too: its completion and status are the latest report's.
  const project = await tx.findOneOrFail(
    ProjectSchema,
    { id: report.projectId },
    { lockMode: LockMode.PESSIMISTIC_WRITE },
  );
  requireProgressWriter(ctx, project);
  if (report.withdrawnAt) throw conflict('This progress report was withdrawn; it can no longer be changed.');
  const program = await tx.findOneOrFail(ProgramSchema, { id: project.programId });
  if (program.stage !== 'IMPLEMENTING' && program.stage !== 'EVALUATING')
    throw conflict(
      `Progress reports are frozen once the program is ${program.stage}: the satisfaction round has closed on them as they stand.`,
    );
  return { report, project, year: program.year };
}

/**
 * V-4 after a correction or withdrawal: the reports left still never go down, and the project's completion and
 * status are its latest report's (0 and ELECTED when none is left), written in the same transaction.
 */
async function settleProject(tx: EntityManager, project: Project): Promise<void> {
  const reports = await tx.find(
    ProgressReportSchema,
    { projectId: project.id, withdrawnAt: null },
    { orderBy: { reportedOn: 'asc', recordedAt: 'asc' } },
  );
  for (let i = 1; i < reports.length; i++) {
    if (reports[i]!.percentComplete < reports[i - 1]!.percentComplete)
      throw badInput(
        `Completion cannot go down: the report of ${reports[i - 1]!.reportedOn} says ${reports[i - 1]!.percentComplete}%, the one of ${reports[i]!.reportedOn} ${reports[i]!.percentComplete}%.`,
        'input.percentComplete',
      );
  }
  const percent = reports.at(-1)?.percentComplete ?? 0;
  project.percentComplete = percent;
  project.status = percent === 100 ? 'COMPLETED' : percent > 0 ? 'IN_PROGRESS' : 'ELECTED';
}

export interface CorrectProgressInput {
  reportedOn?: string | null;
  percentComplete?: number | null;
  spent?: string | null;
  note?: string | null;
}

/** 更正 a progress report (a mistyped date or percent), by who may report the project's progress. */
export async function correctProgressReport(
  ctx: ServiceContext,
  id: string,
  version: number,
  input: CorrectProgressInput,
  reason: string,
): Promise<Project> {
  requireId(id, 'id');
  const viewer = requireViewer(ctx.viewer);
  let projectId = '';
  await ctx.em.transactional(async (tx) => {
    const { report, project, year } = await lockedReport(ctx, tx, id);
    projectId = project.id;
    const percent = input.percentComplete ?? undefined;
    if (percent !== undefined && (!Number.isInteger(percent) || percent < 0 || percent > 100))
      throw badInput('`percentComplete` must be a whole number from 0 to 100.', 'input.percentComplete');
    const reportedOn = input.reportedOn ?? undefined;
    if (reportedOn !== undefined) {
      if (reportedOn > today(ctx.clock)) throw badInput('`reportedOn` may not be in the future.', 'input.reportedOn');
      if (reportedOn < `${year}-01-01`)
        throw badInput(`\`reportedOn\` may not be before the program's year (${year}).`, 'input.reportedOn');
    }
    correct(
      tx,
      {
        kind: 'ProgressReport',
        record: report,
        id,
        regionCode: report.regionCode,
        expectedVersion: version,
        reason,
        viewer,
        at: ctx.clock.now(),
      },
      {
        reportedOn,
        percentComplete: percent,
        spent: input.spent == null ? undefined : requireMoney(input.spent, 'input.spent', false),
        note: input.note == null ? undefined : requireText(input.note, 'input.note', 4000),
      },
    );
    await settleProject(tx, project);
  });
  return reloadProject(ctx, projectId);
}

/** 撤回 a progress report entered by mistake: it leaves the project's progress, which follows the reports left. */
export async function withdrawProgressReport(
  ctx: ServiceContext,
  id: string,
  version: number,
  reason: string,
): Promise<Project> {
  requireId(id, 'id');
  const viewer = requireViewer(ctx.viewer);
  let projectId = '';
  await ctx.em.transactional(async (tx) => {
    const { report, project } = await lockedReport(ctx, tx, id);
    projectId = project.id;
    withdraw(
      tx,
      {
        kind: 'ProgressReport',
        record: report,
        id,
        regionCode: report.regionCode,
        expectedVersion: version,
        reason,
        viewer,
        at: ctx.clock.now(),
      },
      { withdrawnAt: ctx.clock.now() },
    );
    await settleProject(tx, project);
  });
  return reloadProject(ctx, projectId);
}
