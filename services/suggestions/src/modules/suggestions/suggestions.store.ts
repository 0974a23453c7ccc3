import type { EntityManager, EntitySchema, Knex, SqlEntityManager } from '@mikro-orm/postgresql';
import { sqlTable } from '@renda/db/tables';
import { likeEscape } from '@renda/server-kit/validate';
import { overdueParams, overdueSql } from '../stats/overdue.ts';
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

/** A condition on the items aliased `s` (an access rule of `access.ts`). */
type Condition = (q: Knex.QueryBuilder) => void;

/** The filters of `suggestions`, validated by the service; each one given narrows the list. */
export interface ItemFilter {
  regionCode?: string;
  year?: number;
  kind?: string;
  stage?: string;
  grade?: string;
  isKey?: boolean;
  unitId?: string;
  /** Overdue (`yes`) or not, measured on the day `on` (S-8, F-1). */
  overdue?: { yes: boolean; on: string };
  category?: string;
  /** Searched in title and content, case-insensitive. */
  text?: string;
}

/** `suggestions`: the items aliased `s` in the caller's scope (`scope`), filtered by `f`. */
export function filteredItems(em: EntityManager, knex: Knex, scope: Condition, f: ItemFilter): Knex.QueryBuilder {
  const query = itemsQuery(em, knex);
  query.where(scope);
  if (f.regionCode !== undefined) query.where('s.region_code', 'like', `${f.regionCode}%`);
  if (f.year !== undefined) query.where('s.year', f.year);
  if (f.kind !== undefined) query.where('s.kind', f.kind);
  if (f.stage !== undefined) query.where('s.stage', f.stage);
  if (f.grade !== undefined) query.where('s.grade', f.grade);
  if (f.isKey !== undefined) query.where('s.is_key', f.isKey);
  if (f.unitId !== undefined) query.whereExists(handledByFilter(em, knex, f.unitId));
  if (f.overdue !== undefined) {
    const overdue = knex.raw(overdueSql('s', '?::date'), overdueParams(f.overdue.on));
    if (f.overdue.yes) query.where(overdue);
    else query.whereNot(overdue);
  }
  if (f.category !== undefined) query.where('s.category', f.category);
  if (f.text !== undefined) {
    const pattern = `%${likeEscape(f.text)}%`;
    query.where((q) => {
      q.whereRaw(`s.title ilike ? escape '\\'`, [pattern]).orWhereRaw(`s.content ilike ? escape '\\'`, [pattern]);
    });
  }
  return query;
}

/** 网上公开: the published items aliased `s` of the subtree `code`, of `year` when given. */
export function publishedItems(em: EntityManager, code: string, year: number | null): Knex.QueryBuilder {
  const query = itemsQuery(em, em.getKnex()).where('s.published', true).andWhere('s.region_code', 'like', `${code}%`);
  if (year !== null) query.where('s.year', year);
  return query;
}

/** At most `limit` + 1 ids of the items `query` (aliased `s`), newest first, before `afterId` when given. */
export async function pageIds(query: Knex.QueryBuilder, limit: number, afterId: string | null): Promise<string[]> {
  const ids = query
    .clone()
    .select('s.id')
    .orderBy('s.id', 'desc')
    .limit(limit + 1);
  if (afterId) ids.where('s.id', '<', afterId);
  return ((await ids) as { id: string }[]).map((r) => r.id);
}

/** How many rows `query` has: a statement that runs only when awaited (`.then`). */
export function countQuery(query: Knex.QueryBuilder): Knex.QueryBuilder {
  return query.clone().count<{ count: string }[]>('* as count');
}

/** Deputy.suggestions: items the deputies `deputyIds` signed, `readable`, not withdrawn, of `year` when given. */
export function signedItems(
  em: EntityManager,
  knex: Knex,
  deputyIds: readonly string[],
  readable: Condition,
  year: number | null,
): Knex.QueryBuilder {
  const q = itemsQuery(em, knex)
    .join(aliased(knex, 'g', tables(em).signers), 'g.suggestion_id', 's.id')
    .whereIn('g.deputy_id', deputyIds)
    .where(readable)
    .whereNull('s.withdrawn_at');
  if (year !== null) q.where('g.year', year);
  return q;
}

/** GovernmentUnit.handledSuggestions: items the units `unitIds` handle, `readable`, not withdrawn; year, stage. */
export function handledItems(
  em: EntityManager,
  knex: Knex,
  unitIds: readonly string[],
  readable: Condition,
  year: number | null,
  stage: string | null,
): Knex.QueryBuilder {
  const q = itemsQuery(em, knex)
    .join(aliased(knex, 'h', tables(em).units), 'h.suggestion_id', 's.id')
    .whereIn('h.unit_id', unitIds)
    .where(readable)
    .whereNull('s.withdrawn_at');
  if (year !== null) q.where('h.year', year);
  if (stage) q.where('s.stage', stage);
  return q;
}

/** CongressSession.suggestions: items registered at the sessions `sessionIds`, `readable`, not withdrawn. */
export function sessionItems(
  em: EntityManager,
  knex: Knex,
  sessionIds: readonly string[],
  readable: Condition,
): Knex.QueryBuilder {
  return itemsQuery(em, knex).whereIn('s.session_id', sessionIds).where(readable).whereNull('s.withdrawn_at');
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
 * A feed's register table as the change feeds name it (`schema.table`, unquoted: `readFeed` passes it to knex),
 * and the schema of its tombstones, both from the metadata.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function feedTable(em: EntityManager, entity: EntitySchema<any, any>): { table: string; schema: string } {
  const meta = em.getMetadata().get(entity.meta.className);
  const name = meta.schema && meta.schema !== '*' ? meta.schema : (em.config.get('schema') as string);
  return { table: `${name}.${meta.tableName}`, schema: name };
}
