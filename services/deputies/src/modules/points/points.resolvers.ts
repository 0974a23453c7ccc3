import type { Resolvers } from '../../generated/resolvers.ts';
import type { Deputy } from '../deputies/deputy.entity.ts';
import { DeputySchema } from '../deputies/deputy.entity.ts';
import { groupMembers } from '../deputies/deputies.service.ts';
import { CommitteeMemberSchema, type CommitteeMember } from '../liaison/liaison.entity.ts';
import { requireContactReader } from '../liaison/liaison.service.ts';
import {
  deputyPoints,
  memberPoints,
  rank,
  requirePointsReader,
  requireRankingReader,
  type Points,
} from './points.service.ts';

export interface DeputyRank {
  rank: number;
  deputy: Deputy;
  points: Points;
}

export interface MemberRank {
  rank: number;
  member: CommitteeMember;
  points: Points;
}

export const pointsResolvers: Resolvers = {
  Deputy: {
    points: (deputy, { year }, ctx) => {
      requirePointsReader(ctx, deputy);
      return deputyPoints(ctx, deputy, year);
    },
  },
  CommitteeMember: {
    points: (member, { year }, ctx) => {
      requireContactReader(ctx.viewer, member.regionCode);
      return memberPoints(ctx, member, year);
    },
  },
  Congress: {
    pointsRanking: async (congress, { year }, ctx) => {
      requireRankingReader(ctx, congress.regionCode);
      const deputies = await ctx.em.find(
        DeputySchema,
        { congressId: congress.id, status: 'ACTIVE' },
        { orderBy: { id: 'asc' } },
      );
      return (await rank(deputies, (d) => deputyPoints(ctx, d, year))).map((r) => ({
        rank: r.rank,
        deputy: r.subject,
        points: r.points,
      }));
    },
    memberPointsRanking: async (congress, { year }, ctx) => {
      requireRankingReader(ctx, congress.regionCode);
      const members = await ctx.em.find(CommitteeMemberSchema, { congressId: congress.id }, { orderBy: { id: 'asc' } });
      return (await rank(members, (m) => memberPoints(ctx, m, year))).map((r) => ({
        rank: r.rank,
        member: r.subject,
        points: r.points,
      }));
    },
  },
  DeputyGroup: {
    pointsRanking: async (group, { year }, ctx) => {
      requireRankingReader(ctx, group.regionCode);
      const deputies = (await groupMembers(ctx, group.id)).filter((d) => d.status === 'ACTIVE');
      return (await rank(deputies, (d) => deputyPoints(ctx, d, year))).map((r) => ({
        rank: r.rank,
        deputy: r.subject,
        points: r.points,
      }));
    },
  },
};
