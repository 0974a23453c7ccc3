import type { Resolvers } from '../../generated/resolvers.ts';
import {
  congressLoader,
  childrenOf,
  createCongress,
  createRegion,
  createSession,
  currentCongressOf,
  listRegions,
  regionsConnection,
  regionLoader,
  registeredRegion,
  sessionCount,
  sessionLoader,
  sessionsOf,
  townshipCongressesShortOfSessions,
} from './regions.service.ts';
import { activeDeputyCount, listDeputies } from '../deputies/deputies.service.ts';
import { sessionAttendance } from '../liaison/liaison.service.ts';
import { referenced } from '../references.ts';

export const regionResolvers: Resolvers = {
  Query: {
    region: (_, { code }, ctx) => registeredRegion(ctx, code),
    regions: (_, { parentCode, level }, ctx) => listRegions(ctx, parentCode, level),
    regionsConnection: (_, { parentCode, level, first, after }, ctx) =>
      regionsConnection(ctx, first, after, parentCode, level),
    congress: (_, { id }, ctx) => congressLoader(ctx).load(id),
  },
  Mutation: {
    createRegion: (_, { input }, ctx) => createRegion(ctx, input),
    createCongress: (_, { input }, ctx) => createCongress(ctx, input),
    createSession: (_, { input }, ctx) => createSession(ctx, input),
  },
  Region: {
    __resolveReference: (ref, ctx) => regionLoader(ctx).load(ref.code),
    parent: (region, _, ctx) => (region.parentCode ? regionLoader(ctx).load(region.parentCode) : null),
    children: (region, _, ctx) => childrenOf(ctx, region.code),
    currentCongress: (region, { on }, ctx) => currentCongressOf(ctx, region.code, on),
    townshipCongressesShortOfSessions: (region, { year, first, after }, ctx) =>
      townshipCongressesShortOfSessions(ctx, region.code, year, first, after),
  },
  Congress: {
    __resolveReference: (ref, ctx) => congressLoader(ctx).load(ref.id),
    region: async (congress, _, ctx) => (await regionLoader(ctx).load(congress.regionCode))!,
    activeDeputyCount: (congress, _, ctx) => activeDeputyCount(ctx, congress.id),
    sessions: (congress, _, ctx) => sessionsOf(ctx, congress.id),
    sessionCount: (congress, { year }, ctx) => sessionCount(ctx, congress.id, year),
    deputies: (congress, { filter, first, after }, ctx) =>
      listDeputies(ctx, filter, first, after, { congressId: congress.id }),
  },
  CongressSession: {
    __resolveReference: (ref, ctx) => sessionLoader(ctx).load(ref.id),
    congress: async (session, _, ctx) =>
      referenced(await congressLoader(ctx).load(session.congressId), "the session's congress"),
    attendance: (session, _, ctx) => sessionAttendance(ctx, session.id, session.regionCode),
  },
};
