/**
 * `pnpm --filter @renda/deputies rollups:rebuild`: recomputes the deputy figures' rollups (F-1) from the
 * deputies, terms and contacts on DATABASE_URL, e.g. after a bulk load with the triggers off. Writes to those
 * tables wait until it commits (SHARE locks), so none falls between the recount and the switch.
 */
import { runRollupRebuild } from '@renda/server-kit/rebuild';
import { rebuildRollups } from './modules/stats/figures.store.ts';
import { deputiesService } from './server.ts';

await runRollupRebuild(deputiesService, rebuildRollups, 'deputies');
