import type { Resolvers } from '../../generated/resolvers.ts';
import { congressLoader, regionLoader } from '../regions/regions.service.ts';
import { contactsOf, dutySummary } from '../liaison/liaison.service.ts';
import {
  createDeputy,
  createGroup,
  closeStation,
  createStation,
  deputyLoader,
  endMandate,
  groupLoader,
  groupMembers,
  listDeputies,
  listGroups,
  listStations,
  requireDutyReader,
  setStationStandards,
  stationCompliant,
  stationDeputies,
  stationLoader,
  updateDeputy,
} from './deputies.service.ts';
import { referenced } from '../references.ts';

export const deputyResolvers: Resolvers = {
  Query: {
    deputy: (_, { id }, ctx) => deputyLoader(ctx).load(id),
    deputies: (_, { filter, first, after }, ctx) => listDeputies(ctx, filter, first, after),
    station: (_, { id }, ctx) => stationLoader(ctx).load(id),
    stations: (_, { regionCode, first, after }, ctx) => listStations(ctx, regionCode, first, after),
    deputyGroups: (_, { regionCode, first, after }, ctx) => listGroups(ctx, regionCode, first, after),
    me: (_, __, ctx) =>
      ctx.viewer?.role === 'DEPUTY' && ctx.viewer.deputy ? deputyLoader(ctx).load(ctx.viewer.deputy) : null,
  },
  Mutation: {
    createDeputy: (_, { input }, ctx) => createDeputy(ctx, input),
    updateDeputy: (_, { id, input, version, reason }, ctx) => updateDeputy(ctx, id, input, version, reason),
    endMandate: (_, { id, status, reason }, ctx) => endMandate(ctx, id, status, reason),
    createGroup: (_, { input }, ctx) => createGroup(ctx, input),
    createStation: (_, { input }, ctx) => createStation(ctx, input),
    closeStation: (_, { id, closedOn }, ctx) => closeStation(ctx, id, closedOn),
    setStationStandards: (_, { id, input }, ctx) => setStationStandards(ctx, id, input),
  },
  Deputy: {
    __resolveReference: (ref, ctx) => deputyLoader(ctx).load(ref.id),
    congress: async (deputy, _, ctx) =>
      referenced(await congressLoader(ctx).load(deputy.congressId), "the deputy's congress"),
    region: async (deputy, _, ctx) => (await regionLoader(ctx).load(deputy.regionCode))!,
    group: (deputy, _, ctx) => (deputy.groupId ? groupLoader(ctx).load(deputy.groupId) : null),
    station: (deputy, _, ctx) => (deputy.stationId ? stationLoader(ctx).load(deputy.stationId) : null),
    contacts: (deputy, { year, kind }, ctx) => {
      requireDutyReader(ctx.viewer, deputy, "A deputy's contacts");
      return contactsOf(ctx, 'deputyId', deputy.id, year, kind);
    },
    // D-11: the duty record is public in summary (counts only, nothing about any voter); its detail
    // (the contacts) stays with the deputy, staff and analysts.
    duty: (deputy, { year }, ctx) => dutySummary(ctx, deputy, year),
  },
  DeputyGroup: {
    __resolveReference: (ref, ctx) => groupLoader(ctx).load(ref.id),
    region: async (group, _, ctx) => (await regionLoader(ctx).load(group.regionCode))!,
    members: (group, _, ctx) => groupMembers(ctx, group.id),
  },
  LiaisonStation: {
    __resolveReference: (ref, ctx) => stationLoader(ctx).load(ref.id),
    region: async (station, _, ctx) => (await regionLoader(ctx).load(station.regionCode))!,
    standards: (station) => station,
    deputies: (station, _, ctx) => stationDeputies(ctx, station.id),
  },
  StationStandards: {
    compliant: (station) => stationCompliant(station),
  },
};
