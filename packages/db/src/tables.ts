import type { EntitySchema, MetadataStorage } from '@mikro-orm/postgresql';

/**
 * Where the names come from: the ORM's metadata and its schema. An EntityManager has them, and so has the ORM
 * itself, for the statements that run on a bare knex (background loops, reminder jobs, the event intake).
 */
export interface Names {
  getMetadata(): MetadataStorage;
  config: { get(key: 'schema'): string | undefined };
}

/**
 * `"schema"."table"` of an entity, read from the ORM's metadata: what a store's raw SQL names, so a table or
 * schema renamed in the entity is renamed in every statement (issue 9: table names from metadata).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function sqlTable(em: Names, entity: EntitySchema<any, any>): string {
  const { schema, table } = placeOf(em, entity);
  return schema ? `"${schema}"."${table}"` : `"${table}"`;
}

/** `"schema"` of the ORM's own schema (its SQL functions: `serial_plan()` and the like). */
export function sqlSchema(em: Names): string {
  return `"${schemaOf(em)}"`;
}

/** The ORM's own schema, unquoted (what the shared packages take to name their tables in it: `reminder_sent`). */
export function schemaOf(em: Names): string {
  const schema = em.config.get('schema');
  if (!schema) throw new Error('The ORM has no schema: each service owns one (openDatabase `schema`).');
  return schema;
}

/** `schema.table` of an entity for knex's query builder (`knex(`${knexTable(em, X)} as t`)`), from the metadata. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function knexTable(em: Names, entity: EntitySchema<any, any>): string {
  const { schema, table } = placeOf(em, entity);
  return schema ? `${schema}.${table}` : table;
}

/** The entity's schema (its own, else the ORM's) and table. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function placeOf(em: Names, entity: EntitySchema<any, any>): { schema: string | undefined; table: string } {
  const meta = em.getMetadata().get(entity.meta.className);
  const schema = meta.schema && meta.schema !== '*' ? meta.schema : em.config.get('schema');
  return { schema, table: meta.tableName };
}
