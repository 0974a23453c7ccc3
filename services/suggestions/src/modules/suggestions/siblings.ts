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
export async function requireActiveDeputies(
  ctx: ServiceContext,
  ids: { id: string; field: string }[],
): Promise<DeputyFacts[]> {
  for (const { id, field } of ids) if (!isId(id)) throw badInput(`${JSON.stringify(id)} is not a deputy id.`, field);
  const found = await Promise.all(
    ids.map(({ id }) =>
      ctx.siblings.entity<DeputyFacts>('deputies', 'Deputy', { id }, 'id status congress { id } region { code }'),
    ),
  );
  return ids.map(({ id, field }, i) => {
    const deputy = found[i];
    if (!deputy) throw badInput(`No deputy with id ${JSON.stringify(id)}.`, field);
    if (deputy.status !== 'ACTIVE')
      throw badInput(
        `Deputy ${id} is no longer in office (${deputy.status}); only serving deputies file or co-sign.`,
        field,
      );
    return deputy;
  });
}

/** Units named in input, checked with their owner (the supervision subgraph) in one batched call. */
export async function requireUnits(ctx: ServiceContext, ids: { id: string; field: string }[]): Promise<UnitFacts[]> {
  for (const { id, field } of ids)
    if (!isId(id)) throw badInput(`${JSON.stringify(id)} is not a government unit id.`, field);
  const found = await Promise.all(
    ids.map(({ id }) => ctx.siblings.entity<UnitFacts>('supervision', 'GovernmentUnit', { id }, 'id region { code }')),
  );
  return ids.map(({ id, field }, i) => {
    const unit = found[i];
    if (!unit) throw badInput(`No government unit with id ${JSON.stringify(id)}.`, field);
    return unit;
  });
}

/** A session named in input, checked with the deputies subgraph. */
export async function requireSession(ctx: ServiceContext, id: string, field: string): Promise<SessionFacts> {
  if (!isId(id)) throw badInput(`${JSON.stringify(id)} is not a session id.`, field);
  const session = await ctx.siblings.entity<SessionFacts>(
    'deputies',
    'CongressSession',
    { id },
    'id congress { id region { code } }',
  );
  if (!session) throw badInput(`No congress session with id ${JSON.stringify(id)}.`, field);
  return session;
}

/** A mayor or vice-mayor as the deputies subgraph tells it. */
export interface LeaderFacts {
  id: string;
  name: string;
  role: 'MAYOR' | 'VICE_MAYOR';
  region: { code: string };
}

/** The GovernmentLeader each grade is led by (S-2, 003 art. 2); levels 3 and 4 are led inside the lead unit. */
const leaderRoleOfGrade: Record<string, LeaderFacts['role'] | null> = {
  LEVEL_1: 'MAYOR',
  LEVEL_2: 'VICE_MAYOR',
  LEVEL_3: null,
  LEVEL_4: null,
};
const leaderRoleNames = { MAYOR: 'the mayor (市长)', VICE_MAYOR: 'a vice-mayor (副市长)' };

/**
 * S-2: the lead official named by id must fit the grade — level 1 the mayor, level 2 a vice-mayor, of
 * the item's region or above, and be the person `leadOfficial` names. Levels 3 and 4 are led by the
 * lead unit's head or deputy head, who are not GovernmentLeaders: an id there is BAD_USER_INPUT.
 */
export async function requireLeadOfficial(
  ctx: ServiceContext,
  grade: string,
  id: string,
  leadOfficial: string,
  itemRegion: string,
): Promise<LeaderFacts> {
  const field = 'input.leadOfficialId';
  const role = leaderRoleOfGrade[grade];
  if (!role) {
    const message = `A ${grade} item is led by the lead unit's head or deputy head: name them in \`leadOfficial\``;
    throw badInput(`${message} and leave \`leadOfficialId\` out.`, field);
  }
  if (!isId(id)) throw badInput(`${JSON.stringify(id)} is not a government leader id.`, field);
  const fields = 'id name role region { code }';
  const leader = await ctx.siblings.entity<LeaderFacts>('deputies', 'GovernmentLeader', { id }, fields);
  if (!leader) throw badInput(`No government leader with id ${JSON.stringify(id)}.`, field);
  if (leader.role !== role) {
    const is = leaderRoleNames[leader.role];
    throw badInput(`A ${grade} item is led by ${leaderRoleNames[role]}; ${leader.name} is ${is}.`, field);
  }
  if (!itemRegion.startsWith(leader.region.code)) {
    const where = `${leader.name} leads the government of region ${leader.region.code}`;
    throw badInput(`${where}, which does not contain the item's region ${itemRegion}.`, field);
  }
  if (!leadOfficial.includes(leader.name)) {
    const message = `\`leadOfficial\` must name the leader given by \`leadOfficialId\` (${leader.name}).`;
    throw badInput(message, 'input.leadOfficial');
  }
  return leader;
}
