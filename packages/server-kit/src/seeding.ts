import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '@renda/auth/viewer';
import { createMemoryCache } from '@renda/cache/cache';
import { FixedClock } from './clock.ts';
import type { ServiceContext } from './context.ts';
import { Loaders } from './loaders.ts';
import { createLogger } from './logger.ts';
import type { Siblings } from './siblings.ts';

/**
 * What the demo data says the other subgraphs hold, for a seed that writes through its service's own write
 * functions. Seeds run before the service is announced to the gateway, with its siblings possibly not yet
 * started, so the facts a write function checks with a sibling (a deputy is ACTIVE, a unit exists) come from
 * here: the seed declares them, as the demo data of the sibling's own seed writes them. Never used to answer a
 * request.
 */
export class DirectorySiblings implements Siblings {
  private readonly entries = new Map<string, unknown>();

  /** Declares `typename` entities of `service` (each keyed by its `key` field, `id` by default). */
  add<T extends Record<string, unknown>>(service: string, typename: string, values: T[], key = 'id'): this {
    for (const value of values)
      this.entries.set(DirectorySiblings.keyOf(service, typename, { [key]: String(value[key]) }), value);
    return this;
  }

  entity<T>(service: string, typename: string, key: Record<string, string>): Promise<T | null> {
    return Promise.resolve(
      (this.entries.get(DirectorySiblings.keyOf(service, typename, key)) as T | undefined) ?? null,
    );
  }

  private static keyOf(service: string, typename: string, key: Record<string, string>): string {
    return `${service}:${typename}:${JSON.stringify(Object.entries(key).sort(([a], [b]) => a.localeCompare(b)))}`;
  }
}

/**
 * The bearers a seed or a benchmark template acts as, one builder a role, as their tokens would read: `sub` names
 * the seat (`seedSub`: `staff-<region>`, `handler-<unit>`, `deputy-<id>`, `member-<id>`), `name` the person where
 * the record shows one.
 */
export const seedSub = {
  staff: (region: string) => `staff-${region}`,
  handler: (unit: string) => `handler-${unit}`,
  deputy: (deputy: string) => `deputy-${deputy}`,
  member: (member: string) => `member-${member}`,
};

export const seedViewer = {
  staff: (region: string, name?: string): Viewer => ({
    sub: seedSub.staff(region),
    role: 'STAFF',
    region,
    unit: null,
    deputy: null,
    ...(name ? { name } : {}),
  }),
  handler: (region: string, unit: string, name?: string | null): Viewer => ({
    sub: seedSub.handler(unit),
    role: 'HANDLER',
    region,
    unit,
    deputy: null,
    ...(name ? { name } : {}),
  }),
  deputy: (region: string, deputy: string): Viewer => ({
    sub: seedSub.deputy(deputy),
    role: 'DEPUTY',
    region,
    unit: null,
    deputy,
  }),
  member: (region: string, member: string): Viewer => ({
    sub: seedSub.member(member),
    role: 'COMMITTEE_MEMBER',
    region,
    unit: null,
    deputy: null,
    member,
  }),
};

/**
 * One actor of a demo seed, writing through the service's write functions as a request would: the viewer, a
 * clock the seed sets to the day each act happened (deadlines and stored dates follow it), the seed's
 * EntityManager, and the sibling facts the demo declares. The seed calls write functions with `ctx.as(viewer)`
 * and `ctx.on(date)` between acts.
 */
export interface SeedContext extends ServiceContext {
  clock: FixedClock;
  /** The same context acting as another bearer. */
  as(viewer: Viewer): SeedContext;
  /** Sets the clock to `date` (YYYY-MM-DD, at 10:00 Beijing time) or an ISO instant; returns the context. */
  on(date: string): SeedContext;
}

export function seedContext(
  em: EntityManager,
  options: { siblings?: Siblings; settings?: Readonly<Record<string, unknown>>; viewer?: Viewer; now?: Date } = {},
): SeedContext {
  const clock = new FixedClock((options.now ?? new Date()).toISOString());
  const shared = {
    em,
    clock,
    loaders: new Loaders(),
    cache: createMemoryCache(100),
    log: createLogger('seed', process.env.VITEST ? 'silent' : 'warn'),
    authorization: null,
    siblings: options.siblings ?? new DirectorySiblings(),
    clientAddress: 'seed',
    settings: options.settings ?? {},
  };
  const make = (viewer: Viewer | null): SeedContext => {
    const ctx: SeedContext = {
      ...shared,
      viewer,
      as: (next) => make(next),
      on: (date) => {
        clock.set(date.length === 10 ? `${date}T02:00:00Z` : date);
        return ctx;
      },
    };
    return ctx;
  };
  return make(options.viewer ?? null);
}
