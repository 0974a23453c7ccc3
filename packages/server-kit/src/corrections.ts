import { defineEntity, type EntityManager, type InferEntity, p } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { requireReadIn } from '@renda/auth/guards';
import type { Viewer } from '@renda/auth/viewer';
import { badInput, conflict } from '@renda/errors/errors';
import { decodeCursor, pageSize, toConnection, type Connection } from './pagination.ts';
import { requireRegionCode } from './validate.ts';

/**
 * 更正 corrections with a trail (issue 9): every record staff enter can be corrected or withdrawn by its
 * owner role. Each such record carries an optimistic `version` (a stale edit gets CONFLICT) and every
 * correction or withdrawal writes one `audit_log` row in the same transaction: who, when, what changed, why.
 *
 * A service adds `AuditEntry` to its entities (one `audit_log` table in its own schema), calls
 * `correct`/`withdraw` from its write functions, and serves `auditLog` through `auditLogPage`.
 */
export type AuditAction = 'CORRECT' | 'WITHDRAW';
const auditActions: AuditAction[] = ['CORRECT', 'WITHDRAW'];

/** What one field was and became. */
export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

export const AuditEntry = defineEntity({
  name: 'AuditEntry',
  tableName: 'audit_log',
  indexes: [{ properties: ['entity', 'entityId'] }, { properties: ['regionCode', 'at'] }],
  properties: {
    id: p.uuid().primary(),
    /** The kind of record, as the API names its type (e.g. `ContactRecord`). */
    entity: p.string().length(60),
    entityId: p.string().length(64),
    /** The record's region: the audit log is read by staff of a subtree. */
    regionCode: p.string().length(9),
    action: p.enum(auditActions),
    /** The record's version after this change. */
    version: p.integer(),
    actorId: p.string().length(100),
    actorRole: p.string().length(20),
    actorName: p.string().length(100).nullable(),
    reason: p.text(),
    changes: p.json<FieldChange[]>(),
    at: p.datetime(),
  },
});
export type AuditEntryRow = InferEntity<typeof AuditEntry>;

/** The smallest a reason may be: a correction says why. */
const reasonMin = 2;
const reasonMax = 500;

/** A correction's reason, trimmed; refused when empty or too long. */
export function requireReason(reason: string | null | undefined): string {
  const text = (reason ?? '').trim();
  if (text.length < reasonMin || text.length > reasonMax) {
    throw badInput(`\`reason\` must say why, in ${reasonMin} to ${reasonMax} characters.`, 'reason');
  }
  return text;
}

/** Refuses an edit made against an older version of the record than the stored one. */
export function requireVersion(kind: string, stored: number, expected: number): void {
  if (!Number.isInteger(expected) || expected < 1) throw badInput('`version` must be a positive integer.', 'version');
  if (stored !== expected) {
    throw conflict(
      `This ${kind} was changed since you read it (it is at version ${stored}, your edit was made on version ${expected}); read it again and repeat the correction.`,
    );
  }
}

function same(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  return JSON.stringify(a) === JSON.stringify(b);
}

function plain(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : (value ?? null);
}

export interface Versioned {
  version: number;
}

export interface AuditedChange<T extends Versioned> {
  /** The record's type as the API names it. */
  kind: string;
  record: T;
  /** The record's id, as clients see it. */
  id: string;
  regionCode: string;
  /** The version the client read. */
  expectedVersion: number;
  reason: string | null | undefined;
  viewer: Viewer;
  at: Date;
  /**
   * Changes the correction makes to other records in the same unit of work (e.g. the mandate a corrected absence
   * terminates or restores, as `deputy.status`): recorded in the same audit entry, after the record's own fields.
   */
  alsoChanged?: FieldChange[];
}

/**
 * Applies `patch` to `record` (fields whose value is `undefined` are left as they are), bumps its version and
 * records the change in the audit log, all in `em`'s unit of work (flushed by the caller's transaction).
 * Returns the changed fields; a patch that changes nothing is refused (BAD_USER_INPUT) so the log holds
 * only real corrections.
 */
export function correct<T extends Versioned>(
  em: EntityManager,
  change: AuditedChange<T>,
  patch: Partial<Record<keyof T & string, unknown>>,
): FieldChange[] {
  requireVersion(change.kind, change.record.version, change.expectedVersion);
  const reason = requireReason(change.reason);
  const changes: FieldChange[] = [];
  const record = change.record as unknown as Record<string, unknown>;
  for (const [field, to] of Object.entries(patch)) {
    if (to === undefined || field === 'version') continue;
    if (!same(record[field], to)) changes.push({ field, from: plain(record[field]), to: plain(to) });
  }
  if (changes.length === 0) throw badInput('The correction changes nothing.', 'input');
  for (const c of changes) record[c.field] = (patch as Record<string, unknown>)[c.field];
  change.record.version += 1;
  audit(em, change, 'CORRECT', reason, changes);
  return changes;
}

/**
 * Marks a record withdrawn (撤回): the caller sets its own withdrawn fields in `patch` (e.g. `withdrawnAt`),
 * which leave it out of lists and figures; bumps the version and records it.
 */
export function withdraw<T extends Versioned>(
  em: EntityManager,
  change: AuditedChange<T>,
  patch: Partial<Record<keyof T & string, unknown>>,
): void {
  requireVersion(change.kind, change.record.version, change.expectedVersion);
  const reason = requireReason(change.reason);
  const record = change.record as unknown as Record<string, unknown>;
  const changes: FieldChange[] = Object.entries(patch).map(([field, to]) => ({
    field,
    from: plain(record[field]),
    to: plain(to),
  }));
  for (const [field, to] of Object.entries(patch)) record[field] = to;
  change.record.version += 1;
  audit(em, change, 'WITHDRAW', reason, changes);
}

function audit<T extends Versioned>(
  em: EntityManager,
  change: AuditedChange<T>,
  action: AuditAction,
  reason: string,
  changes: FieldChange[],
): void {
  em.create(AuditEntry, {
    id: randomUUID(),
    entity: change.kind,
    entityId: change.id,
    regionCode: change.regionCode,
    action,
    version: change.record.version,
    actorId: change.viewer.sub,
    actorRole: change.viewer.role,
    actorName: change.viewer.name ?? null,
    reason,
    changes: [...changes, ...(change.alsoChanged ?? []).map((c) => ({ ...c, from: plain(c.from), to: plain(c.to) }))],
    at: change.at,
  });
}

/** The GraphQL shape of one entry (`AuditEntry` in each subgraph's SDL, @shareable). */
export interface AuditEntryView {
  id: string;
  entity: string;
  entityId: string;
  regionCode: string;
  action: AuditAction;
  version: number;
  actor: { id: string; role: string; name: string | null };
  reason: string;
  changes: { field: string; from: string | null; to: string | null }[];
  at: Date;
}

function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function view(row: AuditEntryRow): AuditEntryView {
  return {
    id: row.id,
    entity: row.entity,
    entityId: row.entityId,
    regionCode: row.regionCode,
    action: row.action,
    version: row.version,
    actor: { id: row.actorId, role: row.actorRole, name: row.actorName ?? null },
    reason: row.reason,
    changes: row.changes.map((c: FieldChange) => ({ field: c.field, from: text(c.from), to: text(c.to) })),
    at: row.at,
  };
}

export interface AuditLogArgs {
  regionCode: string;
  entity?: string | null;
  entityId?: string | null;
  first?: number | null;
  after?: string | null;
}

/**
 * 更正记录 the audit log of a subtree, newest first, for staff who may read the region (STAFF, ANALYST, ADMIN
 * of the subtree); optionally of one kind of record or one record.
 */
export async function auditLogPage(
  em: EntityManager,
  viewer: Viewer | null,
  args: AuditLogArgs,
): Promise<Connection<AuditEntryView>> {
  const regionCode = requireRegionCode(args.regionCode, 'regionCode');
  requireReadIn(viewer, regionCode, 'the audit log');
  const first = pageSize(args.first);
  const after = decodeCursor(args.after);
  const knex = em.getKnex();
  const meta = em.getMetadata().get(AuditEntry.meta.className);
  // The entity names no schema: it is the service's (the ORM's `schema`), which knex does not add by itself.
  const schema = meta.schema ?? em.config.get('schema');
  const table = knex.raw('??', [schema ? `${schema}.${meta.tableName}` : meta.tableName]);
  const base = knex
    .from(table)
    .where('region_code', 'like', `${regionCode}%`)
    .modify((q) => {
      if (args.entity) q.where('entity', args.entity);
      if (args.entityId) q.where('entity_id', args.entityId);
    });
  const [counted] = (await base.clone().count({ n: '*' })) as { n: string }[];
  const page = base
    .clone()
    .select('id')
    .orderBy([
      { column: 'at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ]);
  if (after) {
    const [at, id] = after.split('|');
    if (!at || !id || Number.isNaN(Date.parse(at))) throw badInput('`after` is not a cursor this API issued.', 'after');
    page.whereRaw('(at, id) < (?, ?)', [at, id]);
  }
  const ids = (await page.limit(first + 1)).map((r: { id: string }) => r.id);
  const rows = ids.length
    ? await em.find(AuditEntry, { id: { $in: ids } }, { orderBy: { at: 'desc', id: 'desc' } })
    : [];
  return toConnection(
    rows.map(view),
    first,
    Number(counted?.n ?? 0),
    (r) => `${r.at.toISOString()}|${r.id}`,
    after !== null,
  );
}
