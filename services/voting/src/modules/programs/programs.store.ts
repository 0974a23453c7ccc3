import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { sqlTable } from '@renda/db/tables';
import { run } from '../sql.ts';
import { ProgramSchema, type ProgramStage } from './program.entity.ts';

/**
 * The statements of the programs module, each table named from the ORM's metadata, sent through `run`
 * (`../sql.ts`, bound parameters) or the pagination's knex. The service keeps the rules.
 */

/**
 * V-1: moves a program from stage `from` to `to` with a conditional update: the number of rows moved (0 when
 * the program is no longer in `from`).
 */
export function updateStage(em: EntityManager, id: string, from: ProgramStage, to: ProgramStage): Promise<number> {
  return run(em, `update ${sqlTable(em, ProgramSchema)} set "stage" = ? where "id" = ? and "stage" = ?`, [
    to,
    id,
    from,
  ]);
}

/**
 * Region.programs: the programs of the subtrees `codes` (valid region codes), the year `y` (or every year)
 * filtered in SQL: a `union all` of index range scans over the code prefixes (`programs_region_code_prefix`),
 * for the pagination to page together (parent column `r.subtree`).
 */
export function subtreeProgramsQuery(
  em: EntityManager,
  knex: Knex,
  codes: readonly string[],
  y: number | null,
): Knex.QueryBuilder {
  const yearClause = y === null ? '' : ' and p.year = ?';
  const branch = `select ?::text as subtree, p.id, p.year, p.region_code from ${sqlTable(em, ProgramSchema)} p
        where p.region_code like ?${yearClause}`;
  const none = 'select null::text as subtree, null::uuid as id, 0 as year, null as region_code where false';
  const parts = codes.length ? codes.map(() => branch) : [none];
  const params = codes.flatMap((c) => (y === null ? [c, `${c}%`] : [c, `${c}%`, y]));
  return knex.queryBuilder().fromRaw(knex.raw(`(${parts.join(' union all ')}) as r`, params));
}
