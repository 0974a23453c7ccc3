import type { Cache } from '@renda/cache/cache';
import type { EventEnvelope } from './envelope.ts';

/**
 * Wraps an event handler so each event id is handled once (delivery is at least once): the id is
 * claimed in the cache (Redis or in-process) for `ttlSeconds` before the handler runs, and released
 * if the handler fails, so a redelivery tries again.
 */
export function idempotent(
  handler: (event: EventEnvelope) => void | Promise<void>,
  cache: Cache,
  options: { name: string; ttlSeconds?: number },
): (event: EventEnvelope) => Promise<boolean> {
  const ttl = options.ttlSeconds ?? 7 * 24 * 3600;
  return async (event) => {
    const key = `events-seen:${options.name}:${event.id}`;
    if ((await cache.incr(key, ttl)) !== 1) return false;
    try {
      await handler(event);
    } catch (e) {
      await cache.del(key);
      throw e;
    }
    return true;
  };
}
