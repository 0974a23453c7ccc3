import { fileURLToPath } from 'node:url';
import { makeMigration } from '@renda/db/make-migration';
import { entities } from './entities.ts';
import { migrations } from './migrations/list.ts';

const file = await makeMigration({
  schema: 'suggestions',
  entities,
  migrations,
  migrationsPath: fileURLToPath(new URL('./migrations', import.meta.url)),
});
console.log(file ? `wrote ${file}` : 'no changes: the migrations already match the entities');
