import { today } from '@renda/server-kit/dates';
import type { Resolvers } from '../../generated/resolvers.ts';
import { readable, tallyOf } from '../units/access.ts';
import { unitOf } from '../units/units.service.ts';
import {
  addInspectionOpinions,
  addReportOpinions,
  closeOpinionItem,
  evaluationLoader,
  hearReport,
  inspectionDeputies,
  inspectionLoader,
  inspectionMembers,
  inspectionsOfPerson,
  isOverdue,
  itemLoader,
  listEvaluations,
  evaluationsConnection,
  listInspections,
  inspectionsConnection,
  listOpinionItems,
  opinionItemsConnection,
  listReports,
  reportsConnection,
  opinionsOf,
  overdueOpinionItems,
  overdueOpinionItemsConnection,
  recordEvaluationTally,
  recordReportTally,
  reportLoader,
  reportOpinionItem,
  startEvaluation,
  startInspection,
} from './opinions.service.ts';

export const opinionResolvers: Resolvers = {
  Query: {
    report: async (_, { id }, ctx) => readable(ctx.viewer, await reportLoader(ctx).load(id)),
    reports: (_, { regionCode, year }, ctx) => listReports(ctx, regionCode, year),
    reportsConnection: (_, { regionCode, year, first, after }, ctx) =>
      reportsConnection(ctx, first, after, regionCode, year),
    overdueOpinionItems: (_, { regionCode }, ctx) => overdueOpinionItems(ctx, regionCode),
    overdueOpinionItemsConnection: (_, { regionCode, first, after }, ctx) =>
      overdueOpinionItemsConnection(ctx, first, after, regionCode),
    opinionItems: (_, { regionCode, status, unitId }, ctx) => listOpinionItems(ctx, regionCode, status, unitId),
    opinionItemsConnection: (_, { regionCode, status, unitId, first, after }, ctx) =>
      opinionItemsConnection(ctx, first, after, regionCode, status, unitId),
    inspections: (_, { regionCode, year }, ctx) => listInspections(ctx, regionCode, year),
    inspectionsConnection: (_, { regionCode, year, first, after }, ctx) =>
      inspectionsConnection(ctx, first, after, regionCode, year),
    evaluations: (_, { regionCode, year }, ctx) => listEvaluations(ctx, regionCode, year),
    evaluationsConnection: (_, { regionCode, year, first, after }, ctx) =>
      evaluationsConnection(ctx, first, after, regionCode, year),
  },
  Mutation: {
    hearReport: (_, { input }, ctx) => hearReport(ctx, input),
    recordReportTally: (_, { reportId, tally }, ctx) => recordReportTally(ctx, reportId, tally),
    addReportOpinions: (_, { reportId, items }, ctx) => addReportOpinions(ctx, reportId, items),
    reportOpinionItem: (_, { itemId, on }, ctx) => reportOpinionItem(ctx, itemId, on),
    closeOpinionItem: (_, { itemId, on }, ctx) => closeOpinionItem(ctx, itemId, on),
    startInspection: (_, { input }, ctx) => startInspection(ctx, input),
    addInspectionOpinions: (_, { inspectionId, findings, items }, ctx) =>
      addInspectionOpinions(ctx, inspectionId, findings, items),
    startEvaluation: (_, { input }, ctx) => startEvaluation(ctx, input),
    recordEvaluationTally: (_, { evaluationId, tally, items }, ctx) =>
      recordEvaluationTally(ctx, evaluationId, tally, items),
  },
  Deputy: {
    __resolveReference: (ref) => ({ id: ref.id }),
    inspections: (deputy, { year }, ctx) => inspectionsOfPerson(ctx, 'deputy', deputy.id, year),
  },
  CommitteeMember: {
    __resolveReference: (ref) => ({ id: ref.id }),
    inspections: (member, { year }, ctx) => inspectionsOfPerson(ctx, 'member', member.id, year),
  },
  Report: {
    __resolveReference: async (ref, ctx) => readable(ctx.viewer, await reportLoader(ctx).load(ref.id)),
    unit: (report, _, ctx) => unitOf(ctx, report.unitId),
    tally: (report) => tallyOf(report),
    opinions: (report, _, ctx) => opinionsOf(ctx, report.id),
  },
  OpinionItem: {
    __resolveReference: async (ref, ctx) => readable(ctx.viewer, await itemLoader(ctx).load(ref.id)),
    unit: (item, _, ctx) => unitOf(ctx, item.unitId),
    overdue: (item, _, ctx) => isOverdue(item, today(ctx.clock)),
  },
  LawInspection: {
    __resolveReference: async (ref, ctx) => readable(ctx.viewer, await inspectionLoader(ctx).load(ref.id)),
    region: (inspection) => ({ code: inspection.regionCode }),
    committeeMembers: (inspection, _, ctx) => inspectionMembers(ctx, inspection.id),
    deputies: (inspection, _, ctx) => inspectionDeputies(ctx, inspection.id),
    opinions: (inspection, _, ctx) => opinionsOf(ctx, inspection.id),
  },
  WorkEvaluation: {
    __resolveReference: async (ref, ctx) => readable(ctx.viewer, await evaluationLoader(ctx).load(ref.id)),
    unit: (evaluation, _, ctx) => unitOf(ctx, evaluation.unitId),
    tally: (evaluation) => tallyOf(evaluation),
    opinions: (evaluation, _, ctx) => opinionsOf(ctx, evaluation.id),
  },
};
