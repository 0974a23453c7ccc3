import type { Viewer } from '@renda/auth/viewer';
import type { Resolvers } from '../../generated/resolvers.ts';
import { correctSessionAttendance, withdrawSessionAttendance } from './attendance-corrections.ts';
import { congressLoader, sessionLoader } from '../regions/regions.service.ts';
import { canReadDutyRecords, deputyLoader, groupLoader, stationLoader } from '../deputies/deputies.service.ts';
import {
  committeeMemberCount,
  assignDeputies,
  assignedDeputies,
  contactLoader,
  contactsOf,
  createCommitteeMember,
  createGovernmentLeader,
  leaderLoader,
  linkDeputies,
  linkedDeputies,
  linkGap,
  listCommitteeMembers,
  listLeaders,
  memberLoader,
  recordAttendance,
  recordContact,
  requireContactReader,
  underContacted,
  unvisited,
} from './liaison.service.ts';
import { correctContact, withdrawContact } from './contact-corrections.ts';
import { regionLoader } from '../regions/regions.service.ts';
import { referenced } from '../references.ts';

/** A committee member reads their own contacts and who they still owe a visit (D-4). */
const isSelf = (viewer: Viewer | null, memberId: string) =>
  viewer?.role === 'COMMITTEE_MEMBER' && viewer.member === memberId;

export const liaisonResolvers: Resolvers = {
  Query: {
    committeeMember: (_, { id }, ctx) => memberLoader(ctx).load(id),
    governmentLeader: (_, { id }, ctx) => leaderLoader(ctx).load(id),
    committeeMembers: (_, { congressId, first, after }, ctx) => listCommitteeMembers(ctx, congressId, first, after),
    governmentLeaders: (_, { regionCode, shortOfLinks, first, after }, ctx) =>
      listLeaders(ctx, regionCode, shortOfLinks, first, after),
  },
  Congress: {
    committeeMemberCount: (congress, _, ctx) => committeeMemberCount(ctx, congress.id),
  },
  Mutation: {
    createCommitteeMember: (_, { input }, ctx) => createCommitteeMember(ctx, input),
    assignDeputies: (_, { committeeMemberId, deputyIds }, ctx) => assignDeputies(ctx, committeeMemberId, deputyIds),
    createGovernmentLeader: (_, { input }, ctx) => createGovernmentLeader(ctx, input),
    linkDeputies: (_, { governmentLeaderId, deputyIds }, ctx) => linkDeputies(ctx, governmentLeaderId, deputyIds),
    recordContact: (_, { input }, ctx) => recordContact(ctx, input),
    correctContact: (_, { id, version, input, reason }, ctx) => correctContact(ctx, id, version, input, reason),
    withdrawContact: (_, { id, version, reason }, ctx) => withdrawContact(ctx, id, version, reason),
    recordAttendance: (_, { input }, ctx) => recordAttendance(ctx, input),
    correctSessionAttendance: (_, { id, sessionId, deputyId, version, input, reason }, ctx) =>
      correctSessionAttendance(ctx, { id, sessionId, deputyId }, version, input, reason),
    withdrawSessionAttendance: (_, { id, sessionId, deputyId, version, reason }, ctx) =>
      withdrawSessionAttendance(ctx, { id, sessionId, deputyId }, version, reason),
  },
  CommitteeMember: {
    __resolveReference: (ref, ctx) => memberLoader(ctx).load(ref.id),
    congress: async (member, _, ctx) =>
      referenced(await congressLoader(ctx).load(member.congressId), "the member's congress"),
    assignedDeputies: (member, _, ctx) => assignedDeputies(ctx, member.id),
    contacts: (member, { year }, ctx) => {
      if (!isSelf(ctx.viewer, member.id)) requireContactReader(ctx.viewer, member.regionCode);
      return contactsOf(ctx, 'committeeMemberId', member.id, year, 'COMMITTEE_MEMBER');
    },
    underContacted: (member, { year }, ctx) => {
      if (!isSelf(ctx.viewer, member.id)) requireContactReader(ctx.viewer, member.regionCode);
      return underContacted(ctx, member, year);
    },
  },
  GovernmentLeader: {
    __resolveReference: (ref, ctx) => leaderLoader(ctx).load(ref.id),
    region: async (leader, _, ctx) => (await regionLoader(ctx).load(leader.regionCode))!,
    linkedDeputies: (leader, _, ctx) => linkedDeputies(ctx, leader.id),
    contacts: (leader, { year }, ctx) => {
      requireContactReader(ctx.viewer, leader.regionCode);
      return contactsOf(ctx, 'governmentLeaderId', leader.id, year, 'GOVERNMENT_LEADER');
    },
    linkGap: (leader, _, ctx) => linkGap(ctx, leader.id),
    unvisited: (leader, { year }, ctx) => {
      requireContactReader(ctx.viewer, leader.regionCode);
      return unvisited(ctx, leader, year);
    },
  },
  ContactRecord: {
    __resolveReference: async (ref, ctx) => {
      const contact = await contactLoader(ctx).load(ref.id);
      return contact && canReadDutyRecords(ctx.viewer, { id: contact.deputyId, regionCode: contact.regionCode })
        ? contact
        : null;
    },
    deputy: async (contact, _, ctx) =>
      referenced(await deputyLoader(ctx).load(contact.deputyId), "the contact's deputy"),
    committeeMember: (contact, _, ctx) =>
      contact.committeeMemberId ? memberLoader(ctx).load(contact.committeeMemberId) : null,
    governmentLeader: (contact, _, ctx) =>
      contact.governmentLeaderId ? leaderLoader(ctx).load(contact.governmentLeaderId) : null,
    station: (contact, _, ctx) => (contact.stationId ? stationLoader(ctx).load(contact.stationId) : null),
    group: (contact, _, ctx) => (contact.groupId ? groupLoader(ctx).load(contact.groupId) : null),
  },
  SessionAttendance: {
    deputy: async (row, _, ctx) => referenced(await deputyLoader(ctx).load(row.deputyId), 'the deputy'),
    session: async (row, _, ctx) => referenced(await sessionLoader(ctx).load(row.sessionId), 'the session'),
  },
};
