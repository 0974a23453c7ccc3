import type { Resolvers } from '../../generated/resolvers.ts';
import { deputiesDueDutyReport, recordDutyReportEvaluation, voterEvaluationOf } from './duty-reports.service.ts';

export const dutyReportResolvers: Resolvers = {
  Mutation: {
    recordDutyReportEvaluation: (_, { contactId, tally }, ctx) => recordDutyReportEvaluation(ctx, contactId, tally),
  },
  ContactRecord: {
    voterEvaluation: (report) => voterEvaluationOf(report),
  },
  Congress: {
    deputiesDueDutyReport: (congress, { year }, ctx) => deputiesDueDutyReport(ctx, congress, year),
  },
};
