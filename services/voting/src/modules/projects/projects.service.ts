import { covers, requireViewer, requireWriteIn } from '@renda/auth/guards';
import { isId, newId } from '@renda/db/ids';
import { badInput, conflict, forbidden, notFound } from '@renda/errors/errors';
import type { ServiceContext } from '@renda/server-kit/context';
import { today } from '@renda/server-kit/dates';
import { entityLoader, groupBy } from '@renda/server-kit/loaders';
import { requireText, requireYear } from '@renda/server-kit/validate';
import type { EvaluationTally } from '../evaluations/evaluation.entity.ts';
import { findProgram, programLoader } from '../programs/programs.service.ts';
import { requireStage } from '../programs/stages.ts';
import { requireDistinct, requireId, requireMoney } from '../inputs.ts';
import { requireActiveDeputiesOf } from '../rolls.ts';
import {
  ProgressReportSchema,
  ProjectSchema,
  ProjectSupervisorSchema,
  type ProgressReport,
  type Project,
  type ProjectStatus,
} from './project.entity.ts';
import { closedTallies, updateProgress } from './projects.store.ts';

export const projectLoader = (ctx: ServiceContext) => entityLoader<Project>(ctx, ProjectSchema, 'id', isId);

/** The statuses of an elected project. */
export const electedStatuses: readonly ProjectStatus[] = ['ELECTED', 'IN_PROGRESS', 'COMPLETED'];

/** A project's own status table: a candidate is elected or not; an elected one is carried out. */
export const projectTransitions: Record<ProjectStatus, readonly ProjectStatus[]> = {
  CANDIDATE: ['ELECTED', 'NOT_ELECTED'],
  ELECTED: ['IN_PROGRESS', 'COMPLETED'],
  IN_PROGRESS: ['COMPLETED'],
  NOT_ELECTED: [],
  COMPLETED: [],
};

export async function findProject(ctx: ServiceContext, id: string, field = 'projectId'): Promise<Project> {
  requireId(id, field);
  const project = await projectLoader(ctx).load(id);
  if (!project) throw notFound('livelihood project', id, field);
  return project;
}

/** Every candidate of a program, in list order. */
export function candidatesOf(ctx: ServiceContext, programId: string): Promise<Project[]> {
  return ctx.loaders
    .get<string, Project[]>('Program.candidates', async (ids) => {
      const rows = await ctx.em.find(ProjectSchema, { programId: { $in: [...ids] } }, { orderBy: { position: 'asc' } });
      return groupBy(ids, rows, (r) => r.programId);
    })
    .load(programId);
}

/** The elected projects of a program, by rank. */
export async function electedOf(ctx: ServiceContext, programId: string): Promise<Project[]> {
  const all = await candidatesOf(ctx, programId);
  return all.filter((p) => electedStatuses.includes(p.status)).sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0));
}

export function progressOf(ctx: ServiceContext, projectId: string): Promise<ProgressReport[]> {
  return ctx.loaders
    .get<string, ProgressReport[]>('Project.progress', async (ids) => {
      const rows = await ctx.em.find(
        ProgressReportSchema,
        { projectId: { $in: [...ids] }, withdrawnAt: null },
        { orderBy: { reportedOn: 'asc', recordedAt: 'asc' } },
      );
      return groupBy(ids, rows, (r) => r.projectId);
    })
    .load(projectId);
}

export function supervisorIdsOf(ctx: ServiceContext, projectId: string): Promise<string[]> {
  return ctx.loaders
    .get<string, string[]>('Project.supervisors', async (ids) => {
      const rows = await ctx.em.find(
        ProjectSupervisorSchema,
        { projectId: { $in: [...ids] } },
        { orderBy: { deputyId: 'asc' } },
      );
      return groupBy(ids, rows, (r) => r.projectId).map((list) => list.map((r) => r.deputyId));
    })
    .load(projectId);
}

/** Deputy.supervisedProjects: projects whose supervision group a deputy sits in. */
export function supervisedProjectsOf(ctx: ServiceContext, deputyId: string): Promise<Project[]> {
  return ctx.loaders
    .get<string, Project[]>('Deputy.supervisedProjects', async (ids) => {
      const valid = ids.filter(isId);
      if (!valid.length) return ids.map(() => []);
      const links = await ctx.em.find(ProjectSupervisorSchema, { deputyId: { $in: valid } });
      const projects = links.length
        ? await ctx.em.find(
            ProjectSchema,
            { id: { $in: [...new Set(links.map((l) => l.projectId))] } },
            { orderBy: { year: 'desc', id: 'asc' } },
          )
        : [];
      const byId = new Map(projects.map((p) => [p.id, p]));
      return groupBy(ids, links, (l) => l.deputyId).map((list) =>
        list
          .map((l) => byId.get(l.projectId)!)
          .filter(Boolean)
          .sort((a, b) => b.year - a.year || a.id.localeCompare(b.id)),
      );
    })
    .load(deputyId);
}

/** GovernmentUnit.livelihoodProjects: the elected projects a unit leads. */
export function projectsOfUnit(
  ctx: ServiceContext,
  unitId: string,
  year: number | null | undefined,
): Promise<Project[]> {
  if (year !== null && year !== undefined) requireYear(year);
  return ctx.loaders
    .get<string, Project[]>('GovernmentUnit.livelihoodProjects', async (keys) => {
      const parsed = keys.map((k) => {
        const [id, y] = k.split('|');
        return { id: id!, year: y ? Number(y) : null };
      });
      const valid = [...new Set(parsed.filter((p) => isId(p.id)).map((p) => p.id))];
      const rows = valid.length
        ? await ctx.em.find(
            ProjectSchema,
            { leadUnitId: { $in: valid }, status: { $in: [...electedStatuses] } },
            { orderBy: { year: 'desc', rank: 'asc', id: 'asc' } },
          )
        : [];
      return parsed.map((p) => rows.filter((r) => r.leadUnitId === p.id && (p.year === null || r.year === p.year)));
    })
    .load(`${unitId}|${year ?? ''}`);
}

/** The satisfaction tally of a project from its latest closed evaluation round; null before one closes. */
export function satisfactionOf(ctx: ServiceContext, projectId: string): Promise<EvaluationTally | null> {
  return ctx.loaders
    .get<string, EvaluationTally | null>('Project.satisfaction', async (ids) => {
      const rows = await closedTallies(ctx.em, ids);
      const latest = new Map<string, EvaluationTally>();
      for (const r of rows) {
        if (!latest.has(r.project_id)) {
          latest.set(r.project_id, {
            roundId: r.round_id,
            projectId: r.project_id,
            satisfied: r.satisfied,
            basicallySatisfied: r.basically_satisfied,
            dissatisfied: r.dissatisfied,
            final: true,
          });
        }
      }
      return ids.map((id) => latest.get(id) ?? null);
    })
    .load(projectId);
}

export function satisfactionRate(
  t: Pick<EvaluationTally, 'satisfied' | 'basicallySatisfied' | 'dissatisfied'>,
): number {
  const all = t.satisfied + t.basicallySatisfied + t.dissatisfied;
  return all === 0 ? 0 : (t.satisfied + t.basicallySatisfied) / all;
}

/** Staff of the project's region (or an admin), or a handler of its lead unit. */
export function requireProgressWriter(ctx: ServiceContext, project: Project): void {
  const viewer = requireViewer(ctx.viewer);
  if (viewer.role === 'HANDLER' && viewer.unit === project.leadUnitId) return;
  if ((viewer.role === 'STAFF' || viewer.role === 'ADMIN') && covers(viewer, project.regionCode)) return;
  throw forbidden('Progress is reported by staff of the region or by a handler of the lead unit.');
}

export interface ProgressInput {
  reportedOn: string;
  percentComplete: number;
  spent: string;
  note: string;
}

/** V-4: a progress report; completion never goes down, 100 completes the project. */
export async function reportProgress(ctx: ServiceContext, projectId: string, input: ProgressInput): Promise<Project> {
  const project = await findProject(ctx, projectId);
  requireProgressWriter(ctx, project);
  const program = (await programLoader(ctx).load(project.programId))!;
  requireStage(program, ['IMPLEMENTING', 'EVALUATING'], 'report progress');
  if (project.status !== 'ELECTED' && project.status !== 'IN_PROGRESS') {
    throw conflict(
      project.status === 'COMPLETED'
        ? 'This project is already complete.'
        : `Only elected projects report progress; this one is ${project.status}.`,
    );
  }
  const percent = input.percentComplete;
  if (!Number.isInteger(percent) || percent < 0 || percent > 100)
    throw badInput('`percentComplete` must be a whole number from 0 to 100.', 'input.percentComplete');
  if (percent < project.percentComplete)
    throw badInput(
      `Completion cannot go down: the last report said ${project.percentComplete}%.`,
      'input.percentComplete',
    );
  if (input.reportedOn > today(ctx.clock)) throw badInput('`reportedOn` may not be in the future.', 'input.reportedOn');
  if (input.reportedOn < `${program.year}-01-01`)
    throw badInput(
      `\`reportedOn\` may not be before the program's year (${program.year}): the project was chosen then.`,
      'input.reportedOn',
    );
  const previous = (await progressOf(ctx, project.id)).at(-1);
  if (previous && input.reportedOn < previous.reportedOn)
    throw badInput(`\`reportedOn\` may not be before the last report (${previous.reportedOn}).`, 'input.reportedOn');
  const spent = requireMoney(input.spent, 'input.spent', false);
  const note = requireText(input.note, 'input.note', 4000);
  const status: ProjectStatus = percent === 100 ? 'COMPLETED' : percent > 0 ? 'IN_PROGRESS' : project.status;
  if (status !== project.status && !projectTransitions[project.status].includes(status))
    throw conflict(`A project cannot move from ${project.status} to ${status}.`);
  await ctx.em.transactional(async (tx) => {
    if ((await updateProgress(tx, project.id, percent, status)) !== 1)
      throw conflict('Another report changed this project meanwhile; reload it and report again.');
    tx.create(ProgressReportSchema, {
      id: newId(),
      projectId: project.id,
      regionCode: project.regionCode,
      reportedOn: input.reportedOn,
      percentComplete: percent,
      spent,
      note,
      recordedAt: ctx.clock.now(),
    });
  });
  return reloadProject(ctx, project.id);
}

export async function reloadProject(ctx: ServiceContext, id: string): Promise<Project> {
  ctx.em.clear();
  ctx.loaders.clearAll();
  return (await projectLoader(ctx).load(id))!;
}

/** V-4 监督小组: replaces a project's supervision group with ACTIVE deputies of the program's congress. */
export async function assignSupervisors(ctx: ServiceContext, projectId: string, deputyIds: string[]): Promise<Project> {
  const project = await findProject(ctx, projectId);
  requireWriteIn(ctx.viewer, project.regionCode, 'assign supervision groups');
  if (!electedStatuses.includes(project.status))
    throw conflict(`Only elected projects have a supervision group; this one is ${project.status}.`);
  if (!deputyIds.length) throw badInput('A supervision group needs at least one deputy.', 'deputyIds');
  if (deputyIds.length > 50) throw badInput('A supervision group has at most 50 deputies.', 'deputyIds');
  requireDistinct(deputyIds, 'deputyIds');
  const program = await findProgram(ctx, project.programId);
  await requireActiveDeputiesOf(ctx, deputyIds, program.congressId, 'deputyIds');
  await ctx.em.transactional(async (tx) => {
    await tx.nativeDelete(ProjectSupervisorSchema, { projectId: project.id });
    for (const deputyId of deputyIds)
      tx.create(ProjectSupervisorSchema, { projectId: project.id, deputyId, regionCode: project.regionCode });
  });
  return reloadProject(ctx, project.id);
}
