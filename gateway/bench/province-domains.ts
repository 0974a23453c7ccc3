import { loadProvinceDeputies } from '@renda/deputies/bench-data';
import type { RunningService } from '@renda/server-kit/service';
import { loadProvinceFilings } from '@renda/supervision/bench-data';
import { loadProvincePrograms } from '@renda/voting/bench-data';

/**
 * The other three domains of the synthetic province of `loadSyntheticProvince` (Hunan 43: 14 cities, 140
 * counties, 1,960 townships), scaled by `scale` (1 for 1,000,000 suggestions). Each service writes a small
 * template through its own write functions (as its demo seed does) and copies it set-based across the
 * province (its `bench-data.ts`), then rebuilds its figures' rollups with its own rebuild:
 * - deputies: the 2,115 regions; congresses of three five-year terms (2016-2020, 2021-2025, 2026-2030) at
 *   every level; per term 40 deputies a township, 200 a county, 400 a city, 770 the province (× scale), some
 *   mandates ended early; voter contacts, group activities and committee members' visits (2017-2026);
 * - supervision: normative documents filed with the standing committees: 30 a county, 50 a city and 100
 *   the province each year (× scale), a fifth filed late, most reviewed;
 * - voting: one livelihood program a township and year, its ballot closed at the January session and an
 *   evaluation round of the two elected projects closed at the August one (2017-2026; 2026's not yet).
 * Used by `bench/suggestion-stats.ts` and its test.
 */
export async function loadProvinceDomains(
  services: Record<string, RunningService>,
  scale: number,
): Promise<Record<string, number>> {
  const deputies = await loadProvinceDeputies(services.deputies!, scale);
  const filings = await loadProvinceFilings(services.supervision!, scale);
  const programs = await loadProvincePrograms(services.voting!);
  return { ...deputies, ...filings, ...programs };
}
