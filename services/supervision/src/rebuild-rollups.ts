/**
 * `pnpm --filter @renda/supervision rollups:rebuild`: recomputes the figures' rollups (`figure_rollups`,
 * Migration20261201020000) from the six tables they count on DATABASE_URL, e.g. after a bulk load with the
 * triggers switched off. Writes to those tables wait until it commits (a SHARE lock), so no write falls between
 * the recount and the switch; reads go on.
 */
import { runRollupRebuild } from '@renda/server-kit/rebuild';
import { rebuildFigureRollupsLocked } from './modules/stats/stats.store.ts';
import { supervisionService } from './server.ts';

await runRollupRebuild(supervisionService, rebuildFigureRollupsLocked, 'figure rollup rows');
