import type { Logger } from './logger.ts';

/**
 * Stops cleanly on SIGINT/SIGTERM: `stop` drains and closes, then the process exits 0. A second
 * signal while stopping exits at once (1). Apollo's own signal handlers are off
 * (`stopOnTerminationSignals: false`): they would end the process before the database is closed.
 */
export function stopOnSignals(stop: () => Promise<void>, log: Logger): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal while stopping: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'stopping: finishing requests in flight');
    stop().then(
      () => process.exit(0),
      (e: unknown) => {
        log.error({ err: e }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
