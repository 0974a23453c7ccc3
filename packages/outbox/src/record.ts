import { randomUUID } from 'node:crypto';
import type { EventSubscriber, FlushEventArgs, TransactionEventArgs } from '@mikro-orm/core';
import type { EntityManager, Knex, MikroORM } from '@mikro-orm/postgresql';
import { audienceOf, type NewEvent } from './envelope.ts';
import { eventsTable, partitionSql, quoteIdent } from './table.ts';

/** Where an event is written: an EntityManager (its flush or `transactional`), or a knex transaction. */
export type EventTarget = EntityManager | Knex.Transaction;

interface Row {
  id: string;
  event: NewEvent;
  occurredAt: string;
}

/**
 * Records `event` in the outbox of the service's schema, in the same transaction as the change it
 * announces, and returns its id.
 *
 * - With an EntityManager the row is written just before its transaction commits: the one the next
 *   `flush()` opens, or the one of `em.transactional(tx => …)` when `em` is `tx`. A flush or
 *   transaction that fails writes nothing. (Pass the transaction's own EntityManager inside
 *   `transactional`, not the outer one.)
 * - With a knex transaction the row is written at once.
 *
 * Events of one aggregate keep their order: the write takes a transaction-level advisory lock on the
 * aggregate before it takes its ids, as the last thing before commit, so a later transaction on the
 * same aggregate gets higher ids and the relay never sees its event before an earlier one's.
 */
export async function recordEvent(
  target: EventTarget,
  event: NewEvent,
  options: { schema?: string } = {},
): Promise<string> {
  const row = toRow(event);
  if (isKnexTransaction(target)) {
    await writeEvents(target, options.schema ?? schemaOfKnex(target), [row]);
    return row.id;
  }
  const subscriber = subscriberOf(target);
  const trx = target.isInTransaction() ? target.getTransactionContext<Knex.Transaction>()! : null;
  if (trx && parentOf(trx)) {
    // A nested transaction (a savepoint): MikroORM runs commit hooks for the outermost transaction only, so its
    // events are written at once, inside the savepoint: rolled back with it, committed with the outermost one.
    await writeEvents(trx, subscriber.schema, [row]);
    subscriber.wroteIn(rootOf(trx));
    return row.id;
  }
  subscriber.queue(trx ?? target, row);
  return row.id;
}

/** The transaction a savepoint was opened in (MikroORM marks it with its `parentTransaction` symbol), or null. */
function parentOf(trx: object): object | null {
  const symbol = Object.getOwnPropertySymbols(trx).find((s) => s.description === 'parentTransaction');
  return symbol ? ((trx as Record<symbol, object>)[symbol] ?? null) : null;
}

function rootOf(trx: object): object {
  let current = trx;
  for (let parent = parentOf(current); parent; parent = parentOf(current)) current = parent;
  return current;
}

function toRow(event: NewEvent): Row {
  const occurredAt = new Date(event.occurredAt);
  if (Number.isNaN(occurredAt.getTime())) throw new Error(`event ${event.type}: occurredAt is not a date`);
  return { id: event.id ?? randomUUID(), event, occurredAt: occurredAt.toISOString() };
}

function isKnexTransaction(target: EventTarget): target is Knex.Transaction {
  return typeof target === 'function' && (target as Knex.Transaction).isTransaction === true;
}

/**
 * Years whose partition is known to exist, per database and schema (a cache: a miss costs one `create … if not
 * exists`). A process may write to several databases (tests, benchmarks): a partition of one says nothing of another.
 */
const knownPartitions = new Set<string>();
const partitionKey = (knex: Knex, schema: string, year: number) =>
  `${(knex.client as { connectionSettings?: { database?: string } }).connectionSettings?.database ?? ''}:${schema}:${year}`;

/** Creates this year's and next year's partitions (and any in `years`) if missing. */
export async function ensurePartitions(knex: Knex, schema: string, years: number[]): Promise<void> {
  for (const year of [...new Set(years)].sort()) {
    if (knownPartitions.has(partitionKey(knex, schema, year))) continue;
    await knex.transaction(async (trx) => {
      await createPartition(trx, schema, year);
    });
    knownPartitions.add(partitionKey(knex, schema, year));
  }
}

async function createPartition(trx: Knex.Transaction, schema: string, year: number): Promise<void> {
  // Two writers creating one partition at once would collide in the catalog: one at a time per schema.
  await trx.raw(`select pg_advisory_xact_lock(hashtext('renda:outbox-partitions:${schema}'))`);
  await trx.raw(partitionSql(schema, year));
}

async function writeEvents(trx: Knex.Transaction, schema: string, rows: Row[]): Promise<void> {
  if (!rows.length) return;
  const s = quoteIdent(schema);
  const years = [...new Set(rows.map((r) => Number(r.occurredAt.slice(0, 4))))];
  for (const year of years.filter((y) => !knownPartitions.has(partitionKey(trx, schema, y)))) {
    // A partition seen committed is cached; one made here exists only if this transaction commits.
    const { rows: found } = (await trx.raw(`select to_regclass(?) is not null as "exists"`, [
      `${s}."outbox_events_y${year}"`,
    ])) as { rows: { exists: boolean }[] };
    if (found[0]?.exists) knownPartitions.add(partitionKey(trx, schema, year));
    else await createPartition(trx, schema, year);
  }
  const keys = [...new Set(rows.map((r) => `${schema}:${r.event.aggregateType}:${r.event.aggregateId}`))].sort();
  const values: unknown[] = [];
  for (const r of rows) {
    const e = r.event;
    values.push(r.id, e.type, e.aggregateType, e.aggregateId, e.regionCode ?? null, r.occurredAt);
    values.push(JSON.stringify(e.data ?? {}), JSON.stringify(audienceOf(e.audience)));
  }
  values.push(keys);
  const tuple = '(?::uuid, ?::text, ?::text, ?::text, ?::text, ?::timestamptz, ?::jsonb, ?::jsonb)';
  // One statement: the uncorrelated subquery in WHERE runs once, before any row (and so before any id
  // is drawn), taking the aggregates' locks in key order.
  await trx.raw(
    `insert into ${eventsTable(schema)} ("event_id", "type", "aggregate_type", "aggregate_id", "region_code", "occurred_at", "data", "audience")
     select * from (values ${rows.map(() => tuple).join(', ')}) as v
     where (select count(pg_advisory_xact_lock(hashtext(k))) from (select unnest(?::text[]) as k order by 1) as l) >= 0`,
    values as never,
  );
}

/** Told after a transaction that wrote events commits (the relay of this process wakes up). */
export type CommitListener = () => void;

/**
 * Writes the events queued on an EntityManager in the transaction that commits its change: just
 * before the commit of a flush or of `transactional`. Registered once per ORM by `installOutbox`.
 */
export class OutboxSubscriber implements EventSubscriber {
  private readonly pending = new WeakMap<object, Row[]>();
  private readonly listeners = new Set<CommitListener>();
  /** Transactions that wrote events: their commit wakes the relay. */
  private readonly wrote = new WeakSet<object>();

  constructor(readonly schema: string) {}

  queue(key: object, row: Row): void {
    const list = this.pending.get(key);
    if (list) list.push(row);
    else this.pending.set(key, [row]);
  }

  /** Events were written inside `transaction` (in a savepoint of it): its commit wakes the relay. */
  wroteIn(transaction: object): void {
    this.wrote.add(transaction);
  }

  onCommit(listener: CommitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private take(args: { em: unknown; transaction?: unknown }): Row[] {
    const rows: Row[] = [];
    for (const key of [args.transaction, args.em]) {
      if (key && (typeof key === 'object' || typeof key === 'function')) {
        rows.push(...(this.pending.get(key as object) ?? []));
        this.pending.delete(key as object);
      }
    }
    return rows;
  }

  async beforeTransactionCommit(args: TransactionEventArgs): Promise<void> {
    const rows = this.take(args);
    if (!rows.length) return;
    await writeEvents(args.transaction as Knex.Transaction, this.schema, rows);
    this.wrote.add(args.transaction as object);
  }

  afterTransactionCommit(args: TransactionEventArgs): void {
    if (!args.transaction || !this.wrote.delete(args.transaction as object)) return;
    this.listeners.forEach((l) => l());
  }

  beforeTransactionRollback(args: TransactionEventArgs): void {
    this.take(args);
  }

  /** A flush that had nothing to write opened no transaction: its events go in one of their own. */
  async afterFlush(args: FlushEventArgs): Promise<void> {
    const em = args.em as EntityManager;
    if (em.isInTransaction()) return;
    const rows = this.take({ em });
    if (!rows.length) return;
    const knex = em.getConnection('write').getKnex();
    await knex.transaction((trx) => writeEvents(trx, this.schema, rows));
    this.listeners.forEach((l) => l());
  }
}

function subscriberOf(em: EntityManager): OutboxSubscriber {
  for (const s of em.getEventManager().getSubscribers()) if (s instanceof OutboxSubscriber) return s;
  throw new Error('recordEvent: the outbox is not installed on this ORM (installOutbox at start).');
}

const schemasByKnexClient = new WeakMap<object, string>();

function schemaOfKnex(trx: Knex.Transaction): string {
  // A transaction's client is made from the ORM's (prototype chain): find the one installOutbox saw.
  for (let client: object | null = trx.client as object; client; client = Object.getPrototypeOf(client)) {
    const schema = schemasByKnexClient.get(client);
    if (schema) return schema;
  }
  throw new Error('recordEvent: this knex transaction is not of an ORM with the outbox installed; pass { schema }.');
}

/**
 * Makes `recordEvent` work on this ORM's EntityManagers and knex transactions, and creates this
 * year's and next year's partitions (years of `now`, UTC). Returns the subscriber (relays listen to
 * its commits).
 */
export async function installOutbox(orm: MikroORM, schema: string, now: Date): Promise<OutboxSubscriber> {
  quoteIdent(schema);
  const events = orm.em.getEventManager();
  let subscriber = [...events.getSubscribers()].find((s): s is OutboxSubscriber => s instanceof OutboxSubscriber);
  if (!subscriber) {
    subscriber = new OutboxSubscriber(schema);
    events.registerSubscriber(subscriber);
  }
  const knex = orm.em.getConnection('write').getKnex();
  schemasByKnexClient.set(knex.client as object, schema);
  const year = now.getUTCFullYear();
  await ensurePartitions(knex, schema, [year, year + 1]);
  return subscriber;
}
