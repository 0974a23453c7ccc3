import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { knex, type Knex } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../src/embedded.ts';

// The embedded database is one PGlite backend behind a socket server: several connections (several
// processes of `pnpm start`) send it extended queries (Parse, Bind, Execute, Sync) at once. On disk, as
// `pnpm start` keeps it: writing to the data folder after each message lets other connections in.
const dataDir = mkdtempSync(join(tmpdir(), 'renda-wire-'));
let embedded: EmbeddedPostgres;
const clients: Knex[] = [];

beforeAll(async () => {
  embedded = await startEmbeddedPostgres({ dataDir: join(dataDir, 'pglite') });
}, 120_000);
afterAll(async () => {
  await Promise.all(clients.map((c) => c.destroy()));
  await embedded.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const client = (max: number) => {
  const c = knex({ client: 'pg', connection: embedded.url, pool: { min: 0, max } });
  clients.push(c);
  return c;
};

/** A bare wire-protocol connection, to send an extended query's messages apart, as a busy client's may arrive. */
class Wire {
  private received = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  private constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.received = Buffer.concat([this.received, d]);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static async open(url: string): Promise<Wire> {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname);
    await new Promise((resolve) => socket.once('connect', resolve));
    const wire = new Wire(socket);
    const params = Buffer.from('user\0postgres\0database\0postgres\0\0');
    const head = Buffer.alloc(8);
    head.writeInt32BE(8 + params.length);
    head.writeInt32BE(196608, 4);
    socket.write(Buffer.concat([head, params]));
    await wire.readyForQuery();
    return wire;
  }

  private static message(type: string, ...parts: Buffer[]): Buffer {
    const body = Buffer.concat(parts);
    const head = Buffer.alloc(5);
    head.write(type);
    head.writeInt32BE(body.length + 4, 1);
    return Buffer.concat([head, body]);
  }

  parse(sql: string): void {
    this.socket.write(Wire.message('P', Buffer.from(`\0${sql}\0`), Buffer.alloc(2)));
  }

  /** Bind (one text parameter), Execute, Sync: resolves with the first row's first column, or the error. */
  async bindExecuteSync(value: string): Promise<string> {
    const param = Buffer.from(value);
    // After the empty portal and statement names: no parameter formats (text), one parameter.
    const bind = Buffer.alloc(2 + 2 + 4);
    bind.writeInt16BE(1, 2);
    bind.writeInt32BE(param.length, 4);
    this.socket.write(
      Buffer.concat([
        Wire.message('B', Buffer.from('\0\0'), bind, param, Buffer.alloc(2)),
        Wire.message('E', Buffer.from('\0'), Buffer.alloc(4)),
        Wire.message('S'),
      ]),
    );
    const reply = await this.readyForQuery();
    for (let at = 0; at < reply.length; at += 1 + reply.readInt32BE(at + 1)) {
      const type = String.fromCharCode(reply[at]!);
      if (type === 'D') return reply.subarray(at + 11, at + 11 + reply.readInt32BE(at + 7)).toString();
      if (type === 'E') return `error: ${reply.subarray(at + 5, at + 1 + reply.readInt32BE(at + 1)).toString()}`;
    }
    return 'no row';
  }

  /** Everything received up to and including the next ReadyForQuery. */
  private async readyForQuery(): Promise<Buffer> {
    for (;;) {
      for (let at = 0; at + 5 <= this.received.length; at += 1 + this.received.readInt32BE(at + 1)) {
        if (this.received[at] === 0x5a && at + 6 <= this.received.length) {
          const reply = this.received.subarray(0, at + 6);
          this.received = this.received.subarray(at + 6);
          return reply;
        }
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  close(): void {
    this.socket.end(Wire.message('X'));
  }

  /** Gone without a word, as a killed process's connection. */
  drop(): void {
    this.socket.destroy();
  }
}

describe('the embedded database serves several connections at once', () => {
  it("keeps a connection's unnamed statement its own from Parse to Sync, even when its messages arrive apart", async () => {
    const one = await Wire.open(embedded.url);
    const two = await Wire.open(embedded.url);
    try {
      one.parse("select 'one:' || $1::text");
      await new Promise((r) => setTimeout(r, 100));
      two.parse("select 'two:' || $1::text");
      const second = two.bindExecuteSync('b');
      await new Promise((r) => setTimeout(r, 100));
      expect(await one.bindExecuteSync('a')).toBe('one:a');
      expect(await second).toBe('two:b');
    } finally {
      one.close();
      two.close();
    }
  });

  it('gives the backend to the others when a connection goes away halfway through its query', async () => {
    const one = await Wire.open(embedded.url);
    const two = await Wire.open(embedded.url);
    try {
      one.parse("select 'one:' || $1::text");
      await new Promise((r) => setTimeout(r, 100));
      two.parse("select 'two:' || $1::text");
      const second = two.bindExecuteSync('b');
      one.drop();
      expect(await second).toBe('two:b');
    } finally {
      two.close();
    }
  });

  it('keeps each extended query on its own statement: every parameterized query gets its own answer', async () => {
    // Two pools (two services), four connections each, all sending parameterized queries together.
    const a = client(4);
    const b = client(4);
    const ask = (c: Knex, n: number) =>
      c.raw('select ?::int as n, pg_typeof(?::text) as t', [n, `q${n}`]).then((r: { rows: { n: number }[] }) => r.rows);
    const answers = await Promise.all(Array.from({ length: 200 }, (_, n) => ask(n % 2 ? a : b, n)));
    expect(answers.map((rows) => rows.map((r) => r.n))).toEqual(Array.from({ length: 200 }, (_, n) => [n]));
  });

  it('keeps a transaction to itself and serves the others once it ends, a failed one included', async () => {
    const a = client(2);
    const b = client(2);
    await a.raw('create table wire_t (n int primary key)');
    const failing = a
      .transaction(async (trx) => {
        await trx.raw('insert into wire_t values (?)', [1]);
        await new Promise((r) => setTimeout(r, 50));
        await trx.raw('insert into wire_t values (?)', [1]);
      })
      .then(
        () => 'committed',
        (e: { code?: string }) => e.code,
      );
    const outside = Array.from({ length: 20 }, (_, n) => b.raw('select ?::int as n', [n]));
    expect(await failing).toBe('23505');
    expect((await Promise.all(outside)).map((r: { rows: { n: number }[] }) => r.rows[0]!.n)).toEqual(
      Array.from({ length: 20 }, (_, n) => n),
    );
    expect((await b.raw('select count(*)::int as c from wire_t')).rows[0].c).toBe(0);
  });
});
