import type { SqlEntityManager } from '@mikro-orm/postgresql';
import { sqlTable } from '@renda/db/tables';
import { EvaluationRoundSchema, EvaluationTallySchema } from '../evaluations/evaluation.entity.ts';
import { query, run } from '../sql.ts';
import { ProjectSchema, type ProjectStatus } from './project.entity.ts';

/**
 * The statements of the projects module, each table named from the ORM's metadata and sent through `query`/`run`
 * (`../sql.ts`: every value a bound parameter). The service keeps the rules.
 */

/** A project's tally in one closed evaluation round. */
export interface ClosedTally {
  round_id: string;
  project_id: string;
  satisfied: number;
  basically_satisfied: number;
  dissatisfied: number;
}

/** The tallies of the projects `ids` in closed rounds, latest round first: one statement. */
export function closedTallies(em: SqlEntityManager, ids: readonly string[]): Promise<ClosedTally[]> {
  return query<ClosedTally>(
    em,
    `select t.round_id, t.project_id, t.satisfied, t.basically_satisfied, t.dissatisfied
       from ${sqlTable(em, EvaluationTallySchema)} t join ${sqlTable(em, EvaluationRoundSchema)} r on r.id = t.round_id
      where r.status = 'CLOSED' and t.project_id in (${ids.map(() => '?').join(', ')})
      order by r.closed_at desc`,
    [...ids],
  );
}

/**
 * A progress report moves the project's completion (never down) and status, only while it is ELECTED or
 * IN_PROGRESS: the number of rows moved (0 when another report changed it meanwhile).
 */
export function updateProgress(
  em: SqlEntityManager,
  projectId: string,
  percent: number,
  status: ProjectStatus,
): Promise<number> {
  return run(
    em,
    `update ${sqlTable(em, ProjectSchema)} set "percent_complete" = ?, "status" = ? where "id" = ? and "percent_complete" <= ? and "status" in ('ELECTED', 'IN_PROGRESS')`,
    [percent, status, projectId, percent],
  );
}
