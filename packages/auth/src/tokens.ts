import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { invalidToken as unauthenticated } from '@renda/errors/errors';
import { roles, type Role, type Viewer } from './viewer.ts';

export type TokenConfig =
  | { kind: 'hs256'; secret: string; issuer?: string; audience?: string }
  | { kind: 'jwks'; jwksUrl: string; issuer?: string; audience?: string };

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
  if (viewer.region !== null && !regionPattern.test(viewer.region)) {
    throw unauthenticated('The token\'s `region` claim is not a region code (2, 4, 6 or 9 digits).');
  }
  if (viewer.role !== 'ADMIN' && viewer.region === null) throw unauthenticated(`A ${viewer.role} token needs a \`region\` claim.`);
  if (viewer.role === 'HANDLER' && viewer.unit === null) throw unauthenticated('A HANDLER token needs a `unit` claim.');
  if (viewer.role === 'DEPUTY' && viewer.deputy === null) throw unauthenticated('A DEPUTY token needs a `deputy` claim.');
  if (viewer.role === 'COMMITTEE_MEMBER' && !viewer.member) throw unauthenticated('A COMMITTEE_MEMBER token needs a `member` claim.');
  return viewer;
}

/**
 * Builds the verifier every service and the gateway use. No header is the public; a header that is
 * present but not a valid token (bad signature, `alg: none`, expired, wrong claims) is UNAUTHENTICATED,
 * never silently public.
 */
export function createTokenVerifier(config: TokenConfig): TokenVerifier {
  const key: Uint8Array | JWTVerifyGetKey =
    config.kind === 'hs256' ? new TextEncoder().encode(config.secret) : createRemoteJWKSet(new URL(config.jwksUrl));
  const algorithms = config.kind === 'hs256' ? ['HS256'] : ['RS256', 'ES256', 'PS256', 'EdDSA'];
  return async (authorization) => {
    if (authorization === undefined || authorization === null || authorization === '') return null;
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match) throw unauthenticated('The Authorization header must be `Bearer <token>`.');
    let payload: JWTPayload;
    try {
      // jose refuses `alg: none` and any algorithm not listed; the key type decides the rest.
      const verified = await jwtVerify(match[1]!, key as Uint8Array, {
        algorithms,
        ...(config.issuer ? { issuer: config.issuer } : {}),
        ...(config.audience ? { audience: config.audience } : {}),
      });
      payload = verified.payload;
    } catch (e) {
      const reason = (e as { code?: string }).code === 'ERR_JWT_EXPIRED' ? 'The token has expired.' : 'The token is not valid.';
      throw unauthenticated(`${reason} Get a new one and send it as \`Authorization: Bearer <token>\`.`);
    }
    return claimsToViewer(payload);
  };
}

export interface TokenClaims {
  sub: string;
  role: Role;
  region?: string;
  unit?: string;
  deputy?: string;
  member?: string;
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
