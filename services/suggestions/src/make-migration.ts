import { fileURLToPath } from 'node:url';
import { MikroORM } from '@mikro-orm/postgresql';
import { startEmbeddedPostgres } from '@renda/db/embedded';
import { createOwnSchema, ormConfig } from '@renda/db/orm';
import { entities } from './entities.ts';
import { migrations } from './migrations/list.ts';

/**
 * Statements the schema generator keeps proposing for differences an entity cannot express; each is
 * made by a hand-written migration on purpose. Anything else the generator proposes is a real change.
 */
const unexpressible: { reason: string; statement: RegExp }[] = [
  {
    // Partitioned tables (Migration20261130145000) need the partition key in their primary key; the
    // entities keep `id` alone as their identity, which is unique through the key registry.
    reason: 'partitioned primary keys (id, year)',
    statement: /"(suggestions|process_steps)_pkey"/,
  },
  {
    // Composite keys onto a partitioned parent: (id, year) → suggestion_keys, and a step's
    // (suggestion_id, year) → its item, which PostgreSQL also attaches to each partition (`_fk_1`, …).
    reason: 'year-carrying foreign keys of the partitioned tables',
    statement: /"(suggestions_key_fk|process_steps_suggestion_fk(_\d+)?|process_steps_suggestion_id_year_fkey)"/,
  },
  {
    // The statistics' rollups (Migration20261130144000) are written only by the items' row trigger, never
    // through the ORM, and belong to the statistics module (reworked separately, issue 10).
    reason: 'rollup tables kept by trigger',
    statement: /"suggestion_rollups_(unit|period|topic)"/,
  },
];

const pg = process.env.MIGRATION_DATABASE_URL ? null : await startEmbeddedPostgres();
const url = process.env.MIGRATION_DATABASE_URL ?? pg!.url;
const orm = await MikroORM.init(
  ormConfig(
    {
      url,
      schema: 'suggestions',
      entities,
      migrations,
      migrationsPath: fileURLToPath(new URL('./migrations', import.meta.url)),
    },
    true,
  ),
);
try {
  await createOwnSchema(orm);
  const migrator = orm.getMigrator();
  await migrator.up();
  const diff = await orm.schema.getUpdateSchemaMigrationSQL({ wrap: false, safe: false });
  const real = diff.up
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !unexpressible.some((u) => u.statement.test(line)));
  if (real.length === 0) {
    console.log('no changes: the migrations already match the entities');
  } else if (process.env.MIGRATION_DRY_RUN) {
    console.log(real.join('\n'));
  } else {
    // The file holds the whole diff: remove the statements listed in `unexpressible` when checking it by hand.
    const result = await migrator.createMigration(undefined, false, false);
    console.log(`wrote ${result.fileName}`);
  }
} finally {
  await orm.close();
  await pg?.stop();
}
