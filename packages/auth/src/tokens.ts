import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { invalidToken as unauthenticated } from '@renda/errors/errors';
import { roles, type Role, type Viewer } from './viewer.ts';

interface TokenRules {
  issuer?: string;
  audience?: string;
  /** Longest lifetime (`exp` − `iat`) a token may have, in seconds (default 24 h). */
  maxLifetimeSeconds?: number;
}

export type TokenConfig = ({ kind: 'hs256'; secret: string } | { kind: 'jwks'; jwksUrl: string }) & TokenRules;

/** Clocks of the identity provider and of this server may differ by this much. */
export const clockSkewSeconds = 60;
export const defaultMaxLifetimeSeconds = 24 * 3600;

export type TokenVerifier = (authorization: string | undefined | null) => Promise<Viewer | null>;

const regionPattern = /^(\d{2}|\d{4}|\d{6}|\d{9})$/;

function claimsToViewer(payload: JWTPayload): Viewer {
  const role = payload.role;
  if (typeof payload.sub !== 'string' || !payload.sub) throw unauthenticated('The token has no `sub` claim.');
  if (typeof role !== 'string' || !roles.includes(role as Role)) {
    throw unauthenticated(`The token's \`role\` claim must be one of ${roles.join(', ')}.`);
  }
  const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : null);
  const viewer: Viewer = {
    sub: payload.sub,
    role: role as Role,
    region: str(payload.region),
    unit: str(payload.unit),
    deputy: str(payload.deputy),
    member: str(payload.member),
  };
  // Only when sent, so viewers without a name stay as they were.
  const name = str(payload.name);
  if (name !== null) viewer.name = name;
  if (viewer.region !== null && !regionPattern.test(viewer.region)) {
    throw unauthenticated("The token's `region` claim is not a region code (2, 4, 6 or 9 digits).");
  }
  if (viewer.role !== 'ADMIN' && viewer.region === null)
    throw unauthenticated(`A ${viewer.role} token needs a \`region\` claim.`);
  if (viewer.role === 'HANDLER' && viewer.unit === null) throw unauthenticated('A HANDLER token needs a `unit` claim.');
  if (viewer.role === 'DEPUTY' && viewer.deputy === null)
    throw unauthenticated('A DEPUTY token needs a `deputy` claim.');
  if (viewer.role === 'COMMITTEE_MEMBER' && !viewer.member)
    throw unauthenticated('A COMMITTEE_MEMBER token needs a `member` claim.');
  return viewer;
}

const again = 'Get a new one and send it as `Authorization: Bearer <token>`.';

/** Why jose refused a token, in words a caller can act on. */
function refusal(e: unknown): string {
  const { code, claim, reason } = e as { code?: string; claim?: string; reason?: string };
  if (code === 'ERR_JWT_EXPIRED') return 'The token has expired.';
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') {
    if (claim === 'exp' && reason === 'missing') return 'The token has no `exp` claim: tokens must expire.';
    if (claim === 'nbf') return 'The token is not valid yet (`nbf` is in the future).';
    if (claim === 'iss') return 'The token was issued by another issuer than JWT_ISSUER.';
    if (claim === 'aud') return 'The token is meant for another audience than JWT_AUDIENCE.';
    return `The token's \`${claim ?? 'claims'}\` claim is not valid.`;
  }
  if (code === 'ERR_JWKS_NO_MATCHING_KEY') {
    return 'The token is signed with a key the identity provider does not publish.';
  }
  if (code === 'ERR_JOSE_ALG_NOT_ALLOWED') return 'The token is signed with an algorithm this server does not accept.';
  return 'The token is not valid.';
}

/** `iat` in the future and lifetimes beyond the maximum: jose leaves both to the caller. */
function checkTimes(payload: JWTPayload, maxLifetime: number): void {
  const now = Math.floor(Date.now() / 1000);
  const exp = payload.exp!;
  if (payload.iat !== undefined) {
    if (typeof payload.iat !== 'number') throw unauthenticated(`The token's \`iat\` claim is not a time. ${again}`);
    if (payload.iat > now + clockSkewSeconds) {
      throw unauthenticated(`The token is issued in the future (\`iat\`). ${again}`);
    }
  }
  const lifetime = exp - (payload.iat ?? now);
  if (lifetime > maxLifetime) {
    const allowed = `the ${maxLifetime} s allowed (JWT_MAX_LIFETIME)`;
    throw unauthenticated(`The token lives ${lifetime} s, longer than ${allowed}. ${again}`);
  }
}

/**
 * Builds the verifier every service and the gateway use. No header is the public; a header that is
 * present but not a valid token (bad signature, `alg: none`, no `exp`, expired, issued in the future,
 * living too long, wrong claims) is UNAUTHENTICATED, never silently public.
 */
export function createTokenVerifier(config: TokenConfig): TokenVerifier {
  const key: Uint8Array | JWTVerifyGetKey =
    config.kind === 'hs256' ? new TextEncoder().encode(config.secret) : createRemoteJWKSet(new URL(config.jwksUrl));
  const algorithms = config.kind === 'hs256' ? ['HS256'] : ['RS256', 'ES256', 'PS256', 'EdDSA'];
  const maxLifetime = config.maxLifetimeSeconds ?? defaultMaxLifetimeSeconds;
  return async (authorization) => {
    if (authorization === undefined || authorization === null || authorization === '') return null;
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match) throw unauthenticated('The Authorization header must be `Bearer <token>`.');
    let payload: JWTPayload;
    try {
      // jose refuses `alg: none` and any algorithm not listed; the key type decides the rest.
      const verified = await jwtVerify(match[1]!, key as Uint8Array, {
        algorithms,
        requiredClaims: ['exp'],
        clockTolerance: clockSkewSeconds,
        ...(config.issuer ? { issuer: config.issuer } : {}),
        ...(config.audience ? { audience: config.audience } : {}),
      });
      payload = verified.payload;
    } catch (e) {
      throw unauthenticated(`${refusal(e)} ${again}`);
    }
    checkTimes(payload, maxLifetime);
    return claimsToViewer(payload);
  };
}

/** Reads a lifetime such as `24h`, `30m`, `90s`, `7d` or a number of seconds; null when malformed. */
export function parseLifetime(text: string): number | null {
  const match = /^(\d+)\s*(s|m|h|d)?$/.exec(text.trim());
  if (!match) return null;
  const unit = { s: 1, m: 60, h: 3600, d: 86_400 }[(match[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

export interface TokenClaims {
  sub: string;
  role: Role;
  region?: string;
  unit?: string;
  deputy?: string;
  member?: string;
  /** The person's name, shown where records say who acted. */
  name?: string;
}

/** Signs an HS256 token: for development, the demo and tests. Production tokens come from the identity provider. */
export async function signDevToken(secret: string, claims: TokenClaims, expiresIn = '12h'): Promise<string> {
  const { sub, ...rest } = claims;
  return new SignJWT({ ...rest })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}
