import type { MigrationObject } from '@mikro-orm/postgresql';
import { Migration20261122043434 } from './Migration20261122043434.ts';

/** Every committed migration, oldest first; `pnpm migration:create` writes a new file to add here. */
export const migrations: MigrationObject[] = [{ name: 'Migration20261122043434', class: Migration20261122043434 }];
