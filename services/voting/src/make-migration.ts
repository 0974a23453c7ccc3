import { fileURLToPath } from 'node:url';
import { makeMigration } from '@renda/db/make-migration';
import { entities } from './entities.ts';
import { migrations } from './migrations/list.ts';

// The figures' rollups (Migration20261201030000) are kept by triggers and read in SQL: no entity's.
const file = await makeMigration(
  {
    schema: 'voting',
    entities,
    migrations,
    migrationsPath: fileURLToPath(new URL('./migrations', import.meta.url)),
  },
  false,
  [/^voting_rollups$/, /^voting_region_months$/],
);
console.log(file ? `wrote ${file}` : 'no changes: the migrations already match the entities');
