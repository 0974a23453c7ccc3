import type { EntityManager, Knex } from '@mikro-orm/postgresql';

/**
 * The voting service's one way to send SQL: every value travels as a bound parameter.
 *
 * MikroORM 6 formats parameters into the SQL text before it reaches the driver: `em.execute`,
 * `connection.execute`, the query builder, `em.find`/`em.count` and `flush` all end in
 * `AbstractSqlConnection.execute`, which calls `platform.formatQuery(sql, params)` and sends the
 * result as `knex.raw(formatted)` with no bindings, so every value shows in `pg_stat_activity.query`
 * and in statement logs. Here `knex.raw(text, values)` turns each `?` into `$1`, `$2` … and the pg
 * driver sends the values apart from the text (extended protocol: Parse/Bind/Execute); the server
 * only ever sees the text with placeholders. `?` is the only placeholder; identifiers are written
 * into the text by the caller (never from input: see `countsTable`).
 *
 * The statement runs in the transaction of `em` when there is one (`em.transactional(tx => …)`).
 */
export async function query<T = Record<string, unknown>>(
  em: EntityManager,
  text: string,
  values: readonly unknown[] = [],
): Promise<T[]> {
  return (await send(em, text, values)).rows as T[];
}

/** Like `query`, for a write: the number of rows it touched. */
export async function run(em: EntityManager, text: string, values: readonly unknown[] = []): Promise<number> {
  return (await send(em, text, values)).rowCount ?? 0;
}

async function send(em: EntityManager, text: string, values: readonly unknown[]): Promise<Result> {
  const bad = values.findIndex((v) => v === undefined);
  if (bad >= 0) throw new Error(`SQL value ${bad + 1} is undefined`);
  const knex = em.getConnection().getKnex();
  const trx = em.getTransactionContext<Knex.Transaction>();
  if (trx) return (await knex.raw(text, values as never).transacting(trx)) as Result;
  if (!values.length) return (await knex.raw(text)) as Result;
  // A bound statement is several protocol messages (Parse, Bind, Execute, Sync). The embedded
  // database's socket server (PGlite) queues each message on its own and keeps one connection's
  // messages together only inside a transaction, so outside one, two connections' messages could
  // interleave on its single backend; a statement of its own in BEGIN … COMMIT keeps them whole.
  return (await knex.transaction((t) => knex.raw(text, values as never).transacting(t))) as Result;
}

type Result = { rows: unknown[]; rowCount: number | null };

/** `?, ?, …` for a list of `n` values, or `(?::uuid, ?::int), …` for `n` tuples of a given shape. */
export function placeholders(n: number, tuple = '?'): string {
  return Array.from({ length: n }, () => tuple).join(', ');
}
