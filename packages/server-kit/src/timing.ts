/** What a phase line carries, besides its message. */
export interface PhaseFields {
  phase: string;
  /** Since the previous phase: wall and this process's CPU milliseconds. */
  ms: number;
  cpuMs: number;
  sinceProcessStartMs: number;
}

/**
 * Start-up phases at debug level: `phase('orm')` logs how long since the previous phase (wall and
 * this process's CPU milliseconds) and since the process began. Costs one level check when debug is
 * off. `LOG_LEVEL=debug pnpm start` shows where a start spends its time; CPU close to wall means
 * the phase computed, CPU far below wall means it waited (for the database, a turn, the disk).
 * `fromProcessStart`: the first phase counts from the process's start (loading its modules).
 */
export function phaseTimer(
  log: { isLevelEnabled(level: 'debug'): boolean; debug(fields: PhaseFields, message: string): void },
  options: { fromProcessStart?: boolean } = {},
): (phase: string) => void {
  if (!log.isLevelEnabled('debug')) return () => {};
  let wall = options.fromProcessStart ? 0 : performance.now();
  let cpu = options.fromProcessStart ? { user: 0, system: 0 } : process.cpuUsage();
  return (phase) => {
    const now = performance.now();
    const used = process.cpuUsage(cpu);
    log.debug(
      {
        phase,
        ms: Math.round(now - wall),
        cpuMs: Math.round((used.user + used.system) / 1000),
        sinceProcessStartMs: Math.round(now),
      },
      `start phase: ${phase}`,
    );
    wall = now;
    cpu = process.cpuUsage();
  };
}
