import { defineEntity, p, type SqlEntityManager } from '@mikro-orm/postgresql';
import { sqlTable } from '@renda/db/tables';

/**
 * The figures' rollups (Migration20261130144200), kept by row triggers and `rebuild_deputy_rollups()`, read in
 * SQL by `figures.store.ts`. They have no primary key, so their entities are read-only metadata: virtual
 * entities (an `expression`: the rows of their own table), which the ORM never writes and the schema generator
 * leaves alone. What they give is the tables' names in the statements.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const ownRows = (entity: () => any) => (em: SqlEntityManager) => `select * from ${sqlTable(em, entity())}`;

const rollupColumns = () => ({
  part: p.string().columnType('char(1)'),
  level: p.string().length(10),
  year: p.integer().nullable(),
  kind: p.string().length(20).nullable(),
  nth: p.smallint().nullable(),
  day: p.date().nullable(),
  until: p.date().nullable(),
  congressId: p.uuid().nullable(),
  officeFrom: p.date().nullable(),
  officeTo: p.date().nullable(),
  n: p.integer(),
});

/** One row per subtree (`scope_code`: the deputy's region and each ancestor), congress level and part. */
export const DeputyRollupSchema = defineEntity({
  name: 'DeputyRollup',
  tableName: 'deputy_rollups',
  expression: ownRows(() => DeputyRollupSchema),
  properties: { scopeCode: p.string().length(9), ...rollupColumns() },
});

/** What each deputy contributes to `deputy_rollups` (`deputy_parts`), replaced when the deputy changes. */
export const DeputyRollupPartSchema = defineEntity({
  name: 'DeputyRollupPart',
  tableName: 'deputy_rollup_parts',
  expression: ownRows(() => DeputyRollupPartSchema),
  properties: { deputyId: p.uuid(), regionCode: p.string().length(9), ...rollupColumns() },
});
