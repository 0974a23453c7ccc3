import { today } from '@renda/server-kit/dates';
import type { Resolvers } from '../../generated/resolvers.ts';
import { refKey } from '../refs.ts';
import { requireRecordReader } from './access.ts';
import {
  correctReply,
  correctSheet,
  correctSuggestion,
  suggestionsAuditLog,
  withdrawSheet,
  withdrawSuggestion,
} from './corrections.service.ts';
import { evaluationsOf, liveSheetsOf, repliesOf, signersOf, stepsOf, suggestionLoader, unitsOf } from './loaders.ts';
import {
  deputySuggestionCount,
  deputySuggestions,
  deputySuggestionsConnection,
  getSuggestion,
  listSuggestions,
  publishedSuggestions,
  referencedSuggestion,
  sessionSuggestions,
  sessionSuggestionsConnection,
  unitSuggestions,
  unitSuggestionsConnection,
} from './queries.service.ts';
import {
  answerSheet,
  assignSuggestion,
  evaluateSuggestion,
  isOverdue,
  issueSheet,
  markKey,
  recordStep,
  referralsOf,
  replySuggestion,
  serialOf,
  startHandling,
  submitSuggestion,
} from './suggestions.service.ts';

export const suggestionResolvers: Resolvers = {
  Query: {
    suggestion: (_, { id }, ctx) => getSuggestion(ctx, id),
    suggestions: (_, { filter, first, after }, ctx) => listSuggestions(ctx, filter, first, after),
    publishedSuggestions: (_, { regionCode, year, first, after }, ctx) =>
      publishedSuggestions(ctx, regionCode, year, first, after),
    suggestionsAuditLog: (_, args, ctx) => suggestionsAuditLog(ctx, args),
  },
  Mutation: {
    submitSuggestion: (_, { input }, ctx) => submitSuggestion(ctx, input),
    assignSuggestion: (_, { id, input }, ctx) => assignSuggestion(ctx, id, input),
    startHandling: (_, { id }, ctx) => startHandling(ctx, id),
    markKey: (_, { id, supervisor }, ctx) => markKey(ctx, id, supervisor),
    issueSheet: (_, { id, input }, ctx) => issueSheet(ctx, id, input),
    answerSheet: (_, { sheetId }, ctx) => answerSheet(ctx, sheetId),
    correctSheet: (_, { id, version, input, reason }, ctx) => correctSheet(ctx, id, version, input, reason),
    withdrawSheet: (_, { id, version, reason }, ctx) => withdrawSheet(ctx, id, version, reason),
    replySuggestion: (_, { id, input }, ctx) => replySuggestion(ctx, id, input),
    recordStep: (_, { id, stage, note }, ctx) => recordStep(ctx, id, stage, note),
    evaluateSuggestion: (_, { id, input }, ctx) => evaluateSuggestion(ctx, id, input),
    correctSuggestion: (_, { id, version, input, reason }, ctx) => correctSuggestion(ctx, id, version, input, reason),
    correctReply: (_, { id, version, input, reason }, ctx) => correctReply(ctx, id, version, input, reason),
    withdrawSuggestion: (_, { id, version, reason }, ctx) => withdrawSuggestion(ctx, id, version, reason),
  },
  Suggestion: {
    __resolveReference: (ref, ctx) => referencedSuggestion(ctx, refKey(ref, 'id', 'Suggestion')),
    serial: (item) => serialOf(item),
    region: (item) => ({ code: item.regionCode }),
    session: (item) => (item.sessionId ? { id: item.sessionId } : null),
    leadDeputy: (item) => (item.leadDeputyId ? { id: item.leadDeputyId } : null),
    sourceContact: (item) => (item.sourceContactId ? { id: item.sourceContactId } : null),
    coSigners: async (item, _, ctx) =>
      (await signersOf(ctx, item.id)).filter((s) => !s.lead).map((s) => ({ id: s.deputyId })),
    units: (item, _, ctx) => unitsOf(ctx, item.id),
    overdue: (item, _, ctx) => isOverdue(item, today(ctx.clock)),
    reply: async (item, _, ctx) => (await repliesOf(ctx, item.id)).find((r) => r.round === item.round) ?? null,
    replies: (item, _, ctx) => repliesOf(ctx, item.id),
    evaluations: async (item, _, ctx) => {
      await requireRecordReader(ctx, item, 'evaluations');
      return evaluationsOf(ctx, item.id);
    },
    sheets: async (item, _, ctx) => {
      await requireRecordReader(ctx, item, 'supervision sheets');
      return liveSheetsOf(ctx, item.id);
    },
    steps: async (item, _, ctx) => {
      await requireRecordReader(ctx, item, 'steps');
      return stepsOf(ctx, item.id);
    },
  },
  HandlingUnit: {
    unit: (row) => ({ id: row.unitId }),
  },
  SupervisionSheet: {
    unit: (sheet) => ({ id: sheet.unitId }),
    suggestion: async (sheet, _, ctx) => (await suggestionLoader(ctx).load(sheet.suggestionId))!,
  },
  Deputy: {
    __resolveReference: (ref) => ({ id: refKey(ref, 'id', 'Deputy') }),
    suggestions: (deputy, { year }, ctx) => deputySuggestions(ctx, deputy.id, year),
    suggestionsConnection: (deputy, { year, first, after }, ctx) =>
      deputySuggestionsConnection(ctx, deputy.id, year, first, after),
    suggestionCount: (deputy, { year }, ctx) => deputySuggestionCount(ctx, deputy.id, year),
  },
  GovernmentUnit: {
    __resolveReference: (ref) => ({ id: refKey(ref, 'id', 'GovernmentUnit') }),
    handledSuggestions: (unit, { year, stage }, ctx) => unitSuggestions(ctx, unit.id, year, stage),
    handledSuggestionsConnection: (unit, { year, stage, first, after }, ctx) =>
      unitSuggestionsConnection(ctx, unit.id, year, stage, first, after),
  },
  ContactRecord: {
    __resolveReference: (ref) => ({ id: refKey(ref, 'id', 'ContactRecord') }),
    referrals: (contact, _, ctx) => referralsOf(ctx, contact.id),
  },
  CongressSession: {
    __resolveReference: (ref) => ({ id: refKey(ref, 'id', 'CongressSession') }),
    suggestions: (session, _, ctx) => sessionSuggestions(ctx, session.id),
    suggestionsConnection: (session, { first, after }, ctx) =>
      sessionSuggestionsConnection(ctx, session.id, first, after),
  },
};
