import { canReadRegion, requireViewer } from '@renda/auth/guards';
import type { Viewer } from '@renda/auth/viewer';
import { forbidden, unauthenticated } from '@renda/errors/errors';
import { requireRegionCode } from '@renda/server-kit/validate';

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
