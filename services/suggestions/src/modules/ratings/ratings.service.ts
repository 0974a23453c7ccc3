import { requireReadIn } from '@renda/auth/guards';
import type { ServiceContext } from '@renda/server-kit/context';
import { requireRegionCode, requireYear } from '@renda/server-kit/validate';
import type { SuggestionKind } from '../suggestions/suggestion.entity.ts';
import { ratingsByKind } from './ratings.store.ts';

export interface KindSatisfactionValue {
  kind: SuggestionKind;
  evaluated: number;
  satisfied: number;
  basicallySatisfied: number;
  dissatisfied: number;
  satisfactionRate: number | null;
}

/**
 * Region.satisfactionByKind (S-7, S-10): the latest result rating of each item, by kind, so deputies'
 * ratings of suggestions and CPPCC members' ratings of proposals are read apart. One grouped scan of the
 * (year, region prefix) index's rows.
 */
export async function satisfactionByKind(
  ctx: ServiceContext,
  regionCode: string,
  year: number,
): Promise<KindSatisfactionValue[]> {
  const code = requireRegionCode(regionCode, 'code');
  requireYear(year);
  requireReadIn(ctx.viewer, code, 'satisfaction figures');
  const rows = await ratingsByKind(ctx.em, code, year);
  return rows.map((r) => ({
    kind: r.kind,
    evaluated: Number(r.evaluated),
    satisfied: Number(r.satisfied),
    basicallySatisfied: Number(r.basically),
    dissatisfied: Number(r.dissatisfied),
    satisfactionRate:
      Number(r.evaluated) === 0 ? null : (Number(r.satisfied) + Number(r.basically)) / Number(r.evaluated),
  }));
}
