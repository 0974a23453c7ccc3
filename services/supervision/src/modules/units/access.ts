import { forbidden, unauthenticated, conflict, badInput } from '@renda/errors/errors';
import { canReadRegion, requireViewer } from '@renda/auth/guards';
import type { Viewer } from '@renda/auth/viewer';
import type { ServiceContext } from '@renda/server-kit/context';
import { today } from '@renda/server-kit/dates';
import { requireRegionCode } from '@renda/server-kit/validate';
import type { Tally } from './refs.ts';

/** A supervision record: it carries the region code of its unit (D-1) and, mostly, the unit. */
export interface Scoped {
  regionCode: string;
  unitId?: string | null;
}

/**
 * Who reads non-public supervision records: ADMIN, STAFF and ANALYST whose region covers the
 * record's; a HANDLER reads the records of their own unit. The public and deputies read none.
 */
export function canReadRecord(viewer: Viewer | null, record: Scoped): boolean {
  if (!viewer) return false;
  if (canReadRegion(viewer, record.regionCode)) return true;
  return viewer.role === 'HANDLER' && !!viewer.unit && !!record.unitId && record.unitId === viewer.unit;
}

export function requireRecordReader(viewer: Viewer | null, record: Scoped, what: string): void {
  if (!viewer)
    throw unauthenticated(`${what} are not public: sign in with a token that reads region ${record.regionCode}.`);
  if (!canReadRecord(viewer, record)) throw forbidden(`You may not read ${what} of region ${record.regionCode}.`);
}

/** The record itself when the viewer may read it, else null (for `__resolveReference` and lookups by id). */
export function readable<T extends Scoped>(viewer: Viewer | null, record: T | null): T | null {
  return record && canReadRecord(viewer, record) ? record : null;
}

/**
 * The scope of a list query over a region subtree: the whole subtree for readers of the region,
 * only their own unit's records for a HANDLER; the public and other roles are refused.
 */
export function listScope(
  viewer: Viewer | null,
  regionCode: string,
  what: string,
): { prefix: string; unitId: string | null } {
  const code = requireRegionCode(regionCode, 'regionCode');
  if (!viewer) throw unauthenticated(`${what} are not public: sign in with a token that reads region ${code}.`);
  const v = requireViewer(viewer);
  if (canReadRegion(v, code)) return { prefix: code, unitId: null };
  if (v.role === 'HANDLER' && v.unit) return { prefix: code, unitId: v.unit };
  throw forbidden(`You may not read ${what} of region ${code}.`);
}

/** The most votes, members or signers one count may hold: more is a typing error, not a committee. */
export const maxHeadcount = 5000;

/** Dates in input lie in the years the platform records (as `requireYear`): 1949 to 2200. */
export function requirePlausibleDate(date: string, field: string): string {
  if (date < '1949-01-01' || date > '2200-12-31')
    throw badInput(`\`${field}\` (${date}) must lie between 1949 and 2200.`, field);
  return date;
}

/** A date in input that may not lie after today (Asia/Shanghai, injected clock). */
export function requireNotFuture(ctx: ServiceContext, date: string, field: string): string {
  requirePlausibleDate(date, field);
  if (date > today(ctx.clock))
    throw badInput(`\`${field}\` (${date}) may not be after today (${today(ctx.clock)}).`, field);
  return date;
}

/** 满意度测评 counts from input: whole numbers, at least one vote. */
export function requireTally(input: Tally, field = 'tally'): Tally {
  for (const key of ['satisfied', 'basicallySatisfied', 'dissatisfied'] as const) {
    if (!Number.isInteger(input[key]) || input[key] < 0 || input[key] > maxHeadcount) {
      throw badInput(`\`${field}.${key}\` must be a whole number from 0 to ${maxHeadcount}.`, `${field}.${key}`);
    }
  }
  if (input.satisfied + input.basicallySatisfied + input.dissatisfied === 0)
    throw badInput('A satisfaction vote counts at least one vote.', field);
  return { satisfied: input.satisfied, basicallySatisfied: input.basicallySatisfied, dissatisfied: input.dissatisfied };
}

/** The stored tally of a record, or null before the vote. */
export function tallyOf(row: {
  satisfied: number | null;
  basicallySatisfied: number | null;
  dissatisfied: number | null;
}): Tally | null {
  if (row.satisfied === null || row.basicallySatisfied === null || row.dissatisfied === null) return null;
  return { satisfied: row.satisfied, basicallySatisfied: row.basicallySatisfied, dissatisfied: row.dissatisfied };
}

/** (satisfied + basically satisfied) / all votes. */
export function satisfactionRate(t: Tally): number {
  const total = t.satisfied + t.basicallySatisfied + t.dissatisfied;
  return total > 0 ? (t.satisfied + t.basicallySatisfied) / total : 0;
}

/** A state machine as an explicit table of allowed transitions. */
export type Transitions<S extends string> = Readonly<Record<S, readonly S[]>>;

export function canMove<S extends string>(table: Transitions<S>, from: S, to: S): boolean {
  return table[from].includes(to);
}

/** CONFLICT unless the table allows `from → to`. */
export function requireTransition<S extends string>(table: Transitions<S>, from: S, to: S, what: string): void {
  if (!canMove(table, from, to)) {
    const next = table[from];
    throw conflict(
      `${what} is ${from} and cannot become ${to}; from ${from} it can become ${next.length ? next.join(' or ') : 'nothing: it is final'}.`,
    );
  }
}
