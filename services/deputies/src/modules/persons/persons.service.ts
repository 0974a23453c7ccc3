import { forbidden } from '@renda/errors/errors';
import { canReadRegion, requireViewer } from '@renda/auth/guards';
import { isId } from '@renda/db/ids';
import type { ServiceContext } from '@renda/server-kit/context';
import { entityLoader, groupBy } from '@renda/server-kit/loaders';
import { requireYear, yearRange } from '@renda/server-kit/validate';
import { DeputySchema, type Deputy } from '../deputies/deputy.entity.ts';
import { CongressSchema, type Congress } from '../regions/region.entity.ts';
import { PersonSchema, type Person } from './person.entity.ts';
import { continuityCounts, deputiesWithVoterContacts } from './persons.store.ts';

export const personLoader = (ctx: ServiceContext) => entityLoader<Person>(ctx, PersonSchema, 'id', isId);

/** D-12: a person's mandates, oldest congress first, batched per request. */
export function mandatesOf(ctx: ServiceContext, personId: string): Promise<Deputy[]> {
  return ctx.loaders
    .get<string, Deputy[]>('Person.mandates', async (ids) => {
      const rows = await ctx.em.find(DeputySchema, { personId: { $in: [...ids] } });
      const congresses = await ctx.em.find(CongressSchema, {
        id: { $in: [...new Set(rows.map((r) => r.congressId))] },
      });
      const startOf = new Map(congresses.map((c) => [c.id, c.startsOn]));
      rows.sort(
        (a, b) =>
          (startOf.get(a.congressId) ?? '').localeCompare(startOf.get(b.congressId) ?? '') || a.id.localeCompare(b.id),
      );
      return groupBy(ids, rows, (r) => r.personId);
    })
    .load(personId);
}

export interface Continuity {
  deputies: number;
  continuing: number;
  rate: number | null;
}

/**
 * D-12 连任: of this term's deputies, how many held a mandate in the previous term of the same
 * region's congress; the rate is null when the term has no deputies or no previous term is recorded.
 */
export async function continuity(ctx: ServiceContext, congress: Congress): Promise<Continuity> {
  const previous = await ctx.em.findOne(CongressSchema, {
    regionCode: congress.regionCode,
    termNumber: congress.termNumber - 1,
  });
  const counts = await continuityCounts(ctx.em, previous?.id ?? '00000000-0000-0000-0000-000000000000', congress.id);
  const deputies = Number(counts.deputies);
  const continuing = Number(counts.continuing);
  return {
    deputies,
    continuing,
    rate: previous && deputies > 0 ? Math.round((continuing / deputies) * 10_000) / 10_000 : null,
  };
}

/**
 * D-13: leading cadres among the deputies in office who took part in no inspection and held no voter
 * reception in `year` (inspections are read from the supervision subgraph, batched per request).
 */
export async function leadingCadresWithoutActivity(
  ctx: ServiceContext,
  congress: Congress,
  year: number,
): Promise<Deputy[]> {
  requireYear(year);
  const viewer = requireViewer(ctx.viewer);
  if (!canReadRegion(viewer, congress.regionCode))
    throw forbidden(`The leading cadres' activity of region ${congress.regionCode} is for its staff and analysts.`);
  const [from, to] = yearRange(year);
  const cadres = await ctx.em.find(
    DeputySchema,
    { congressId: congress.id, leadingCadre: true, status: 'ACTIVE' },
    { orderBy: { id: 'asc' } },
  );
  if (!cadres.length) return [];
  const rows = await deputiesWithVoterContacts(
    ctx.em,
    cadres.map((d) => d.id),
    from,
    to,
  );
  const received = new Set(rows.map((r) => r.deputy_id));
  const inspections = await Promise.all(
    cadres.map((d) =>
      ctx.siblings.entity<{ inspections: unknown[] }>(
        'supervision',
        'Deputy',
        { id: d.id },
        `inspections(year: ${year}) { id }`,
      ),
    ),
  );
  return cadres.filter((d, i) => !received.has(d.id) && (inspections[i]?.inspections.length ?? 0) === 0);
}
