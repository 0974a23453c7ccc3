/**
 * `pnpm --filter @renda/voting rollups:rebuild`: recomputes the figures' rollups (Migration20261201030000) from
 * the ballots, evaluation rounds and tallies on DATABASE_URL, e.g. after a bulk load with the triggers switched
 * off. Writes to those tables wait until it commits (SHARE locks), so no write falls between the recount and
 * the switch; reads go on.
 */
import { runRollupRebuild } from '@renda/server-kit/rebuild';
import { rebuildRollupsLocked } from './modules/federation/stats.store.ts';
import { votingService } from './server.ts';

await runRollupRebuild(votingService, rebuildRollupsLocked, 'closed ballots');
