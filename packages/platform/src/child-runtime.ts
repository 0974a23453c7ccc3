/**
 * What every process of `pnpm start` shares: its command line (`<name> [--pool-max N] [--seed]
 * [--wait-turn]`), the phase messages it sends the launcher, and a clean stop on SIGTERM or when the
 * launcher goes away. `child.ts` (TypeScript, `pnpm dev`) and the compiled per-service entries that
 * `bin/start.mjs` builds (`pnpm start`) both run through `runChild`.
 */
import { parseArgs } from 'node:util';

export type ChildMessage = { type: 'loaded' } | { type: 'migrated' } | { type: 'seeded' } | { type: 'up'; url: string };

export interface ChildOptions {
  poolMax?: number;
  seed: boolean;
  waitTurn: boolean;
}

export function childArgs(argv = process.argv.slice(2)): { name: string | undefined; options: ChildOptions } {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { 'pool-max': { type: 'string' }, seed: { type: 'boolean' }, 'wait-turn': { type: 'boolean' } },
  });
  return {
    name: positionals[0],
    options: {
      ...(values['pool-max'] ? { poolMax: Number(values['pool-max']) } : {}),
      seed: Boolean(values.seed),
      waitTurn: Boolean(values['wait-turn']),
    },
  };
}

export const tell = (message: ChildMessage) => process.send?.(message);

/** Starts the process's service and stops it on SIGTERM/SIGINT or when the launcher disconnects. */
export async function runChild(name: string, start: () => Promise<() => Promise<void>>): Promise<void> {
  // The launcher went away before this process was up (it stopped at the database): nothing to stop.
  const early = () => process.exit(0);
  process.once('disconnect', early);
  const stop = await start();
  process.off('disconnect', early);
  let stopping = false;
  const shutdown = (code: number) => {
    if (stopping) return;
    stopping = true;
    stop().then(
      () => process.exit(code),
      (e: unknown) => {
        console.error(`${name}: error while stopping:`, e);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown(0));
  process.on('SIGINT', () => shutdown(0));
  // The launcher went away (killed hard): stop rather than hold the ports.
  process.on('disconnect', () => shutdown(0));
}
