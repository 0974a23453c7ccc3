import { fork, type ChildProcess } from 'node:child_process';
import type { ChildMessage } from './child-runtime.ts';

export interface ChildSpec {
  name: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

interface Child {
  spec: ChildSpec;
  process: ChildProcess | null;
  upSince: number | null;
  /** Restarts since the child last stayed up for `stableMs`. */
  failures: number;
  restarts: number;
  timer: NodeJS.Timeout | null;
  exited: Promise<void>;
}

export interface SupervisorOptions {
  /** The script a child runs and the Node options it needs (`--import tsx` for TypeScript). */
  entry: (name: string) => { file: string; execArgv: string[] };
  say: (who: string, text: string) => void;
  seconds: () => string;
  graceMs: number;
  /**
   * Turns at the database begin once this settles (the embedded database is open). Children that wait
   * get theirs in the order they were started, not the order they finished loading: the first child
   * (deputies, which most first queries need) does not queue behind the others.
   */
  turnsAfter?: Promise<void>;
}

/** A child that stayed up this long is healthy again: its next crash restarts it after one second. */
const stableMs = 30_000;
const maxBackoffMs = 30_000;

/**
 * Runs the platform's processes: forks each (compiled JavaScript, or TypeScript through tsx), waits until it says it is up,
 * restarts one that dies with a growing delay (1 s, 2 s, 4 s … 30 s) and says so in one line, and
 * stops them all on request: the gateway first, then the subgraphs, each given the grace period.
 */
export class Supervisor {
  private readonly children = new Map<string, Child>();
  private stopping = false;
  /** Children that asked for a turn at the database (`loaded`) get it one after the other. */
  private readonly waiting: { rank: number; open: () => void; done: Promise<void> }[] = [];
  /** The database is not open yet, or a child has its turn. */
  private busy = true;

  constructor(private readonly options: SupervisorOptions) {
    // Opening the database blocks the launcher for seconds: the children's `loaded` messages of that
    // time are read one pipe at a time after it. The first turn waits until they are all in.
    void (options.turnsAfter ?? Promise.resolve()).then(() =>
      setTimeout(() => {
        this.busy = false;
        this.nextTurn();
      }, 100),
    );
  }

  /** Gives the database to the waiting child started first; the next turn begins when it is up or gone. */
  private nextTurn(): void {
    if (this.busy || this.waiting.length === 0) return;
    const first = this.waiting.reduce((a, b) => (b.rank < a.rank ? b : a));
    this.waiting.splice(this.waiting.indexOf(first), 1);
    this.busy = true;
    first.open();
    void first.done.then(() => {
      this.busy = false;
      this.nextTurn();
    });
  }

  /** Starts a child; resolves when it is up, rejects when it dies before (a first start that fails is fatal). */
  start(spec: ChildSpec): Promise<void> {
    const child: Child = {
      spec,
      process: null,
      upSince: null,
      failures: 0,
      restarts: 0,
      timer: null,
      exited: Promise.resolve(),
    };
    this.children.set(spec.name, child);
    return new Promise((resolve, reject) => this.spawn(child, { resolve, reject }));
  }

  private spawn(child: Child, first?: { resolve: () => void; reject: (e: Error) => void }): void {
    const { say, seconds } = this.options;
    const name = child.spec.name;
    const entry = this.options.entry(name);
    const proc = fork(entry.file, child.spec.args, {
      env: child.spec.env,
      execArgv: entry.execArgv,
      // Its own process group: Ctrl-C reaches the launcher only, which stops the children in order.
      detached: true,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.process = proc;
    child.upSince = null;
    child.exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    let settled!: () => void;
    const upOrGone = new Promise<void>((resolve) => (settled = resolve));
    proc.once('exit', () => settled());
    proc.on('message', (message: ChildMessage) => {
      if (message.type === 'loaded') {
        this.waiting.push({
          rank: [...this.children.keys()].indexOf(name),
          open: () => {
            if (proc.connected) proc.send({ type: 'open' });
          },
          done: upOrGone,
        });
        this.nextTurn();
      }
      if (message.type === 'migrated' && !child.restarts) say(name, `migrations applied (${seconds()})`);
      if (message.type === 'seeded' && !child.restarts) say(name, `demo data ready (${seconds()})`);
      if (message.type === 'up') {
        child.upSince = Date.now();
        settled();
        const again = `up again at ${message.url} (restart ${child.restarts})`;
        say(name, child.restarts ? again : `up at ${message.url} (${seconds()})`);
        first?.resolve();
      }
    });
    proc.once('exit', (code, signal) => {
      child.process = null;
      if (this.stopping) return;
      const how = signal ? `killed by ${signal}` : `exited with code ${code}`;
      if (first && child.upSince === null) {
        first.reject(new Error(`${name} ${how} while starting`));
        return;
      }
      if (child.upSince !== null && Date.now() - child.upSince >= stableMs) child.failures = 0;
      child.failures += 1;
      child.restarts += 1;
      const delay = Math.min(maxBackoffMs, 1000 * 2 ** (child.failures - 1));
      say(name, `${how}; restarting in ${delay / 1000} s (restart ${child.restarts})`);
      child.timer = setTimeout(() => {
        child.timer = null;
        if (!this.stopping) this.spawn(child);
      }, delay);
    });
  }

  /** Stops the gateway, then the subgraphs; a child still running after the grace period is killed. */
  async stop(): Promise<void> {
    this.stopping = true;
    const all = [...this.children.values()];
    for (const c of all) if (c.timer) clearTimeout(c.timer);
    await Promise.all(all.filter((c) => c.spec.name === 'gateway').map((c) => this.stopChild(c)));
    await Promise.all(all.filter((c) => c.spec.name !== 'gateway').map((c) => this.stopChild(c)));
  }

  private async stopChild(child: Child): Promise<void> {
    const proc = child.process;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill('SIGTERM');
    const deadline = setTimeout(() => {
      this.options.say(child.spec.name, `still running after ${this.options.graceMs / 1000} s: killed`);
      proc.kill('SIGKILL');
    }, this.options.graceMs + 5000);
    await child.exited;
    clearTimeout(deadline);
    this.options.say(child.spec.name, 'stopped');
  }
}
