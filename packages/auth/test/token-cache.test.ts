import { describe, expect, it } from 'vitest';
import { cachedTokenVerifier } from '../src/token-cache.ts';
import { createTokenVerifier, signDevToken, type TokenVerifier } from '../src/tokens.ts';

const secret = 'a-test-secret-of-enough-length';

/** The real verifier, counting how often it runs. */
function counted(): { verify: TokenVerifier; calls: () => number } {
  const real = createTokenVerifier({ kind: 'hs256', secret });
  let n = 0;
  return {
    verify: (authorization) => {
      n++;
      return real(authorization);
    },
    calls: () => n,
  };
}

async function codeOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
    return 'no error';
  } catch (e) {
    return (e as { extensions?: { code?: string } }).extensions?.code;
  }
}

describe('verified-token cache', () => {
  it('verifies a token once, also for requests that arrive together', async () => {
    const { verify, calls } = counted();
    const cached = cachedTokenVerifier(verify);
    const header = `Bearer ${await signDevToken(secret, { sub: 'a', role: 'STAFF', region: '43' })}`;
    const viewers = await Promise.all([cached(header), cached(header), cached(header)]);
    expect(await cached(header)).toEqual({
      sub: 'a',
      role: 'STAFF',
      region: '43',
      unit: null,
      deputy: null,
      member: null,
    });
    expect(viewers.every((v) => v?.sub === 'a')).toBe(true);
    expect(calls()).toBe(1);
  });

  it("never hands one bearer another bearer's viewer", async () => {
    const cached = cachedTokenVerifier(counted().verify);
    const staff = `Bearer ${await signDevToken(secret, { sub: 'staff', role: 'STAFF', region: '43' })}`;
    const deputy = `Bearer ${await signDevToken(secret, { sub: 'dep', role: 'DEPUTY', region: '430181', deputy: 'd1' })}`;
    await cached(staff);
    expect((await cached(deputy))?.sub).toBe('dep');
    expect((await cached(staff))?.role).toBe('STAFF');
    expect((await cached(deputy))?.deputy).toBe('d1');
  });

  it('keeps no refusal: a bad token is checked and refused every time', async () => {
    const { verify, calls } = counted();
    const cached = cachedTokenVerifier(verify);
    const forged = `Bearer ${await signDevToken('another-secret-of-enough-length', { sub: 'x', role: 'ADMIN' })}`;
    expect(await codeOf(cached(forged))).toBe('UNAUTHENTICATED');
    expect(await codeOf(cached(forged))).toBe('UNAUTHENTICATED');
    expect(calls()).toBe(2);
    expect(await cached(undefined)).toBeNull();
  });

  it("verifies again once the token's exp has passed (never answers from memory after exp)", async () => {
    const { verify, calls } = counted();
    let clock = Date.now();
    const cached = cachedTokenVerifier(verify, { now: () => clock });
    const header = `Bearer ${await signDevToken(secret, { sub: 'a', role: 'ADMIN' }, '1h')}`;
    await cached(header);
    clock += 59 * 60_000;
    await cached(header);
    expect(calls()).toBe(2); // the default 5-minute bound passed first
    clock += 2 * 60_000; // past exp by the cache's clock: it must not answer from memory
    await cached(header).catch(() => undefined);
    expect(calls()).toBe(3);
  });

  it('holds at most `max` tokens, least recently used out first', async () => {
    const { verify, calls } = counted();
    const cached = cachedTokenVerifier(verify, { max: 2 });
    const headers = await Promise.all(
      ['a', 'b', 'c'].map(async (sub) => `Bearer ${await signDevToken(secret, { sub, role: 'ADMIN' })}`),
    );
    for (const h of headers) await cached(h);
    expect(calls()).toBe(3);
    await cached(headers[2]!);
    await cached(headers[1]!);
    expect(calls()).toBe(3);
    await cached(headers[0]!);
    expect(calls()).toBe(4);
  });

  it('hands out viewers nobody can change for the next request', async () => {
    const cached = cachedTokenVerifier(counted().verify);
    const header = `Bearer ${await signDevToken(secret, { sub: 'a', role: 'STAFF', region: '4301' })}`;
    const viewer = (await cached(header))!;
    expect(() => Object.assign(viewer, { region: '43' })).toThrow(TypeError);
    expect((await cached(header))?.region).toBe('4301');
  });
});
