import type { Knex } from '@mikro-orm/postgresql';
import { isId } from '@renda/db/ids';
import { badInput } from '@renda/errors/errors';
import type { ServiceContext } from './context.ts';
import { pageInfoOf, pageSize, type PageInfo } from './pagination.ts';
import { requireRegionCode } from './validate.ts';

/**
 * 增量变更流 incremental feeds, read side: one register's changes in the window
 * [updatedSince, highWaterMark), rows as they are now and deletions (tombstones) in one stream, in
 * (updatedAt, id) order, paged with an opaque cursor. The database side (`@renda/db/feeds`) keeps
 * `updated_at` and writes tombstones by trigger.
 *
 * Exactly once: a client passes the last window's `highWaterMark` as the next `updatedSince`; windows are
 * half-open and tile time. A window ends at the earlier of now and the start of the oldest transaction
 * still writing (every row it writes is stamped later than that), truncated to the millisecond that
 * `DateTime` carries, so no row commits later inside a window already read. Rows at one instant are told
 * apart by id, so a page boundary never skips or repeats one. The window's end travels in the cursor:
 * every page of one pull reads the same window.
 */

export interface FeedArgs {
  regionCode: string;
  /** DateTime scalars arrive parsed (a Date); a string is read as ISO 8601. */
  updatedSince: Date | string;
  updatedBefore?: Date | string | null;
  first?: number | null;
  after?: string | null;
}

export interface FeedRegisterQuery<T> {
  /** The register's table, schema-qualified (`deputies.deputies`); it is aliased `t`. */
  table: string;
  /** Schema holding the `tombstones` table. */
  schema: string;
  /** Register name in `tombstones.register`. */
  register: string;
  /** Keeps rows of the subtree (`prefix` is a region code); default: `t.region_code` starts with it. */
  region?: (query: Knex.QueryBuilder, prefix: string, knex: Knex) => void;
  /** Narrows `t` to what the caller may list (the register's list rule); region prefix already applied. */
  rows: (query: Knex.QueryBuilder, knex: Knex) => void;
  /**
   * Narrows the tombstones (aliased `b`: `region_code`, `owner_id`) to the caller's; region prefix already
   * applied. Null: the caller sees no deletions of this register.
   */
  tombstones: ((query: Knex.QueryBuilder) => void) | null;
  /** Loads the current rows of these ids (any order; missing ones are skipped). */
  load: (ids: string[]) => Promise<T[]>;
  idOf: (row: T) => string;
}

export interface FeedChange<T> {
  cursor: string;
  id: string;
  updatedAt: Date;
  deletedAt: Date | null;
  node: T | null;
}

export interface FeedConnection<T> {
  edges: FeedChange<T>[];
  pageInfo: PageInfo;
  highWaterMark: Date;
}

interface FeedCursor {
  /** Window end, epoch milliseconds. */
  before: number;
  /** Last change read: its instant at microseconds (ISO text from PostgreSQL), deleted flag, id. */
  at: string;
  deleted: boolean;
  id: string;
}

const cursorPrefix = 'feed:';
const instantPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

function encodeFeedCursor(c: FeedCursor): string {
  return Buffer.from(`${cursorPrefix}${c.before}|${c.at}|${c.deleted ? 1 : 0}|${c.id}`, 'utf8').toString('base64url');
}

function decodeFeedCursor(cursor: string | null | undefined): FeedCursor | null {
  if (cursor === null || cursor === undefined || cursor === '') return null;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const parts = text.startsWith(cursorPrefix) ? text.slice(cursorPrefix.length).split('|') : [];
  const [before, at, deleted, id] = parts;
  const wellFormed =
    parts.length === 4 &&
    /^\d{1,15}$/.test(before!) &&
    instantPattern.test(at!) &&
    /^[01]$/.test(deleted!) &&
    isId(id!);
  if (!wellFormed) {
    throw badInput('`after` is not a cursor of this feed; use an `endCursor` from an earlier page.', 'after');
  }
  return { before: Number(before), at: at!, deleted: deleted === '1', id: id! };
}

interface Found {
  id: string;
  at: string;
}

/** (time, deleted, id): the times are fixed-width UTC text and the ids lowercase uuids, so text order is theirs. */
function compareChanges(a: Found & { deleted: boolean }, b: Found & { deleted: boolean }): number {
  if (a.at !== b.at) return a.at < b.at ? -1 : 1;
  if (a.deleted !== b.deleted) return a.deleted ? 1 : -1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

const isoMicros = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * End of a window read now: the earlier of now and the oldest open writing transaction's start, down to
 * the millisecond. Read in its own statement before the rows' statement (its own snapshot, read
 * committed), so a transaction that finishes between the two is either seen or starts after the end.
 * PostgreSQL shows a session's `backend_xid` and `xact_start` to its own role (and to pg_read_all_stats):
 * the service's writes to its schema come from the role that reads the feed.
 */
async function safeWindowEnd(knex: Knex): Promise<number> {
  const result = await knex.raw(`select (extract(epoch from date_trunc('milliseconds', least(clock_timestamp(), (
      select min(xact_start) from pg_stat_activity
      where backend_xid is not null and pid <> pg_backend_pid() and datname = current_database()
    )))) * 1000)::bigint::text as ms`);
  const rows = (result as { rows: { ms: string }[] }).rows;
  return Number(rows[0]!.ms);
}

export async function readFeed<T>(
  ctx: ServiceContext,
  spec: FeedRegisterQuery<T>,
  args: FeedArgs,
): Promise<FeedConnection<T>> {
  const code = requireRegionCode(args.regionCode, 'regionCode');
  const limit = pageSize(args.first);
  const cursor = decodeFeedCursor(args.after);
  const knex = ctx.em.getKnex();
  const since = new Date(args.updatedSince).getTime();
  let before: number;
  if (cursor) {
    before = cursor.before;
  } else {
    before = await safeWindowEnd(knex);
    if (args.updatedBefore) before = Math.min(before, new Date(args.updatedBefore).getTime());
  }
  const highWaterMark = new Date(Math.max(before, since));
  if (limit === 0 || since >= before) {
    return { edges: [], pageInfo: pageInfoOf([], false, !!args.after), highWaterMark };
  }

  const from = new Date(since).toISOString();
  const to = new Date(before).toISOString();
  // Two keyset reads, each down its (time, id) index, merged here in (time, deleted, id) order: a live row
  // sorts before a deletion at the same instant.
  const after = (q: Knex.QueryBuilder, time: string, id: string, deleted: boolean) => {
    if (!cursor) return;
    if (cursor.deleted === deleted) q.whereRaw(`(${time}, ${id}) > (?::timestamptz, ?)`, [cursor.at, cursor.id]);
    else if (deleted) q.whereRaw(`${time} >= ?::timestamptz`, [cursor.at]);
    else q.whereRaw(`${time} > ?::timestamptz`, [cursor.at]);
  };
  const rows = knex({ t: spec.table })
    .select(knex.raw('t.id::text as id'), knex.raw(`${isoMicros('t.updated_at')} as at`))
    .where('t.updated_at', '>=', from)
    .where('t.updated_at', '<', to);
  if (spec.region) spec.region(rows, code, knex);
  else rows.where('t.region_code', 'like', `${code}%`);
  spec.rows(rows, knex);
  after(rows, 't.updated_at', 't.id', false);
  const liveFound = (await rows.orderBy([{ column: 't.updated_at' }, { column: 't.id' }]).limit(limit + 1)) as Found[];
  let deadFound: Found[] = [];
  if (spec.tombstones) {
    const dead = knex({ b: `${spec.schema}.tombstones` })
      .select('b.id', knex.raw(`${isoMicros('b.deleted_at')} as at`))
      .where('b.register', spec.register)
      .where('b.region_code', 'like', `${code}%`)
      .where('b.deleted_at', '>=', from)
      .where('b.deleted_at', '<', to);
    spec.tombstones(dead);
    after(dead, 'b.deleted_at', 'b.id collate "C"', true);
    deadFound = (await dead.orderByRaw('b.deleted_at, b.id collate "C"').limit(limit + 1)) as Found[];
  }
  const found = [
    ...liveFound.map((f) => ({ ...f, deleted: false })),
    ...deadFound.map((f) => ({ ...f, deleted: true })),
  ].sort(compareChanges);
  const changes = found.slice(0, limit);
  const live = changes.filter((c) => !c.deleted).map((c) => c.id);
  const nodes = live.length ? await spec.load(live) : [];
  const byId = new Map(nodes.map((n) => [spec.idOf(n), n]));
  const edges = changes.map((c) => {
    const when = new Date(c.at);
    return {
      cursor: encodeFeedCursor({ before, at: c.at, deleted: c.deleted, id: c.id }),
      id: c.id,
      updatedAt: when,
      deletedAt: c.deleted ? when : null,
      node: c.deleted ? null : (byId.get(c.id) ?? null),
    };
  });
  const pageInfo = pageInfoOf(edges, found.length > limit, !!args.after);
  return { edges, pageInfo, highWaterMark };
}
