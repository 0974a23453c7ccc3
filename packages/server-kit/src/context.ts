import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '@renda/auth/viewer';
import type { Cache } from '@renda/cache/cache';
import type { Clock } from './clock.ts';
import type { Loaders } from './loaders.ts';
import type { Logger } from './logger.ts';
import type { Siblings } from './siblings.ts';

/** What every resolver of every subgraph receives. */
export interface ServiceContext {
  /** This request's own fork of the EntityManager; never the global one. */
  em: EntityManager;
  /** The verified bearer, or null for the public. */
  viewer: Viewer | null;
  clock: Clock;
  loaders: Loaders;
  cache: Cache;
  log: Logger;
  /** Raw `Authorization` header, to call sibling subgraphs on the bearer's behalf. */
  authorization: string | null;
  /** Reads entities other subgraphs own (through their `_entities`), batched per request. */
  siblings: Siblings;
  /** Client address, for rate limits on anonymous writes. */
  clientAddress: string;
  /**
   * The service's local rules (minimums, weights: *(local)* in DOMAIN.md), parsed once at start from its
   * env by the service definition's `settings`; each service reads them through its own typed accessor.
   */
  settings: Readonly<Record<string, unknown>>;
}
