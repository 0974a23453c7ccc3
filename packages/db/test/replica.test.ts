import { Migration } from '@mikro-orm/migrations';
import { EntitySchema, MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countStatements, openDatabase } from '../src/orm.ts';
import { markWritten, readKnex } from '../src/replicas.ts';

const base = process.env.DATABASE_URL;
const replicaBase = process.env.DATABASE_REPLICA_URLS?.split(',')[0];
const name = `renda_replica_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
if (!base || !replicaBase) {
  console.log('replica.test.ts skipped: DATABASE_URL and DATABASE_REPLICA_URLS must be set (.ci/run starts a replica)');
}

interface Note {
  id: number;
  text: string;
}
const NoteSchema = new EntitySchema<Note>({
  name: 'Note',
  tableName: 'replicatest.notes',
  properties: { id: { type: 'number', primary: true, autoincrement: true }, text: { type: 'string' } },
});
class CreateNotes extends Migration {
  override async up(): Promise<void> {
    this.addSql('create table "replicatest"."notes" ("id" serial primary key, "text" text not null);');
  }
}

const withDb = (url: string) => Object.assign(new URL(url), { pathname: `/${name}` }).toString();
const inRecovery = async (knex: ReturnType<typeof readKnex>) =>
  ((await knex.raw('select pg_is_in_recovery() as r')) as { rows: { r: boolean }[] }).rows[0]!.r;

async function eventually<T>(probe: () => Promise<T | undefined>, what: string, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    // Until the schema itself has replicated, the replica answers "does not exist": not yet, like no row.
    const value = await probe().catch((e: Error) => {
      if (/does not exist/.test(e.message)) return undefined;
      throw e;
    });
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!base || !replicaBase)('read replicas (DATABASE_REPLICA_URLS)', () => {
  let admin: MikroORM;
  let orm: MikroORM;
  beforeAll(async () => {
    const discovery = { warnWhenNoEntities: false };
    admin = await MikroORM.init({ clientUrl: base, entities: [], discovery, allowGlobalContext: true });
    await admin.em.getConnection().execute(`create database "${name}"`);
    // The replica replays the new database; connecting before that would fail.
    const probe = await MikroORM.init({
      clientUrl: withDb(replicaBase!),
      entities: [],
      discovery: { warnWhenNoEntities: false },
      ensureDatabase: false,
    });
    const reachable = () =>
      probe.em
        .getConnection()
        .execute('select 1')
        .then(
          () => true,
          () => undefined,
        );
    await eventually(reachable, 'database on replica');
    await probe.close();
    orm = await openDatabase({
      url: withDb(base!),
      replicaUrls: withDb(replicaBase!),
      schema: 'replicatest',
      entities: [NoteSchema],
      migrationsPath: '/nonexistent',
      migrations: [{ name: 'Migration20260101000000', class: CreateNotes }],
      poolMax: 3,
    });
  }, 60_000);
  afterAll(async () => {
    await orm?.close();
    await admin.em.getConnection().execute(`drop database if exists "${name}" with (force)`);
    await admin.close();
  });

  it('a request that has not written reads through the replica; ORM statements stay on the primary', async () => {
    const em = orm.em.fork();
    const [read, primary] = [await inRecovery(readKnex(em)), await inRecovery(em.getKnex())];
    console.log(`replica: readKnex of a fresh request -> pg_is_in_recovery() = ${read}; em.getKnex() -> ${primary}`);
    expect(read).toBe(true);
    expect(primary).toBe(false);
    // em.find sends nothing to the replica: preferReadReplicas is off.
    const replicaStatements: string[] = [];
    const replicaKnex = orm.em.getConnection('read').getKnex();
    const listen = (q: { sql: string }) => replicaStatements.push(q.sql);
    replicaKnex.on('query', listen);
    const primaryCount = countStatements(orm);
    try {
      await em.find(NoteSchema, {});
    } finally {
      replicaKnex.removeListener('query', listen);
      primaryCount.stop();
    }
    expect(replicaStatements).toEqual([]);
    expect(primaryCount.count()).toBe(1);
  });

  it('a write is visible to its writer at once (primary), and to other readers once replicated', async () => {
    const writer = orm.em.fork();
    const note = writer.create(NoteSchema, { text: `hello ${name}` });
    await writer.flush();
    // The writer's reads, through the ORM or readKnex, go to the primary from now on.
    expect(await inRecovery(readKnex(writer))).toBe(false);
    const [mine] = (await readKnex(writer)('replicatest.notes').where('id', note.id)) as Note[];
    expect(mine?.text).toBe(`hello ${name}`);
    expect((await writer.fork().findOne(NoteSchema, note.id))?.text).toBe(`hello ${name}`);
    // Another request reads from the replica, where the row arrives by streaming replication.
    const reader = orm.em.fork();
    const started = Date.now();
    const seen = await eventually(
      async () => ((await readKnex(reader)('replicatest.notes').where('id', note.id)) as Note[])[0],
      'row on replica',
    );
    expect(await inRecovery(readKnex(reader))).toBe(true);
    const lag = Date.now() - started;
    console.log(`replica: writer read its row on the primary at once; another request on the replica ${lag} ms later`);
    expect(seen.text).toBe(`hello ${name}`);
  });

  it('markWritten marks raw SQL writes; a transaction and its request after it read on the primary', async () => {
    const em = orm.em.fork();
    await em.getKnex()('replicatest.notes').insert({ text: 'raw' });
    markWritten(em);
    expect(await inRecovery(readKnex(em))).toBe(false);
    const request = orm.em.fork();
    await request.transactional(async (tx) => {
      expect(await inRecovery(readKnex(tx))).toBe(false);
      tx.create(NoteSchema, { text: 'in a transaction' });
    });
    expect(await inRecovery(readKnex(request))).toBe(false);
    // Other requests were not marked.
    expect(await inRecovery(readKnex(orm.em.fork()))).toBe(true);
  });
});
