import { signDevToken, type TokenClaims } from '@renda/auth/tokens';
import { devJwtSecret } from '@renda/server-kit/env';

/** A token signed with the development secret the test services trust. */
export function tokenFor(claims: Omit<TokenClaims, 'sub'> & { sub?: string }): Promise<string> {
  return signDevToken(devJwtSecret, { sub: claims.sub ?? `test-${claims.role.toLowerCase()}`, ...claims });
}

export const tokens = {
  admin: () => tokenFor({ role: 'ADMIN' }),
  staff: (region: string) => tokenFor({ role: 'STAFF', region, sub: `staff-${region}` }),
  analyst: (region: string) => tokenFor({ role: 'ANALYST', region, sub: `analyst-${region}` }),
  handler: (region: string, unit: string) => tokenFor({ role: 'HANDLER', region, unit, sub: `handler-${unit}` }),
  deputy: (region: string, deputy: string) => tokenFor({ role: 'DEPUTY', region, deputy, sub: `deputy-${deputy}` }),
  member: (region: string, member: string) =>
    tokenFor({ role: 'COMMITTEE_MEMBER', region, member, sub: `member-${member}` }),
};
