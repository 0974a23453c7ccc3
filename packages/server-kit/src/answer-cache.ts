import { createHash } from 'node:crypto';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { MikroORM } from '@mikro-orm/postgresql';
import { LRUCache } from 'lru-cache';
import type { Clock } from './clock.ts';
import type { Logger } from './logger.ts';

export interface AnswerCacheOptions {
  orm: MikroORM;
  clock: Clock;
  /** Checks the bearer before an answer is served (the cached verifier: a map lookup once verified). */
  verify: (authorization: string) => Promise<unknown>;
  /** The most the stored answers may take, in characters of their JSON. */
  maxChars: number;
  /** A line per answer served from here (`info`, as the request log's line per operation), with the request id. */
  log?: Logger;
}

/** What a miss remembers until its answer is known: the key, and the database state it was asked in. */
export interface AnswerMiss {
  key: string;
  snapshot: string;
}

export interface AnswerCacheStats {
  hits: number;
  misses: number;
  stored: number;
  /** Answers not stored because the database changed while they were computed. */
  changedMeanwhile: number;
  /** Reads not looked up while the cache rested (see `restWhenUseless`). */
  rested: number;
}

/**
 * On a cluster written to all the time hardly any answer is asked for twice under one snapshot, and
 * every lookup is a statement for nothing: when fewer than 1 in `hitsPerWindow` of `window` lookups
 * hit, the cache rests (no lookups) for `restMs`, then tries again.
 */
export const restWhenUseless = { window: 256, hitsPerWindow: 32, restMs: 30_000 };

/**
 * Whole answers to a bearer's read, kept in this process and served again while nothing in the
 * database changed.
 *
 * The key is the request's body (query, operation name, variables), its `Authorization` value (so
 * no user is ever given another's answer, and a bearer's role and region are part of it), the
 * clock's minute (figures "as of today" move with the date) and PostgreSQL's current snapshot
 * (`pg_current_snapshot()`: the oldest running transaction, the next transaction id and the ones
 * in progress). Two reads with equal snapshots see exactly the same committed rows in every table of
 * the cluster, so any write anywhere (this service, another service, a copy of it, a migration, psql)
 * changes the key before its rows can be read. An answer is stored only when the snapshot read after
 * it equals the one read before it: nothing was committed while it was computed (its own writes
 * included), so it is exactly what the state under its key gives. Only query operations answered
 * without errors are stored (`answerCachePlugin` marks them); a mutation is never served from here.
 *
 * The cost of a read is one `select pg_current_snapshot()` and a hash; a hit skips the whole
 * GraphQL pipeline. It is off with read replicas (their snapshots lag the primary's differently).
 */
export class AnswerCache {
  private readonly answers: LRUCache<string, string>;
  /**
   * Each request's mark, a property of its context: Apollo Server runs an operation on a shallow
   * copy of the context it was given, so the plugin flips the mark object both share.
   */
  private readonly mark = Symbol('answerable');
  readonly stats: AnswerCacheStats = { hits: 0, misses: 0, stored: 0, changedMeanwhile: 0, rested: 0 };
  private windowLookups = 0;
  private windowHits = 0;
  private restingUntil = 0;

  constructor(private readonly options: AnswerCacheOptions) {
    this.answers = new LRUCache<string, string>({
      maxSize: options.maxChars,
      // An answer larger than an eighth of the store is not kept (an export-sized page would evict the rest).
      maxEntrySize: Math.max(1, Math.floor(options.maxChars / 8)),
      sizeCalculation: (value, key) => value.length + key.length,
      // The minute in the key ends an entry's use anyway; this frees its memory.
      ttl: 120_000,
      ttlAutopurge: false,
    });
  }

  /** The stored answer for this bearer's request now, or what to remember to store it; null when not cached. */
  async lookup(
    authorization: string,
    body: string,
    requestId?: string,
  ): Promise<{ answer: string } | { miss: AnswerMiss } | null> {
    try {
      await this.options.verify(authorization);
    } catch {
      // Refused: GraphQL answers it (401), never the cache.
      return null;
    }
    if (this.restingUntil) {
      if (performance.now() < this.restingUntil) {
        this.stats.rested += 1;
        return null;
      }
      this.restingUntil = 0;
    }
    if (++this.windowLookups >= restWhenUseless.window) {
      if (this.windowHits * restWhenUseless.hitsPerWindow < this.windowLookups)
        this.restingUntil = performance.now() + restWhenUseless.restMs;
      this.windowLookups = 0;
      this.windowHits = 0;
    }
    const snapshot = await this.snapshot();
    const minute = Math.floor(this.options.clock.now().getTime() / 60_000);
    const key = createHash('sha256')
      .update(authorization)
      .update('\n')
      .update(String(minute))
      .update('\n')
      .update(snapshot)
      .update('\n')
      .update(body)
      .digest('base64');
    const answer = this.answers.get(key);
    if (answer !== undefined) {
      this.stats.hits += 1;
      this.windowHits += 1;
      // Never the body or the token: they may hold personal data.
      const log = this.options.log;
      if (log?.isLevelEnabled('info')) log.info({ ...(requestId ? { requestId } : {}), cached: true }, 'graphql');
      return { answer };
    }
    this.stats.misses += 1;
    return { miss: { key, snapshot } };
  }

  /** Gives a request's context its mark (the front door, for a miss). */
  marked<C extends object>(context: C): C {
    (context as Record<symbol, { ok: boolean }>)[this.mark] = { ok: false };
    return context;
  }

  /** Stores the answer of a miss when its operation was an answered query and nothing changed meanwhile. */
  async store(miss: AnswerMiss, context: object | undefined, answer: string): Promise<void> {
    if (!(context as Record<symbol, { ok: boolean }> | undefined)?.[this.mark]?.ok) return;
    if ((await this.snapshot()) !== miss.snapshot) {
      this.stats.changedMeanwhile += 1;
      return;
    }
    this.answers.set(miss.key, answer);
    this.stats.stored += 1;
  }

  /** Marks a request's context whose answer may be stored: a query answered without errors. */
  plugin<C extends BaseContext>(hasFailures: (context: C) => boolean): ApolloServerPlugin<C> {
    const mark = this.mark;
    return {
      async requestDidStart() {
        return {
          async willSendResponse({ operation, response, contextValue }) {
            if (operation?.operation !== 'query' || response.body.kind !== 'single') return;
            if (response.body.singleResult.errors?.length || hasFailures(contextValue)) return;
            const flag = (contextValue as Record<symbol, { ok: boolean } | undefined>)[mark];
            if (flag) flag.ok = true;
          },
        };
      },
    };
  }

  private async snapshot(): Promise<string> {
    // knex directly: a third of the CPU of the ORM connection's `execute` for this one-value statement.
    const result = (await this.options.orm.em.getKnex().raw('select pg_current_snapshot()::text as s')) as {
      rows: { s: string }[];
    };
    return result.rows[0]!.s;
  }
}
