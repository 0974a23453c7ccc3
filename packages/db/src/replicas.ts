import type {
  EntityManager,
  EventSubscriber,
  FlushEventArgs,
  ForkOptions,
  TransactionEventArgs,
} from '@mikro-orm/core';
import { SqlEntityManager, type Knex, type PostgreSqlDriver } from '@mikro-orm/postgresql';

/**
 * Where reads go when read replicas are configured (`DATABASE_REPLICA_URLS`).
 *
 * The rule: everything runs on the primary (MikroORM's `preferReadReplicas` is off), so code that
 * writes and reads back always sees its write. A read goes to a replica only when the code asks for
 * it with `readKnex(em)` (statistics, public lists), and even then stays on the primary when the
 * EntityManager is in a transaction or has written (a flush with changes, a committed transaction,
 * which may have written through raw SQL, or `markWritten(em)` after raw SQL writes outside one).
 * A request's EntityManager is one fork of the global one; a write in a fork of it (`em.transactional`
 * forks) marks it too, so "has written" is per request.
 * Replication lag is therefore visible only to a request that did not write.
 */
const written = new WeakSet<EntityManager>();
const parents = new WeakMap<EntityManager, EntityManager>();

/** Remembers which EntityManager each fork came from (the ORM's EntityManager class, set by `ormConfig`). */
export class TrackingEntityManager extends SqlEntityManager<PostgreSqlDriver> {
  override fork(options?: ForkOptions): this {
    const fork = super.fork(options);
    parents.set(fork, this);
    return fork;
  }
}

/**
 * Marks `em` and the forks it came from, up to (not including) the global EntityManager, as having
 * written: their later `readKnex` reads use the primary.
 */
export function markWritten(em: EntityManager): void {
  for (let e: EntityManager | undefined = em; e && parents.has(e); e = parents.get(e)) written.add(e);
}

/** The knex to run a read-only statement on: a replica when one is configured and `em` has not written. */
export function readKnex(em: SqlEntityManager): Knex {
  return em.getKnex(em.isInTransaction() || written.has(em) ? 'write' : 'read');
}

/** Marks EntityManagers that flush changes or commit a transaction (registered by `openDatabase`). */
export class WriteTracker implements EventSubscriber {
  afterFlush(args: FlushEventArgs): void {
    if (args.uow.getChangeSets().length > 0) markWritten(args.em);
  }
  afterTransactionCommit(args: TransactionEventArgs): void {
    markWritten(args.em);
  }
}

/** Parses `DATABASE_REPLICA_URLS` (comma-separated PostgreSQL URLs) into MikroORM's `replicas` option. */
export function replicasOf(list: string | undefined): { name: string; clientUrl: string }[] {
  return (list ?? '')
    .split(',')
    .map((url) => url.trim())
    .filter(Boolean)
    .map((clientUrl, i) => {
      if (!/^postgres(ql)?:\/\//.test(clientUrl)) {
        throw new Error(`DATABASE_REPLICA_URLS: "${clientUrl}" is not a postgres:// URL`);
      }
      return { name: `replica-${i + 1}`, clientUrl };
    });
}
