import { Migration } from '@mikro-orm/migrations';
import { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type OpenDatabaseOptions } from '../src/orm.ts';

const base = process.env.DATABASE_URL;
const name = `renda_lock_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
let admin: MikroORM;

/** A slow migration that counts how often it runs: two copies applying it would write two rows. */
class CreateCounter extends Migration {
  override async up(): Promise<void> {
    this.addSql('create table "locktest"."applied" ("n" serial primary key);');
    this.addSql('select pg_sleep(0.5);');
    this.addSql('insert into "locktest"."applied" default values;');
  }
}

function options(url: string): OpenDatabaseOptions {
  return {
    url,
    schema: 'locktest',
    entities: [],
    migrationsPath: '/nonexistent',
    migrations: [{ name: 'Migration20260101000000', class: CreateCounter }],
    poolMax: 3,
  };
}

// PGlite serves one session, in which an advisory lock cannot make anyone wait: this needs PostgreSQL.
describe.skipIf(!base)('migrations under an advisory lock', () => {
  beforeAll(async () => {
    admin = await MikroORM.init({
      clientUrl: base,
      entities: [],
      discovery: { warnWhenNoEntities: false },
      allowGlobalContext: true,
    });
    await admin.em.getConnection().execute(`create database "${name}"`);
  });
  afterAll(async () => {
    await admin.em.getConnection().execute(`drop database if exists "${name}" with (force)`);
    await admin.close();
  });

  it('two copies migrating the same fresh schema at once both start, and the migration runs once', async () => {
    const url = new URL(base!);
    url.pathname = `/${name}`;
    const copies = await Promise.all([openDatabase(options(url.toString())), openDatabase(options(url.toString()))]);
    try {
      const conn = copies[0].em.getConnection();
      expect(await conn.execute('select count(*)::int as n from "locktest"."applied"')).toEqual([{ n: 1 }]);
      const recorded = await conn.execute('select count(*)::int as n from "locktest"."mikro_orm_migrations"');
      expect(recorded).toEqual([{ n: 1 }]);
    } finally {
      await Promise.all(copies.map((orm) => orm.close()));
    }
  });
});
