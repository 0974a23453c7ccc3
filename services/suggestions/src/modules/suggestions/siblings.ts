import { badInput } from '@renda/errors/errors';
import { isId } from '@renda/db/ids';
import type { ServiceContext } from '@renda/server-kit/context';

/** A deputy as the deputies subgraph tells it (through `_entities`). */
export interface DeputyFacts {
  id: string;
  status: string;
  congress: { id: string };
  region: { code: string };
}

/** A government unit as the supervision subgraph tells it. */
export interface UnitFacts {
  id: string;
  region: { code: string };
}

/** A congress session as the deputies subgraph tells it. */
export interface SessionFacts {
  id: string;
  congress: { id: string; region: { code: string } };
}

/**
 * Deputies named in input, checked with their owner (the deputies subgraph) in one batched call:
 * each must exist and be ACTIVE. Unknown or malformed ids, and ids of anything but a deputy, are
 * BAD_USER_INPUT naming the field.
 */
export async function requireActiveDeputies(ctx: ServiceContext, ids: { id: string; field: string }[]): Promise<DeputyFacts[]> {
  for (const { id, field } of ids) if (!isId(id)) throw badInput(`${JSON.stringify(id)} is not a deputy id.`, field);
  const found = await Promise.all(ids.map(({ id }) => ctx.siblings.entity<DeputyFacts>('deputies', 'Deputy', { id }, 'id status congress { id } region { code }')));
  return ids.map(({ id, field }, i) => {
    const deputy = found[i];
    if (!deputy) throw badInput(`No deputy with id ${JSON.stringify(id)}.`, field);
    if (deputy.status !== 'ACTIVE') throw badInput(`Deputy ${id} is no longer in office (${deputy.status}); only serving deputies file or co-sign.`, field);
    return deputy;
  });
}

/** Units named in input, checked with their owner (the supervision subgraph) in one batched call. */
export async function requireUnits(ctx: ServiceContext, ids: { id: string; field: string }[]): Promise<UnitFacts[]> {
  for (const { id, field } of ids) if (!isId(id)) throw badInput(`${JSON.stringify(id)} is not a government unit id.`, field);
  const found = await Promise.all(ids.map(({ id }) => ctx.siblings.entity<UnitFacts>('supervision', 'GovernmentUnit', { id }, 'id region { code }')));
  return ids.map(({ id, field }, i) => {
    const unit = found[i];
    if (!unit) throw badInput(`No government unit with id ${JSON.stringify(id)}.`, field);
    return unit;
  });
}

/** A session named in input, checked with the deputies subgraph. */
export async function requireSession(ctx: ServiceContext, id: string, field: string): Promise<SessionFacts> {
  if (!isId(id)) throw badInput(`${JSON.stringify(id)} is not a session id.`, field);
  const session = await ctx.siblings.entity<SessionFacts>('deputies', 'CongressSession', { id }, 'id congress { id region { code } }');
  if (!session) throw badInput(`No congress session with id ${JSON.stringify(id)}.`, field);
  return session;
}
