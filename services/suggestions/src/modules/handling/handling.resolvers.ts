import { today } from '@renda/server-kit/dates';
import type { Resolvers } from '../../generated/resolvers.ts';
import { isSheetOverdue, overdueSheets, supervisionBulletin } from '../key-items/sheets.service.ts';
import {
  correctCommitteeVote,
  correctKeyHearing,
  hearingsOf,
  recordCommitteeVote,
  recordKeyHearing,
  voteSatisfactionRate,
  votesOf,
} from '../key-items/key-items.service.ts';
import { satisfactionByKind } from '../ratings/ratings.service.ts';
import { evaluateProposal } from '../suggestions/suggestions.service.ts';
import { requireRecordReader } from '../suggestions/access.ts';
import { actorView } from './actor.ts';
import {
  answerDeputyContact,
  contactsOf,
  contributeToLead,
  contributionsOf,
  logDeputyContact,
  progressOf,
  reportHandlingProgress,
} from './handling.service.ts';

/**
 * Progress, co-handlers' parts, contacts with the deputy (S-10), key-item hearings and votes (S-9),
 * sheets past due and the bulletin (S-5), CPPCC ratings and satisfaction by kind.
 */
export const handlingResolvers: Resolvers = {
  Query: {
    overdueSheets: (_, { regionCode, first, after }, ctx) => overdueSheets(ctx, regionCode, first, after),
    supervisionBulletin: (_, { regionCode, from, to }, ctx) => supervisionBulletin(ctx, regionCode, from, to),
  },
  Mutation: {
    reportHandlingProgress: (_, { id, input }, ctx) => reportHandlingProgress(ctx, id, input),
    contributeToLead: (_, { id, content }, ctx) => contributeToLead(ctx, id, content),
    logDeputyContact: (_, { id, input }, ctx) => logDeputyContact(ctx, id, input),
    answerDeputyContact: (_, { contactId, reply }, ctx) => answerDeputyContact(ctx, contactId, reply),
    recordKeyHearing: (_, { id, input }, ctx) => recordKeyHearing(ctx, id, input),
    correctKeyHearing: (_, { id, version, input, reason }, ctx) => correctKeyHearing(ctx, id, version, input, reason),
    recordCommitteeVote: (_, { id, input }, ctx) => recordCommitteeVote(ctx, id, input),
    correctCommitteeVote: (_, { id, version, input, reason }, ctx) =>
      correctCommitteeVote(ctx, id, version, input, reason),
    evaluateProposal: (_, { id, input }, ctx) => evaluateProposal(ctx, id, input),
  },
  Region: {
    satisfactionByKind: (region, { year }, ctx) => satisfactionByKind(ctx, region.code, year),
  },
  Suggestion: {
    leadOfficialId: (item) => item.leadOfficialId ?? null,
    progressReports: async (item, _, ctx) => {
      await requireRecordReader(ctx, item, 'progress reports');
      return progressOf(ctx, item.id);
    },
    contributions: async (item, _, ctx) => {
      await requireRecordReader(ctx, item, "co-handlers' contributions");
      return contributionsOf(ctx, item.id);
    },
    deputyContacts: async (item, _, ctx) => {
      await requireRecordReader(ctx, item, 'contacts with the deputy');
      return contactsOf(ctx, item.id);
    },
    keyHearings: async (item, _, ctx) => {
      await requireRecordReader(ctx, item, 'hearings');
      return hearingsOf(ctx, item.id);
    },
    committeeVotes: async (item, _, ctx) => {
      await requireRecordReader(ctx, item, 'committee votes');
      return votesOf(ctx, item.id);
    },
  },
  ProcessStep: { actor: (step) => actorView(step, step.by) },
  Reply: { repliedBy: (reply) => actorView(reply, reply.repliedBy) },
  SupervisionSheet: {
    issuedBy: (sheet) => actorView(sheet, sheet.issuedBy),
    answeredBy: (sheet) =>
      sheet.answeredBy === null
        ? null
        : actorView(
            { byName: sheet.answeredByName, byRole: sheet.answeredByRole, byUnitId: sheet.answeredByUnitId },
            sheet.answeredBy ?? '',
          ),
    overdue: (sheet, _, ctx) => isSheetOverdue(sheet, today(ctx.clock)),
  },
  HandlingProgress: {
    unit: (row) => ({ id: row.unitId }),
    actor: (row) => actorView(row, row.byName),
  },
  CoHandlerContribution: {
    unit: (row) => ({ id: row.unitId }),
    leadUnit: (row) => ({ id: row.leadUnitId }),
    actor: (row) => actorView(row, row.byName),
  },
  DeputyContact: {
    unit: (row) => (row.unitId ? { id: row.unitId } : null),
    actor: (row) => actorView(row, row.byName),
  },
  KeyHearing: { actor: (row) => actorView(row, row.byName) },
  CommitteeVote: {
    abstained: (v) => v.membersPresent - v.satisfied - v.basicallySatisfied - v.dissatisfied,
    satisfactionRate: (v) => voteSatisfactionRate(v),
    actor: (row) => actorView(row, row.byName),
  },
};
