import { p } from '@mikro-orm/postgresql';
import type { Viewer } from '@renda/auth/viewer';

/** Who acted, as stored next to a record: the person's name, the role they acted in, their unit. */
export interface ActorColumns {
  byName: string;
  byRole: string;
  byUnitId: string | null;
}

/** The person behind a token: its `name` claim when present, else its subject; role; unit (handlers). */
export function actorOf(viewer: Viewer): ActorColumns {
  return { byName: (viewer.name ?? viewer.sub).slice(0, 200), byRole: viewer.role, byUnitId: viewer.unit };
}

export interface ActorValue {
  name: string;
  role: string | null;
  unitId: string | null;
}

/** The GraphQL `Actor` of a row; rows written before actors were kept fall back to the token subject. */
export function actorView(
  row: { byName?: string | null; byRole?: string | null; byUnitId?: string | null },
  by: string,
): ActorValue {
  return { name: row.byName ?? by, role: row.byRole ?? null, unitId: row.byUnitId ?? null };
}

/** The actor columns of a record's entity (see `ActorColumns`). */
export const actorProperties = () => ({
  byName: p.string().length(200),
  byRole: p.string().length(20),
  byUnitId: p.uuid().nullable(),
});
