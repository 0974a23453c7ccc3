import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { covers, requireWriteIn } from '../src/guards.ts';
import { createTokenVerifier, signDevToken } from '../src/tokens.ts';
import type { Viewer } from '../src/viewer.ts';

const secret = 'a-test-secret-of-enough-length';
const verify = createTokenVerifier({ kind: 'hs256', secret });
const key = new TextEncoder().encode(secret);

async function codeOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
    return 'no error';
  } catch (e) {
    return (e as { extensions?: { code?: string } }).extensions?.code;
  }
}

describe('token verification', () => {
  it('no header is the public', async () => {
    expect(await verify(undefined)).toBeNull();
    expect(await verify('')).toBeNull();
  });

  it('reads the claims of a valid token', async () => {
    const token = await signDevToken(secret, { sub: 's', role: 'STAFF', region: '4301' });
    expect(await verify(`Bearer ${token}`)).toEqual({ sub: 's', role: 'STAFF', region: '4301', unit: null, deputy: null, member: null });
  });

  it('D-4: a COMMITTEE_MEMBER token names its member, or is refused', async () => {
    const token = await signDevToken(secret, { sub: 'm', role: 'COMMITTEE_MEMBER', region: '430181', member: 'member-1' });
    expect((await verify(`Bearer ${token}`))?.member).toBe('member-1');
    const without = await signDevToken(secret, { sub: 'm', role: 'COMMITTEE_MEMBER', region: '430181' });
    await expect(verify(`Bearer ${without}`)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('refuses bad signatures, alg none, expired tokens and malformed headers as UNAUTHENTICATED', async () => {
    const other = await signDevToken('another-secret-of-enough-length', { sub: 's', role: 'ADMIN' });
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"s","role":"ADMIN"}').toString('base64url')}.`;
    const expired = await new SignJWT({ role: 'ADMIN' }).setProtectedHeader({ alg: 'HS256' }).setSubject('s').setExpirationTime(Math.floor(Date.now() / 1000) - 10).sign(key);
    for (const header of [`Bearer ${other}`, `Bearer ${none}`, `Bearer ${expired}`, 'Basic abc', 'Bearer']) {
      expect(await codeOf(verify(header)), header).toBe('UNAUTHENTICATED');
    }
  });

  it('refuses tokens whose claims do not fit the role', async () => {
    const cases = [
      { role: 'KING' },
      { role: 'STAFF' },
      { role: 'STAFF', region: '4x' },
      { role: 'HANDLER', region: '43' },
      { role: 'DEPUTY', region: '43' },
    ];
    for (const claims of cases) {
      const token = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('s').setExpirationTime('1h').sign(key);
      expect(await codeOf(verify(`Bearer ${token}`)), JSON.stringify(claims)).toBe('UNAUTHENTICATED');
    }
  });
});

describe('region guards (D-1 subtree)', () => {
  const staff: Viewer = { sub: 's', role: 'STAFF', region: '4301', unit: null, deputy: null };
  const analyst: Viewer = { ...staff, role: 'ANALYST' };
  const admin: Viewer = { sub: 'a', role: 'ADMIN', region: null, unit: null, deputy: null };

  it('covers a region and everything below it, nothing beside it', () => {
    expect(covers(staff, '4301')).toBe(true);
    expect(covers(staff, '430181104')).toBe(true);
    expect(covers(staff, '4306')).toBe(false);
    expect(covers(staff, '43')).toBe(false);
    expect(covers(admin, '65')).toBe(true);
  });

  it('lets staff write in their subtree only, and analysts never', async () => {
    expect(requireWriteIn(staff, '430181', 'x')).toBe(staff);
    expect(await codeOf(Promise.resolve().then(() => requireWriteIn(staff, '4306', 'x')))).toBe('FORBIDDEN');
    expect(await codeOf(Promise.resolve().then(() => requireWriteIn(analyst, '430181', 'x')))).toBe('FORBIDDEN');
    expect(await codeOf(Promise.resolve().then(() => requireWriteIn(null, '430181', 'x')))).toBe('UNAUTHENTICATED');
  });
});
