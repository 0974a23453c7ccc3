import type { SqlEntityManager } from '@mikro-orm/postgresql';
import { sqlTable } from '@renda/db/tables';
import { EvaluationRoundSchema, EvaluationTallySchema } from '../evaluations/evaluation.entity.ts';

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
  return em.execute(
    `select t.round_id, t.project_id, t.satisfied, t.basically_satisfied, t.dissatisfied
       from ${sqlTable(em, EvaluationTallySchema)} t join ${sqlTable(em, EvaluationRoundSchema)} r on r.id = t.round_id
      where r.status = 'CLOSED' and t.project_id in (${ids.map(() => '?').join(', ')})
      order by r.closed_at desc`,
    [...ids],
  );
}
