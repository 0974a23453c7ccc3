import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { covers } from '@renda/auth/guards';
import type { Viewer } from '@renda/auth/viewer';
import { forbidden, unauthenticated } from '@renda/errors/errors';
import type { ServiceContext } from '@renda/server-kit/context';
import type { Suggestion } from './suggestion.entity.ts';
import { signersOf, unitsOf } from './loaders.ts';
import { handledBy, signedBy } from './suggestions.store.ts';

/** Staff or admin whose region covers the item: registers, assigns, supervises, takes administrative steps. */
export function isStaffOf(viewer: Viewer | null, item: Pick<Suggestion, 'regionCode'>): boolean {
  return !!viewer && (viewer.role === 'STAFF' || viewer.role === 'ADMIN') && covers(viewer, item.regionCode);
}

/** Staff, analysts and admins read every item of their subtree. */
function readsRegion(viewer: Viewer, item: Pick<Suggestion, 'regionCode'>): boolean {
  return (
    (viewer.role === 'STAFF' || viewer.role === 'ADMIN' || viewer.role === 'ANALYST') && covers(viewer, item.regionCode)
  );
}

/**
 * Who reads an item (S-8 and the access rules): everyone once it is published; the lead deputy and
 * co-signers; the handlers of its units; staff, analysts and admins of its subtree. Batched: the
 * signer and unit lookups of one request share one query each.
 */
export async function canRead(ctx: ServiceContext, item: Suggestion): Promise<boolean> {
  if (item.published) return true;
  const viewer = ctx.viewer;
  if (!viewer) return false;
  if (readsRegion(viewer, item)) return true;
  if (viewer.role === 'DEPUTY') return (await signersOf(ctx, item.id)).some((s) => s.deputyId === viewer.deputy);
  if (viewer.role === 'HANDLER') return (await unitsOf(ctx, item.id)).some((u) => u.unitId === viewer.unit);
  return false;
}

/**
 * The caller's own items as a condition on the items aliased `alias`, the one SQL form of the access rule
 * `canRead` states for unpublished items: a deputy's led or co-signed items, a handler's unit's, the subtree of
 * staff, analysts and admins (an admin without a region: everything); nothing for any other caller. `knex` is the
 * one the query reads with; `em` names the tables.
 */
export function ownScopeSql(
  em: EntityManager,
  knex: Knex,
  viewer: Viewer,
  alias: string,
): (q: Knex.QueryBuilder) => void {
  return (q) => {
    if (viewer.role === 'STAFF' || viewer.role === 'ANALYST' || viewer.role === 'ADMIN') {
      if (viewer.region !== null) q.where(`${alias}.region_code`, 'like', `${viewer.region}%`);
      else q.whereRaw(viewer.role === 'ADMIN' ? 'true' : 'false');
    } else if (viewer.role === 'DEPUTY' && viewer.deputy) {
      q.whereExists(signedBy(em, knex, alias, viewer.deputy));
    } else if (viewer.role === 'HANDLER' && viewer.unit) {
      q.whereExists(handledBy(em, knex, alias, viewer.unit));
    } else {
      q.whereRaw('false');
    }
  };
}

/**
 * `canRead` as a condition on the items aliased `s`, for lists filtered and paged in SQL: published, or in
 * the caller's own scope (`ownScopeSql`). The nested lists' tests read both ways.
 */
export function readableSql(em: EntityManager, knex: Knex, viewer: Viewer | null): (q: Knex.QueryBuilder) => void {
  return (q) => {
    q.where('s.published', true);
    if (viewer) q.orWhere(ownScopeSql(em, knex, viewer, 's'));
  };
}

/** Whether the caller sees the item's working record (steps, sheets, evaluations): every reader but the public. */
export async function canReadRecord(ctx: ServiceContext, item: Suggestion): Promise<boolean> {
  if (!ctx.viewer) return false;
  return canRead(ctx, { ...item, published: false });
}

export async function requireRecordReader(ctx: ServiceContext, item: Suggestion, what: string): Promise<void> {
  if (await canReadRecord(ctx, item)) return;
  if (!ctx.viewer) throw unauthenticated(`The ${what} of an item are not public: sign in.`);
  throw forbidden(`You may not read the ${what} of this item.`);
}

/** A handler of the item's lead unit (主办 answers, S-4), or staff of its subtree. */
export async function requireLeadUnitOrStaff(ctx: ServiceContext, item: Suggestion, doing: string): Promise<Viewer> {
  const viewer = ctx.viewer;
  if (!viewer) throw unauthenticated();
  if (isStaffOf(viewer, item)) return viewer;
  if (viewer.role === 'HANDLER' && item.leadUnitId && viewer.unit === item.leadUnitId) return viewer;
  if (viewer.role === 'HANDLER')
    throw forbidden(`Only the lead unit's handlers (or staff) may ${doing}; your unit does not lead this item.`);
  throw forbidden(
    `A ${viewer.role} may not ${doing}; this needs a handler of the lead unit or staff of region ${item.regionCode}.`,
  );
}

/** Staff (or admin) of the item's subtree. */
export function requireStaffOf(ctx: ServiceContext, item: Suggestion, doing: string): Viewer {
  const viewer = ctx.viewer;
  if (!viewer) throw unauthenticated();
  if (isStaffOf(viewer, item)) return viewer;
  if (viewer.role === 'STAFF' || viewer.role === 'ADMIN')
    throw forbidden(`Region ${item.regionCode} is outside your region ${viewer.region}: you may not ${doing} there.`);
  throw forbidden(`A ${viewer.role} may not ${doing}; this needs staff of region ${item.regionCode}.`);
}
