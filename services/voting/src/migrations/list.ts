import type { MigrationObject } from '@mikro-orm/postgresql';
import { Migration20261122043434 } from './Migration20261122043434.ts';
import { Migration20261130120000 } from './Migration20261130120000.ts';
import { Migration20261130140000 } from './Migration20261130140000.ts';
import { Migration20261130141003 } from './Migration20261130141003.ts';
import { Migration20261130144300 } from './Migration20261130144300.ts';
import { Migration20261130150000 } from './Migration20261130150000.ts';
import { Migration20261130143004 } from './Migration20261130143004.ts';
import { Migration20261130151004 } from './Migration20261130151004.ts';
import { Migration20261130165000 } from './Migration20261130165000.ts';
import { Migration20261130165100 } from './Migration20261130165100.ts';
import { Migration20261130200100 } from './Migration20261130200100.ts';
import { Migration20261201030000 } from './Migration20261201030000.ts';

/** Every committed migration, oldest first; `pnpm migration:create` writes a new file to add here. */
export const migrations: MigrationObject[] = [
  { name: 'Migration20261122043434', class: Migration20261122043434 },
  { name: 'Migration20261130120000', class: Migration20261130120000 },
  { name: 'Migration20261130140000', class: Migration20261130140000 },
  { name: 'Migration20261130141003', class: Migration20261130141003 },
  { name: 'Migration20261130144300', class: Migration20261130144300 },
  { name: 'Migration20261130150000', class: Migration20261130150000 },
  { name: 'Migration20261130143004', class: Migration20261130143004 },
  { name: 'Migration20261130151004', class: Migration20261130151004 },
  { name: 'Migration20261130165000', class: Migration20261130165000 },
  { name: 'Migration20261130165100', class: Migration20261130165100 },
  { name: 'Migration20261130200100', class: Migration20261130200100 },
  { name: 'Migration20261201030000', class: Migration20261201030000 },
];
