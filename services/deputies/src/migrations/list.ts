import type { MigrationObject } from '@mikro-orm/postgresql';
import { Migration20261122042110 } from './Migration20261122042110.ts';
import { Migration20261130114112 } from './Migration20261130114112.ts';
import { Migration20261130114907 } from './Migration20261130114907.ts';
import { Migration20261130120021 } from './Migration20261130120021.ts';
import { Migration20261130123420 } from './Migration20261130123420.ts';
import { Migration20261130141000 } from './Migration20261130141000.ts';
import { Migration20261130142000 } from './Migration20261130142000.ts';
import { Migration20261130143001 } from './Migration20261130143001.ts';
import { Migration20261130144100 } from './Migration20261130144100.ts';
import { Migration20261130144200 } from './Migration20261130144200.ts';
import { Migration20261130145010 } from './Migration20261130145010.ts';
import { Migration20261130151001 } from './Migration20261130151001.ts';
import { Migration20261130162000 } from './Migration20261130162000.ts';
import { Migration20261130162100 } from './Migration20261130162100.ts';
import { Migration20261130160100 } from './Migration20261130160100.ts';
import { Migration20261130213000 } from './Migration20261130213000.ts';
import { Migration20261130230100 } from './Migration20261130230100.ts';
import { Migration20261130233000 } from './Migration20261130233000.ts';
import { Migration20261201040000 } from './Migration20261201040000.ts';

/** Every committed migration, oldest first; `pnpm migration:create` writes a new file to add here. */
export const migrations: MigrationObject[] = [
  { name: 'Migration20261122042110', class: Migration20261122042110 },
  { name: 'Migration20261130114112', class: Migration20261130114112 },
  { name: 'Migration20261130114907', class: Migration20261130114907 },
  { name: 'Migration20261130120021', class: Migration20261130120021 },
  { name: 'Migration20261130123420', class: Migration20261130123420 },
  { name: 'Migration20261130141000', class: Migration20261130141000 },
  { name: 'Migration20261130142000', class: Migration20261130142000 },
  { name: 'Migration20261130143001', class: Migration20261130143001 },
  { name: 'Migration20261130144100', class: Migration20261130144100 },
  { name: 'Migration20261130144200', class: Migration20261130144200 },
  { name: 'Migration20261130145010', class: Migration20261130145010 },
  { name: 'Migration20261130151001', class: Migration20261130151001 },
  { name: 'Migration20261130162000', class: Migration20261130162000 },
  { name: 'Migration20261130162100', class: Migration20261130162100 },
  { name: 'Migration20261130160100', class: Migration20261130160100 },
  { name: 'Migration20261130213000', class: Migration20261130213000 },
  { name: 'Migration20261130230100', class: Migration20261130230100 },
  { name: 'Migration20261130233000', class: Migration20261130233000 },
  { name: 'Migration20261201040000', class: Migration20261201040000 },
];
