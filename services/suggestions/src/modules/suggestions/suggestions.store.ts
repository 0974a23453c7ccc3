import type { EntityManager, EntitySchema, Knex, SqlEntityManager } from '@mikro-orm/postgresql';
import { sqlTable } from '@renda/db/tables';
import {
  HandlingUnitSchema,
  SerialCounterSchema,
  SuggestionSchema,
  SuggestionSignerSchema,
} from './suggestion.entity.ts';

/**
 * The statements of the items module (issue 9): the lists and connections of items (`suggestions`,
 * `publishedSuggestions`, the nested lists of deputies, units and sessions), the access subqueries of
 * `ownScopeSql`, the per-deputy counts and the serial counters, each table named from the ORM's metadata.
 * The services keep the rules (who reads what, which filters are valid); this file only builds and runs SQL.
 * The builders take the knex the caller reads with (the primary's, or a replica's), the names come from `em`.
 */
const tables = (em: EntityManager) => ({
  items: sqlTable(em as SqlEntityManager, SuggestionSchema),
  signers: sqlTable(em as SqlEntityManager, SuggestionSignerSchema),
  units: sqlTable(em as SqlEntityManager, HandlingUnitSchema),
  counters: sqlTable(em as SqlEntityManager, SerialCounterSchema),
});

/**
 * `{ alias: table }` for knex with the table as SQL (`"schema"."table"`): knex renders it `"schema"."table" as
 * "alias"`, the text a `{ alias: 'schema.table' }` gave; its types only want strings there.
 */
const aliased = (knex: Knex, alias: string, table: string) =>
  ({ [alias]: knex.raw(table) }) as unknown as Record<string, string>;

/** The items, aliased `s`: the start of every list of items. */
export function itemsQuery(em: EntityManager, knex: Knex): Knex.QueryBuilder {
  return knex(aliased(knex, 's', tables(em).items));
}

/** The items, aliased `s`, joined to their signers aliased `g` (Deputy.suggestions). */
export function signedItemsQuery(em: EntityManager, knex: Knex): Knex.QueryBuilder {
  return itemsQuery(em, knex).join(aliased(knex, 'g', tables(em).signers), 'g.suggestion_id', 's.id');
}

/** The items, aliased `s`, joined to their handling units aliased `h` (GovernmentUnit.handledSuggestions). */
export function handledItemsQuery(em: EntityManager, knex: Knex): Knex.QueryBuilder {
  return itemsQuery(em, knex).join(aliased(knex, 'h', tables(em).units), 'h.suggestion_id', 's.id');
}

/** `exists` subquery: the deputy signed (led or co-signed) the item aliased `alias`. */
export function signedBy(em: EntityManager, knex: Knex, alias: string, deputyId: string): Knex.QueryBuilder {
  return knex(aliased(knex, 'rs', tables(em).signers))
    .select(knex.raw('1'))
    .whereRaw(`rs.suggestion_id = ${alias}.id`)
    .andWhere('rs.deputy_id', deputyId);
}

/** `exists` subquery: the unit handles (leads or co-handles) the item aliased `alias`. */
export function handledBy(em: EntityManager, knex: Knex, alias: string, unitId: string): Knex.QueryBuilder {
  return knex(aliased(knex, 'ru', tables(em).units))
    .select(knex.raw('1'))
    .whereRaw(`ru.suggestion_id = ${alias}.id`)
    .andWhere('ru.unit_id', unitId);
}

/** `exists` subquery of the `unitId` filter of `suggestions`: the unit handles the item aliased `s`. */
export function handledByFilter(em: EntityManager, knex: Knex, unitId: string): Knex.QueryBuilder {
  return knex(aliased(knex, 'hu', tables(em).units))
    .select(knex.raw('1'))
    .whereRaw('hu.suggestion_id = s.id')
    .andWhere('hu.unit_id', unitId);
}

/** Items led by each of the deputies `ids` (valid ids) in `year`, withdrawn ones left out (D-7). */
export function leadCounts(
  em: EntityManager,
  ids: readonly string[],
  year: number,
): Promise<{ lead_deputy_id: string; n: string }[]> {
  const knex = em.getKnex();
  return knex(knex.raw(tables(em).items))
    .select('lead_deputy_id')
    .count('* as n')
    .whereIn('lead_deputy_id', ids)
    .andWhere('year', year)
    .whereNull('withdrawn_at')
    .groupBy('lead_deputy_id') as unknown as Promise<{ lead_deputy_id: string; n: string }[]>;
}

/**
 * The next serial of a register for a kind: one atomic upsert, in the transaction of `em` (the one that
 * creates the item: a rolled-back registration takes no serial).
 */
export async function nextSerial(em: EntityManager, registerKey: string, kind: string): Promise<number> {
  const trx = em.getTransactionContext<Knex.Transaction>();
  const counters = em.getMetadata().get(SerialCounterSchema.meta.className).tableName;
  const statement = em.getKnex().raw(
    `insert into ${tables(em).counters} ("register_key", "kind", "last") values (?, ?, 1)
     on conflict ("register_key", "kind") do update set "last" = "${counters}"."last" + 1 returning "last"`,
    [registerKey, kind],
  );
  const { rows } = (await (trx ? statement.transacting(trx) : statement)) as { rows: { last: number }[] };
  return Number(rows[0]!.last);
}

/**
 * The items' table as the change feeds name it (`schema.table`, unquoted: `readFeed` passes it to knex), and
 * the schema of its tombstones, both from the metadata.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function feedTable(em: EntityManager, entity: EntitySchema<any, any>): { table: string; schema: string } {
  const meta = em.getMetadata().get(entity.meta.className);
  const name = meta.schema && meta.schema !== '*' ? meta.schema : (em.config.get('schema') as string);
  return { table: `${name}.${meta.tableName}`, schema: name };
}
