import type { Knex } from '@mikro-orm/postgresql';

/** The slice of a node-postgres client the leader uses (its own session, outside the pool). */
export interface LeaderConnection {
  query(sql: string): Promise<{ rows: Record<string, unknown>[] }>;
  on(event: 'error', listener: (e: Error) => void): unknown;
}

export interface TaskLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface LeaderLoopOptions {
  /** Names the lock: one leader per key and database, across every copy of the service. */
  lockKey: string;
  knex: Knex;
  intervalMs: number;
  /** One round of work, run only while this copy holds the lock; returns true when there is more to do at once. */
  tick(connection: LeaderConnection): Promise<boolean>;
  log: TaskLog;
  name: string;
}

/**
 * Runs `tick` every `intervalMs` in the one copy of a service that holds a PostgreSQL session-level
 * advisory lock. The lock is taken on a connection of its own (not from the pool), so it lives as
 * long as that session: a copy that dies, or whose connection drops, loses it, and another copy's
 * next try (every interval) takes over. A lost connection is reopened and the lock tried again.
 */
export class LeaderLoop {
  private connection: (LeaderConnection & { end?: () => Promise<void> }) | null = null;
  private leader = false;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;
  private failures = 0;

  constructor(private readonly options: LeaderLoopOptions) {}

  get isLeader(): boolean {
    return this.leader;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Runs a round now (if this copy leads): a commit with new events calls this. */
  nudge(): void {
    if (this.stopped || !this.leader || this.running) return;
    this.schedule(0);
  }

  /** Runs one round now and waits for it (tests). */
  async runOnce(): Promise<void> {
    if (this.running) await this.running;
    await this.round();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => {});
    await this.release();
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.running) return;
      this.running = this.round().finally(() => {
        this.running = null;
      });
    }, ms);
    this.timer.unref?.();
  }

  private async round(): Promise<void> {
    let more = false;
    try {
      const connection = await this.lead();
      if (connection) {
        more = await this.options.tick(connection);
        this.failures = 0;
      }
    } catch (e) {
      this.failures++;
      this.options.log.warn({ err: e, task: this.options.name }, `${this.options.name}: round failed; retrying`);
      // A broken session has lost the lock with it: reconnect and try again.
      if (!(await this.alive())) await this.release();
    }
    const backoff = this.failures
      ? Math.min(30_000, this.options.intervalMs * 2 ** Math.min(this.failures, 5))
      : this.options.intervalMs;
    this.schedule(more ? 0 : backoff);
  }

  /** The lock's connection when this copy leads (taking the lock if it is free), else null. */
  private async lead(): Promise<LeaderConnection | null> {
    if (!this.connection) {
      const client = this.options.knex.client as {
        acquireRawConnection(): Promise<LeaderConnection & { end(): Promise<void> }>;
      };
      const connection = await client.acquireRawConnection();
      connection.on('error', () => {
        // node-postgres reports a lost session more than once (the server's FATAL message, then the socket's
        // end), and under load the second report can come after this copy has reconnected and leads on a new
        // session: only the session in use now counts, or the new one would be dropped still holding the lock.
        if (this.connection !== connection) return;
        // The session is gone, and its lock with it.
        this.leader = false;
        this.connection = null;
        void connection.end?.().catch(() => {});
      });
      this.connection = connection;
    }
    if (this.leader) return this.connection;
    const { rows } = await this.connection.query(
      `select pg_try_advisory_lock(hashtext(${literal(this.options.lockKey)})) as ok`,
    );
    if (rows[0]?.ok === true) {
      this.leader = true;
      this.options.log.info({ task: this.options.name }, `${this.options.name}: this copy leads`);
      return this.connection;
    }
    return null;
  }

  private async alive(): Promise<boolean> {
    if (!this.connection) return false;
    try {
      await this.connection.query('select 1');
      return true;
    } catch {
      return false;
    }
  }

  private async release(): Promise<void> {
    const connection = this.connection;
    this.connection = null;
    const wasLeader = this.leader;
    this.leader = false;
    if (!connection) return;
    try {
      if (wasLeader) await connection.query(`select pg_advisory_unlock(hashtext(${literal(this.options.lockKey)}))`);
    } catch {
      // Closing the session releases it anyway.
    }
    await connection.end?.().catch(() => {});
  }
}

/** A SQL string literal (the simple query protocol keeps the embedded database's socket happy). */
export function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
