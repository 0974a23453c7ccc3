import type { ServiceContext } from '@renda/server-kit/context';
import { readFeed, type FeedArgs, type FeedConnection } from '@renda/server-kit/feeds';
import { knexTable } from '@renda/db/tables';
import { ProgramSchema, type Program } from '../programs/program.entity.ts';
import { programLoader } from '../programs/programs.service.ts';
import { ProjectSchema, type Project } from '../projects/project.entity.ts';
import { projectLoader } from '../projects/projects.service.ts';

const present = <T>(rows: (T | null | Error)[]): T[] => rows.filter((r): r is T => r !== null && !(r instanceof Error));

/** 民生实事 programChanges: public, as `programs`; a program's stage (and so its ballot results) changes it. */
export function programChanges(ctx: ServiceContext, args: FeedArgs): Promise<FeedConnection<Program>> {
  return readFeed(
    ctx,
    {
      table: knexTable(ctx.em, ProgramSchema),
      schema: ctx.em.config.get('schema')!,
      register: 'programs',
      rows: () => {},
      tombstones: () => {},
      load: async (ids) => present(await programLoader(ctx).loadMany(ids)),
      idOf: (p) => p.id,
    },
    args,
  );
}

/**
 * 候选项目 projectChanges: public, as a program's `candidates`: candidates, then their rank and status after the
 * ballot; candidates replaced by `setCandidates` come as deletions.
 */
export function projectChanges(ctx: ServiceContext, args: FeedArgs): Promise<FeedConnection<Project>> {
  return readFeed(
    ctx,
    {
      table: knexTable(ctx.em, ProjectSchema),
      schema: ctx.em.config.get('schema')!,
      register: 'projects',
      rows: () => {},
      tombstones: () => {},
      load: async (ids) => present(await projectLoader(ctx).loadMany(ids)),
      idOf: (p) => p.id,
    },
    args,
  );
}
