/**
 * `pnpm --filter @renda/suggestions rollups:rebuild`: recomputes the handling rollups (S-8, S-11) from the
 * items on DATABASE_URL, e.g. after a bulk load with the triggers switched off. Writes to the items wait
 * until it commits (a SHARE lock), so no write falls between the recount and the switch; reads go on.
 */
import { runRollupRebuild } from '@renda/server-kit/rebuild';
import { rebuildRollupsLocked } from './modules/stats/stats.store.ts';
import { suggestionsService } from './server.ts';

await runRollupRebuild(suggestionsService, rebuildRollupsLocked, 'items');
