import { badInput, forbidden, unauthenticated } from '@renda/errors/errors';
import type { ServiceContext } from '@renda/server-kit/context';
import { requireId } from './inputs.ts';

/** Who may be on a roll (ACTIVE deputies of the program's congress) and who speaks for a deputy (their token). */

interface SiblingDeputy {
  id: string;
  status: string;
  congress: { id: string } | null;
}

/**
 * Checks deputies named in input against the deputies subgraph: each exists, is ACTIVE and sits in
 * `congressId`. Batched: one `_entities` call for the whole list.
 */
export async function requireActiveDeputiesOf(
  ctx: ServiceContext,
  ids: readonly string[],
  congressId: string,
  field: string,
): Promise<void> {
  ids.forEach((id, i) => requireId(id, `${field}[${i}]`));
  const found = await Promise.all(
    ids.map((id) => ctx.siblings.entity<SiblingDeputy>('deputies', 'Deputy', { id }, 'id status congress { id }')),
  );
  found.forEach((deputy, i) => {
    if (!deputy) throw badInput(`${field}[${i}] is not a known deputy.`, `${field}[${i}]`);
    if (deputy.status !== 'ACTIVE')
      throw badInput(`${field}[${i}] is not an ACTIVE deputy (${deputy.status}).`, `${field}[${i}]`);
    if (deputy.congress?.id !== congressId)
      throw badInput(`${field}[${i}] is a deputy of another congress than the program's.`, `${field}[${i}]`);
  });
}

/** The deputy a DEPUTY token speaks for; everyone else (ADMIN included) may not vote or rate. */
export function requireDeputyViewer(ctx: ServiceContext, doing: string): string {
  const viewer = ctx.viewer;
  if (!viewer) throw unauthenticated(`Only a deputy may ${doing}, from their own token: sign in.`);
  if (viewer.role !== 'DEPUTY' || !viewer.deputy)
    throw forbidden(`A ${viewer.role} may not ${doing}: only a deputy on the roll may, from their own token.`);
  return viewer.deputy;
}
