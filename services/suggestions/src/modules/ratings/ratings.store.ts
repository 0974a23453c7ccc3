import type { EntityManager, SqlEntityManager } from '@mikro-orm/postgresql';
import { sqlTable } from '@renda/db/tables';
import { SuggestionSchema, type SuggestionKind } from '../suggestions/suggestion.entity.ts';

/**
 * The statements of the ratings module (issue 9): the satisfaction counts by kind (`Region.satisfactionByKind`),
 * the table named from the ORM's metadata. The service keeps the rules (who reads, the rate).
 */

/** The latest result ratings of the items of `year` in the subtree `code`, by kind. */
export interface KindRatingRow {
  kind: SuggestionKind;
  evaluated: number;
  satisfied: number;
  basically: number;
  dissatisfied: number;
}

/** One grouped scan of the (year, region prefix) index's rows, kinds in order. */
export async function ratingsByKind(em: EntityManager, code: string, year: number): Promise<KindRatingRow[]> {
  const { rows } = (await em.getKnex().raw(
    `select s.kind, count(s.latest_result)::int as evaluated,
       count(*) filter (where s.latest_result = 'SATISFIED')::int as satisfied,
       count(*) filter (where s.latest_result = 'BASICALLY_SATISFIED')::int as basically,
       count(*) filter (where s.latest_result = 'DISSATISFIED')::int as dissatisfied
     from ${sqlTable(em as SqlEntityManager, SuggestionSchema)} s where s.year = ? and s.region_code like ? and s.latest_result is not null
     group by s.kind order by s.kind`,
    [year, `${code}%`],
  )) as { rows: KindRatingRow[] };
  return rows;
}
