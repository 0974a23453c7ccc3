/**
 * One process of `pnpm dev` (TypeScript through tsx): a subgraph (`deputies`, `supervision`,
 * `suggestions`, `voting`, …) or the gateway, forked by the launcher (main.ts). `pnpm start` runs the
 * same code compiled, one entry per service (`bin/start.mjs`). It reads its settings like the
 * standalone entry does (the launcher checked them all first and set the database URL, ports and
 * sibling URLs), reports each phase to the launcher, and stops cleanly on SIGTERM or when the launcher
 * goes away.
 */
import { childArgs, runChild } from './child-runtime.ts';

const { name, options } = childArgs();
if (!name) {
  console.error('Usage: child.ts <deputies|supervision|suggestions|voting|gateway> (started by `pnpm dev`)');
  process.exit(2);
}
await runChild(name, async () => {
  if (name === 'gateway') return (await import('./child-gateway.ts')).startGateway();
  const { startSubgraph } = await import('./child-subgraph.ts');
  return startSubgraph(name, options, async () => ({
    env: await import(`@renda/${name}/env`),
    server: await import(`@renda/${name}/server`),
  }));
});
