export const roles = ['ADMIN', 'STAFF', 'HANDLER', 'DEPUTY', 'ANALYST', 'COMMITTEE_MEMBER'] as const;
export type Role = (typeof roles)[number];

/** The verified bearer of a token. `null` everywhere means the public (no token). */
export interface Viewer {
  sub: string;
  role: Role;
  /** Region subtree the bearer may act in; null only for ADMIN (everywhere). */
  region: string | null;
  /** GovernmentUnit id, for HANDLER. */
  unit: string | null;
  /** Deputy id, for DEPUTY. */
  deputy: string | null;
  /** CommitteeMember id, for COMMITTEE_MEMBER: a standing-committee member acting for themself (D-4). */
  member?: string | null;
  /** The person's name (`name` claim), when the identity provider sends one: records say who acted. */
  name?: string | null;
}
