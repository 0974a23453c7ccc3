import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { covers, requireWriteIn } from '../src/guards.ts';
import { createTokenVerifier, parseLifetime, signDevToken } from '../src/tokens.ts';
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

async function refusal(promise: Promise<unknown>): Promise<{ code: unknown; message: string }> {
  try {
    await promise;
    return { code: 'no error', message: '' };
  } catch (e) {
    return { code: (e as { extensions?: { code?: string } }).extensions?.code, message: (e as Error).message };
  }
}

const now = () => Math.floor(Date.now() / 1000);
const hs = (claims: Record<string, unknown>) =>
  new SignJWT({ role: 'ADMIN', ...claims }).setProtectedHeader({ alg: 'HS256' }).setSubject('s');

describe('token verification', () => {
  it('no header is the public', async () => {
    expect(await verify(undefined)).toBeNull();
    expect(await verify('')).toBeNull();
  });

  it('reads the claims of a valid token', async () => {
    const token = await signDevToken(secret, { sub: 's', role: 'STAFF', region: '4301' });
    expect(await verify(`Bearer ${token}`)).toEqual({
      sub: 's',
      role: 'STAFF',
      region: '4301',
      unit: null,
      deputy: null,
      member: null,
    });
  });

  it('reads the optional `name` claim, so records can say who acted', async () => {
    const token = await signDevToken(secret, { sub: 's', role: 'STAFF', region: '4301', name: '人大办 周敏' });
    expect((await verify(`Bearer ${token}`))?.name).toBe('人大办 周敏');
  });

  it('D-4: a COMMITTEE_MEMBER token names its member, or is refused', async () => {
    const token = await signDevToken(secret, {
      sub: 'm',
      role: 'COMMITTEE_MEMBER',
      region: '430181',
      member: 'member-1',
    });
    expect((await verify(`Bearer ${token}`))?.member).toBe('member-1');
    const without = await signDevToken(secret, { sub: 'm', role: 'COMMITTEE_MEMBER', region: '430181' });
    await expect(verify(`Bearer ${without}`)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('refuses bad signatures, alg none, expired tokens and malformed headers as UNAUTHENTICATED', async () => {
    const other = await signDevToken('another-secret-of-enough-length', { sub: 's', role: 'ADMIN' });
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"s","role":"ADMIN"}').toString('base64url')}.`;
    // Expired beyond the 60 s of clock skew allowed.
    const expired = await hs({})
      .setExpirationTime(now() - 120)
      .sign(key);
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
      const token = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('s')
        .setExpirationTime('1h')
        .sign(key);
      expect(await codeOf(verify(`Bearer ${token}`)), JSON.stringify(claims)).toBe('UNAUTHENTICATED');
    }
  });
});

describe('token lifetimes', () => {
  it('refuses a token without `exp`: it would never expire', async () => {
    const forever = await hs({}).setIssuedAt().sign(key);
    const r = await refusal(verify(`Bearer ${forever}`));
    expect(r.code).toBe('UNAUTHENTICATED');
    expect(r.message).toMatch(/no `exp` claim/);
  });

  it('refuses a token issued in the future beyond 60 s of clock skew, accepts one within it', async () => {
    const future = await hs({})
      .setIssuedAt(now() + 600)
      .setExpirationTime(now() + 3600)
      .sign(key);
    const r = await refusal(verify(`Bearer ${future}`));
    expect(r.code).toBe('UNAUTHENTICATED');
    expect(r.message).toMatch(/issued in the future/);
    const skewed = await hs({})
      .setIssuedAt(now() + 30)
      .setExpirationTime(now() + 3600)
      .sign(key);
    expect(await verify(`Bearer ${skewed}`)).toMatchObject({ role: 'ADMIN' });
  });

  it('refuses a token not valid yet (`nbf` in the future)', async () => {
    const later = await hs({})
      .setIssuedAt()
      .setNotBefore(now() + 600)
      .setExpirationTime(now() + 3600)
      .sign(key);
    const r = await refusal(verify(`Bearer ${later}`));
    expect(r).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(r.message).toMatch(/not valid yet/);
  });

  it('refuses a token living longer than the maximum lifetime (JWT_MAX_LIFETIME)', async () => {
    const long = await hs({})
      .setIssuedAt()
      .setExpirationTime(now() + 2 * 86_400)
      .sign(key);
    const r = await refusal(verify(`Bearer ${long}`));
    expect(r.code).toBe('UNAUTHENTICATED');
    expect(r.message).toMatch(/JWT_MAX_LIFETIME/);
    // Without `iat` the lifetime counts from now.
    const noIat = await hs({})
      .setExpirationTime(now() + 2 * 86_400)
      .sign(key);
    expect(await codeOf(verify(`Bearer ${noIat}`))).toBe('UNAUTHENTICATED');
    const shortOnly = createTokenVerifier({ kind: 'hs256', secret, maxLifetimeSeconds: 600 });
    const hour = await hs({}).setIssuedAt().setExpirationTime('1h').sign(key);
    expect(await codeOf(shortOnly(`Bearer ${hour}`))).toBe('UNAUTHENTICATED');
    expect(await verify(`Bearer ${hour}`)).toMatchObject({ role: 'ADMIN' });
  });

  it('signs development tokens with `iat` and `exp`', async () => {
    const token = await signDevToken(secret, { sub: 's', role: 'ADMIN' });
    const body = Buffer.from(token.split('.')[1]!, 'base64url').toString();
    const payload = JSON.parse(body) as { iat: number; exp: number };
    expect(Math.abs(payload.iat - now())).toBeLessThan(5);
    expect(payload.exp - payload.iat).toBe(12 * 3600);
  });

  it('reads lifetimes written as 24h, 30m, 90s, 7d or seconds', () => {
    expect(['24h', '30m', '90s', '7d', '3600'].map(parseLifetime)).toEqual([86_400, 1800, 90, 604_800, 3600]);
    expect(parseLifetime('a day')).toBeNull();
  });
});

describe('tokens of an identity provider (JWKS_URL, JWT_ISSUER, JWT_AUDIENCE)', () => {
  let server: Server;
  let jwksUrl: string;
  const issuer = 'https://idp.example.test';
  const audience = 'renda-graph';
  const keys: Record<string, { privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey']; jwk: JWK }> = {};

  beforeAll(async () => {
    for (const [kid, alg] of [
      ['rsa-1', 'RS256'],
      ['ec-1', 'ES256'],
      ['unpublished', 'RS256'],
    ] as const) {
      const pair = await generateKeyPair(alg);
      keys[kid] = { privateKey: pair.privateKey, jwk: { ...(await exportJWK(pair.publicKey)), kid, alg, use: 'sig' } };
    }
    const published = JSON.stringify({ keys: [keys['rsa-1']!.jwk, keys['ec-1']!.jwk] });
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(published);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const sign = (kid: string, alg: string, claims: { iss?: string; aud?: string } = {}) =>
    new SignJWT({ role: 'STAFF', region: '43' })
      .setProtectedHeader({ alg, kid })
      .setSubject('idp-user')
      .setIssuer(claims.iss ?? issuer)
      .setAudience(claims.aud ?? audience)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(keys[kid]!.privateKey);

  it('accepts RS256 and ES256 tokens signed with a published key', async () => {
    const verifyIdp = createTokenVerifier({ kind: 'jwks', jwksUrl, issuer, audience });
    const viewer = { sub: 'idp-user', role: 'STAFF', region: '43', unit: null, deputy: null, member: null };
    expect(await verifyIdp(`Bearer ${await sign('rsa-1', 'RS256')}`)).toEqual(viewer);
    expect(await verifyIdp(`Bearer ${await sign('ec-1', 'ES256')}`)).toMatchObject({ sub: 'idp-user', role: 'STAFF' });
  });

  it('refuses a wrong issuer, a wrong audience and an unknown key id', async () => {
    const verifyIdp = createTokenVerifier({ kind: 'jwks', jwksUrl, issuer, audience });
    const elsewhere = await sign('rsa-1', 'RS256', { iss: 'https://elsewhere.test' });
    const wrongIssuer = await refusal(verifyIdp(`Bearer ${elsewhere}`));
    expect(wrongIssuer).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(wrongIssuer.message).toMatch(/JWT_ISSUER/);
    const wrongAudience = await refusal(verifyIdp(`Bearer ${await sign('rsa-1', 'RS256', { aud: 'another-app' })}`));
    expect(wrongAudience).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(wrongAudience.message).toMatch(/JWT_AUDIENCE/);
    const unknownKid = await refusal(verifyIdp(`Bearer ${await sign('unpublished', 'RS256')}`));
    expect(unknownKid).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(unknownKid.message).toMatch(/does not publish/);
  });

  it('refuses an HS256 token, even one signed with the development secret, when JWKS is configured', async () => {
    const verifyIdp = createTokenVerifier({ kind: 'jwks', jwksUrl, issuer, audience });
    const hsToken = await hs({ iss: issuer, aud: audience }).setIssuedAt().setExpirationTime('1h').sign(key);
    expect(await codeOf(verifyIdp(`Bearer ${hsToken}`))).toBe('UNAUTHENTICATED');
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
