import type { RunningService } from '@renda/server-kit/service';
import { maintainYearPartitions } from '@renda/db/partitions';
import {
  createBenchRegions,
  dropBenchRegions,
  insertBenchItems,
  provinceScanPlan,
  rebuildBenchRollups,
  setItemTrigger,
  vacuumAnalyze,
} from './modules/stats/bench.store.ts';
import { suggestionsService } from './server.ts';

/**
 * Loads a synthetic province for benchmarks (S-8): `items` suggestions over three years, 140 lead
 * units and 2,115 regions (Hunan 43, 14 cities, 140 counties, 1,960 townships), with set-based SQL
 * (generate_series) straight into this service's tables (`modules/stats/bench.store.ts`), then VACUUM ANALYZE;
 * prints the plan of the province scan. Used by `gateway/bench/suggestion-stats.ts`; never by the service itself.
 */
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export async function loadSyntheticProvince(service: RunningService, items: number, year: number): Promise<void> {
  const em = service.orm.em.fork();
  // One partition per year loaded (2024-2026), made before the load rather than moved out of DEFAULT after it.
  await maintainYearPartitions(service.orm, suggestionsService.partitions!, [2024, 2025, 2026]);
  let t = performance.now();
  await createBenchRegions(em);
  // The rollup triggers are off for the bulk insert; the rollups are rebuilt in one statement after it.
  await setItemTrigger(em, 'suggestions_rollups_rows', false);
  // So is the key registry's: it is filled in one statement in the same transaction (its foreign key is
  // checked at commit).
  await setItemTrigger(em, 'suggestions_keys_rows', false);
  await insertBenchItems(em, items);
  await setItemTrigger(em, 'suggestions_keys_rows', true);
  console.log(`loaded ${items.toLocaleString()} items in ${seconds(performance.now() - t)}`);
  t = performance.now();
  await setItemTrigger(em, 'suggestions_rollups_rows', true);
  await rebuildBenchRollups(em);
  console.log(`rebuilt the rollups in ${seconds(performance.now() - t)}`);
  t = performance.now();
  await vacuumAnalyze(em);
  console.log(`vacuum analyze in ${seconds(performance.now() - t)}`);
  await dropBenchRegions(em);
  const plan = await provinceScanPlan(em, year);
  console.log(`plan of the province scan:\n  ${plan.join('\n  ')}`);
}
