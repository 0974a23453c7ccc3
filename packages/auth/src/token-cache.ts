import { decodeJwt } from 'jose';
import { LRUCache } from 'lru-cache';
import type { TokenVerifier } from './tokens.ts';
import type { Viewer } from './viewer.ts';

export interface TokenCacheOptions {
  /** Most tokens kept (least recently used go first); 0 turns the cache off. Default 10,000. */
  max?: number;
  /** Longest a verified token is trusted without verifying it again, in ms. Default 5 minutes. */
  maxAgeMs?: number;
  /** Milliseconds since the epoch; the cache compares it with the token's `exp`. */
  now?: () => number;
}

interface Entry {
  viewer: Viewer;
  /** ms since the epoch after which the token is verified again. */
  until: number;
}

/**
 * Wraps a verifier so that a token verified once is not verified again until it expires (its `exp`,
 * or `maxAgeMs` after it was verified, whichever is sooner). The gateway and every subgraph verify
 * the same bearer on each request; this keeps one signature check per token and period.
 *
 * Only successes are kept, keyed on the exact Authorization value: a refused token is refused again
 * by the wrapped verifier each time, and a token is never taken for another. Concurrent first
 * requests with the same token share one verification. The viewers handed out are frozen.
 */
export function cachedTokenVerifier(verify: TokenVerifier, options: TokenCacheOptions = {}): TokenVerifier {
  const max = options.max ?? 10_000;
  if (max <= 0) return verify;
  const maxAgeMs = options.maxAgeMs ?? 5 * 60_000;
  const now = options.now ?? Date.now;
  const verified = new LRUCache<string, Entry>({ max });
  const pending = new Map<string, Promise<Viewer | null>>();

  const verifyAndKeep = async (authorization: string): Promise<Viewer | null> => {
    const started = now();
    const viewer = await verify(authorization);
    if (viewer === null) return null;
    // The wrapped verifier has accepted the signature and the claims; `exp` is read from the same token.
    const token = /^Bearer\s+(\S+)$/i.exec(authorization.trim())?.[1];
    const exp = token ? decodeJwt(token).exp : undefined;
    const until = Math.min(started + maxAgeMs, typeof exp === 'number' ? exp * 1000 : Infinity);
    const frozen = Object.freeze({ ...viewer });
    if (until > now()) verified.set(authorization, { viewer: frozen, until });
    return frozen;
  };

  return async (authorization) => {
    if (authorization === undefined || authorization === null || authorization === '') return verify(authorization);
    const hit = verified.get(authorization);
    if (hit) {
      if (hit.until > now()) return hit.viewer;
      verified.delete(authorization);
    }
    const inFlight = pending.get(authorization);
    if (inFlight) return inFlight;
    const promise = verifyAndKeep(authorization).finally(() => pending.delete(authorization));
    pending.set(authorization, promise);
    return promise;
  };
}
