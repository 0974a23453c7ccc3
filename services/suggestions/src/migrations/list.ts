import type { MigrationObject } from '@mikro-orm/postgresql';
import { Migration20261122045536 } from './Migration20261122045536.ts';
import { Migration20261130121800 } from './Migration20261130121800.ts';
import { Migration20261130123000 } from './Migration20261130123000.ts';
import { Migration20261130123515 } from './Migration20261130123515.ts';
import { Migration20261130130309 } from './Migration20261130130309.ts';
import { Migration20261130141001 } from './Migration20261130141001.ts';
import { Migration20261130143002 } from './Migration20261130143002.ts';
import { Migration20261130144000 } from './Migration20261130144000.ts';
import { Migration20261130145000 } from './Migration20261130145000.ts';
import { Migration20261130151002 } from './Migration20261130151002.ts';
import { Migration20261130160000 } from './Migration20261130160000.ts';
import { Migration20261130163000 } from './Migration20261130163000.ts';
import { Migration20261130163100 } from './Migration20261130163100.ts';
import { Migration20261130214000 } from './Migration20261130214000.ts';
import { Migration20261130230000 } from './Migration20261130230000.ts';
import { Migration20261130234000 } from './Migration20261130234000.ts';
import { Migration20261130234100 } from './Migration20261130234100.ts';

/** Every committed migration, oldest first; `pnpm migration:create` writes a new file to add here. */
export const migrations: MigrationObject[] = [
  { name: 'Migration20261122045536', class: Migration20261122045536 },
  { name: 'Migration20261130121800', class: Migration20261130121800 },
  { name: 'Migration20261130123000', class: Migration20261130123000 },
  { name: 'Migration20261130123515', class: Migration20261130123515 },
  { name: 'Migration20261130130309', class: Migration20261130130309 },
  { name: 'Migration20261130141001', class: Migration20261130141001 },
  { name: 'Migration20261130143002', class: Migration20261130143002 },
  { name: 'Migration20261130144000', class: Migration20261130144000 },
  { name: 'Migration20261130145000', class: Migration20261130145000 },
  { name: 'Migration20261130151002', class: Migration20261130151002 },
  { name: 'Migration20261130160000', class: Migration20261130160000 },
  { name: 'Migration20261130163000', class: Migration20261130163000 },
  { name: 'Migration20261130163100', class: Migration20261130163100 },
  { name: 'Migration20261130214000', class: Migration20261130214000 },
  { name: 'Migration20261130230000', class: Migration20261130230000 },
  { name: 'Migration20261130234000', class: Migration20261130234000 },
  { name: 'Migration20261130234100', class: Migration20261130234100 },
];
