import { forbidden, unauthenticated } from '@renda/errors/errors';
import type { Role, Viewer } from './viewer.ts';

/** Whether `code` lies in the subtree of `region` (a prefix match, D-1). */
export function inSubtree(region: string, code: string): boolean {
  return code.startsWith(region);
}

/** Whether the viewer's region covers `code`: ADMIN covers everything. */
export function covers(viewer: Viewer, code: string): boolean {
  if (viewer.role === 'ADMIN') return viewer.region === null || inSubtree(viewer.region, code);
  return viewer.region !== null && inSubtree(viewer.region, code);
}

export function requireViewer(viewer: Viewer | null): Viewer {
  if (!viewer) throw unauthenticated();
  return viewer;
}

export function requireRole(viewer: Viewer | null, allowed: readonly Role[], doing: string): Viewer {
  const v = requireViewer(viewer);
  if (!allowed.includes(v.role)) throw forbidden(`A ${v.role} may not ${doing}; this needs ${allowed.join(' or ')}.`);
  return v;
}

/** Staff (or an admin) acting on a record of region `code`. */
export function requireWriteIn(viewer: Viewer | null, code: string, doing: string): Viewer {
  const v = requireRole(viewer, ['ADMIN', 'STAFF'], doing);
  if (!covers(v, code))
    throw forbidden(`Region ${code} is outside your region ${v.region}: you may not ${doing} there.`);
  return v;
}

/** Staff, analysts and admins read non-public records of their subtree. */
export function canReadRegion(viewer: Viewer | null, code: string): boolean {
  if (!viewer) return false;
  if (viewer.role !== 'ADMIN' && viewer.role !== 'STAFF' && viewer.role !== 'ANALYST') return false;
  return covers(viewer, code);
}

export function requireReadIn(viewer: Viewer | null, code: string, what: string): Viewer {
  const v = requireViewer(viewer);
  if (!canReadRegion(v, code)) throw forbidden(`You may not read ${what} of region ${code}.`);
  return v;
}
