import type { RunningService } from '@renda/server-kit/service';
import { maintainYearPartitions } from '@renda/db/partitions';
import { templateCounty, templateTownships, templateYear, templateSubs, writeTemplate } from './bench-template.ts';
import {
  copyTemplate,
  createBenchRegions,
  dropBenchRegions,
  provinceScanPlan,
  rebuildBenchRollups,
  setItemTrigger,
  vacuumAnalyze,
} from './modules/stats/bench.store.ts';
import { registerKeyOf } from './modules/suggestions/suggestions.service.ts';
import { suggestionsService } from './server.ts';

/**
 * Loads a synthetic province for benchmarks (S-8, issue 9): a template of a few hundred suggestions written
 * through the service's own write functions (`bench-template.ts`: every stage, reply category, result, late
 * replies, key items with their sheets, second rounds), then copied with set-based SQL (`modules/stats/
 * bench.store.ts`) — items, step logs, signers, units, replies, evaluations, sheets, key registry, serial
 * counters — across 2,115 regions (Hunan 43, 14 cities, 140 counties with a lead unit each, 1,960 townships)
 * and the years 2024-2026, `items` items in all; then VACUUM ANALYZE; prints the plan of the province scan.
 * Used by `gateway/bench/suggestion-stats.ts`; never by the service itself.
 */
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export async function loadSyntheticProvince(service: RunningService, items: number, year: number): Promise<void> {
  const em = service.orm.em.fork();
  // One partition per year loaded (2024-2026), made before the load rather than moved out of DEFAULT after it.
  await maintainYearPartitions(service.orm, suggestionsService.partitions!, [2024, 2025, 2026]);
  let t = performance.now();
  await createBenchRegions(em);
  // The template's writes go through the write path with its triggers, but for the rollups': they are rebuilt once
  // after the copies.
  await setItemTrigger(em, 'suggestions_rollups_rows', false);
  await setItemTrigger(em, 'suggestions_rollups_changes', false);
  const template = await writeTemplate(em);
  const byStage = (stages: Record<string, number>) =>
    Object.entries(stages)
      .map(([stage, n]) => `${stage} ${n}`)
      .join(', ');
  const size = Object.values(template.stages).reduce((a, b) => a + b, 0);
  console.log(
    `template: ${size} items through the write functions in ${seconds(performance.now() - t)} (${byStage(template.stages)})`,
  );
  // The copies, set-based (`copyTemplate`: no trigger runs on them); the rollups are rebuilt in one statement after.
  const copied = await copyTemplate(
    em,
    {
      townships: [...templateTownships],
      county: templateCounty,
      unitId: template.ids.unitId,
      deputyIds: templateTownships.flatMap((code) => template.ids.deputyIds[code]!),
      registerKeyOf,
      year: templateYear,
      subs: templateSubs,
    },
    items,
  );
  console.log(`copies: ${byStage(copied)}`);
  console.log(`loaded ${items.toLocaleString()} items in ${seconds(performance.now() - t)}`);
  t = performance.now();
  await setItemTrigger(em, 'suggestions_rollups_rows', true);
  await setItemTrigger(em, 'suggestions_rollups_changes', true);
  await rebuildBenchRollups(em);
  console.log(`rebuilt the rollups in ${seconds(performance.now() - t)}`);
  t = performance.now();
  await vacuumAnalyze(em);
  console.log(`vacuum analyze in ${seconds(performance.now() - t)}`);
  await dropBenchRegions(em);
  const plan = await provinceScanPlan(em, year);
  console.log(`plan of the province scan:\n  ${plan.join('\n  ')}`);
}
