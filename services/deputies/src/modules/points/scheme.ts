import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** What a deputy earns points for (D-11, 002 §9): the duty record, across the services that keep it. */
export const deputyPointItems = [
  'VOTER_CONTACT',
  'GROUP_ACTIVITY',
  'DUTY_REPORT',
  'SUGGESTION_LED',
  'INSPECTION',
  'SUPERVISED_PROJECT',
  'BALLOT_CAST',
  'SESSION_ABSENT_WITHOUT_LEAVE',
] as const;

/** What a standing-committee member earns points for (D-4, 002 §9). */
export const memberPointItems = ['COMMITTEE_CONTACT', 'MEETING_ATTENDED', 'MEETING_ABSENT_WITHOUT_LEAVE'] as const;

export type DeputyPointItem = (typeof deputyPointItems)[number];
export type MemberPointItem = (typeof memberPointItems)[number];
export type PointItem = DeputyPointItem | MemberPointItem;

const weight = z.number().min(-1000).max(1000);
const deputyWeights = z
  .object(Object.fromEntries(deputyPointItems.map((i) => [i, weight])) as Record<DeputyPointItem, typeof weight>)
  .strict();
const memberWeights = z
  .object(Object.fromEntries(memberPointItems.map((i) => [i, weight])) as Record<MemberPointItem, typeof weight>)
  .strict();

const schemeSchema = z
  .object({
    deputy: deputyWeights,
    member: memberWeights,
    /** Per congress: weights for the congress of a region, by region code (the longest matching code wins). */
    regions: z
      .record(
        z.string().regex(/^(\d{2}|\d{4}|\d{6}|\d{9})$/),
        z.object({ deputy: deputyWeights.partial().optional(), member: memberWeights.partial().optional() }).strict(),
      )
      .default({}),
  })
  .strict();

export type PointsScheme = z.infer<typeof schemeSchema>;

/**
 * 积分制 weights used where no local file is given: the shape of the published schemes (a voter
 * contact 2, a suggestion led 5, an unexcused absence −10), a local practice each congress may change.
 */
export const defaultPointsScheme: PointsScheme = {
  deputy: {
    VOTER_CONTACT: 2,
    GROUP_ACTIVITY: 2,
    DUTY_REPORT: 5,
    SUGGESTION_LED: 5,
    INSPECTION: 3,
    SUPERVISED_PROJECT: 3,
    BALLOT_CAST: 1,
    SESSION_ABSENT_WITHOUT_LEAVE: -10,
  },
  member: { COMMITTEE_CONTACT: 2, MEETING_ATTENDED: 1, MEETING_ABSENT_WITHOUT_LEAVE: -10 },
  regions: {},
};

/** Reads a points scheme (JSON) from `file`; a wrong file is one clear line naming the problem. */
export function loadPointsScheme(file: string | undefined): PointsScheme {
  if (!file) return defaultPointsScheme;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`POINTS_SCHEME_FILE ${file}: ${(e as Error).message}`);
  }
  const parsed = schemeSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`POINTS_SCHEME_FILE ${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

/** The weights for a congress of `regionCode`: the scheme's, overridden by the most specific region entry. */
export function weightsFor(
  scheme: PointsScheme,
  regionCode: string,
): { deputy: Record<DeputyPointItem, number>; member: Record<MemberPointItem, number> } {
  const matches = Object.keys(scheme.regions)
    .filter((code) => regionCode.startsWith(code))
    .sort((a, b) => a.length - b.length);
  const deputy = { ...scheme.deputy };
  const member = { ...scheme.member };
  for (const code of matches) {
    Object.assign(deputy, scheme.regions[code]!.deputy ?? {});
    Object.assign(member, scheme.regions[code]!.member ?? {});
  }
  return { deputy, member };
}
