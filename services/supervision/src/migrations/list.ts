import type { MigrationObject } from '@mikro-orm/postgresql';
import { Migration20261122043240 } from './Migration20261122043240.ts';
import { Migration20261130141002 } from './Migration20261130141002.ts';
import { Migration20261130150000 } from './Migration20261130150000.ts';
import { Migration20261130143003 } from './Migration20261130143003.ts';
import { Migration20261130151003 } from './Migration20261130151003.ts';
import { Migration20261130164000 } from './Migration20261130164000.ts';
import { Migration20261130164100 } from './Migration20261130164100.ts';
import { Migration20261130200000 } from './Migration20261130200000.ts';
import { Migration20261130210000 } from './Migration20261130210000.ts';
import { Migration20261130210100 } from './Migration20261130210100.ts';
import { Migration20261130212000 } from './Migration20261130212000.ts';
import { Migration20261130212100 } from './Migration20261130212100.ts';
import { Migration20261130212200 } from './Migration20261130212200.ts';
import { Migration20261130230200 } from './Migration20261130230200.ts';
import { Migration20261201020000 } from './Migration20261201020000.ts';

/** Every committed migration, oldest first; `pnpm migration:create` writes a new file to add here. */
export const migrations: MigrationObject[] = [
  { name: 'Migration20261122043240', class: Migration20261122043240 },
  { name: 'Migration20261130141002', class: Migration20261130141002 },
  { name: 'Migration20261130150000', class: Migration20261130150000 },
  { name: 'Migration20261130143003', class: Migration20261130143003 },
  { name: 'Migration20261130151003', class: Migration20261130151003 },
  { name: 'Migration20261130164000', class: Migration20261130164000 },
  { name: 'Migration20261130164100', class: Migration20261130164100 },
  { name: 'Migration20261130200000', class: Migration20261130200000 },
  { name: 'Migration20261130210000', class: Migration20261130210000 },
  { name: 'Migration20261130210100', class: Migration20261130210100 },
  { name: 'Migration20261130212000', class: Migration20261130212000 },
  { name: 'Migration20261130212100', class: Migration20261130212100 },
  { name: 'Migration20261130212200', class: Migration20261130212200 },
  { name: 'Migration20261130230200', class: Migration20261130230200 },
  { name: 'Migration20261201020000', class: Migration20261201020000 },
];
