import type { EntitySchema, SqlEntityManager } from '@mikro-orm/postgresql';

/**
 * `"schema"."table"` of an entity, read from the ORM's metadata: what a store's raw SQL names, so a table or
 * schema renamed in the entity is renamed in every statement (issue 9: table names from metadata).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function sqlTable(em: SqlEntityManager, entity: EntitySchema<any, any>): string {
  const { schema, table } = placeOf(em, entity);
  return schema ? `"${schema}"."${table}"` : `"${table}"`;
}

/** `"schema"` of the ORM's own schema (its SQL functions: `serial_plan()` and the like). */
export function sqlSchema(em: SqlEntityManager): string {
  return `"${em.config.get('schema')}"`;
}

/** `schema.table` of an entity for knex's query builder (`knex(`${knexTable(em, X)} as t`)`), from the metadata. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function knexTable(em: SqlEntityManager, entity: EntitySchema<any, any>): string {
  const { schema, table } = placeOf(em, entity);
  return schema ? `${schema}.${table}` : table;
}

/** The entity's schema (its own, else the ORM's) and table. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function placeOf(em: SqlEntityManager, entity: EntitySchema<any, any>): { schema: string | undefined; table: string } {
  const meta = em.getMetadata().get(entity.meta.className);
  const schema = meta.schema && meta.schema !== '*' ? meta.schema : em.config.get('schema');
  return { schema, table: meta.tableName };
}
