import type { Resolvers } from '../../generated/resolvers.ts';
import { readable } from '../common/access.ts';
import { tallyOf } from '../common/tally.ts';
import { opinionsOf } from '../opinions/opinions.service.ts';
import { unitOf } from '../units/units.service.ts';

import {
  addReportOpinions,
  correctReportTally,
  hearReport,
  listReports,
  recordReportTally,
  reportLoader,
  reportsConnection,
} from './reports.service.ts';

export const reportResolvers: Resolvers = {
  Query: {
    report: async (_, { id }, ctx) => readable(ctx.viewer, await reportLoader(ctx).load(id)),
    reports: (_, { regionCode, year }, ctx) => listReports(ctx, regionCode, year),
    reportsConnection: (_, { regionCode, year, first, after }, ctx) =>
      reportsConnection(ctx, first, after, regionCode, year),
  },
  Mutation: {
    hearReport: (_, { input }, ctx) => hearReport(ctx, input),
    recordReportTally: (_, { reportId, tally }, ctx) => recordReportTally(ctx, reportId, tally),
    correctReportTally: (_, { reportId, version, tally, reason }, ctx) =>
      correctReportTally(ctx, reportId, version, tally, reason),
    addReportOpinions: (_, { reportId, items }, ctx) => addReportOpinions(ctx, reportId, items),
  },
  Report: {
    __resolveReference: async (ref, ctx) => readable(ctx.viewer, await reportLoader(ctx).load(ref.id)),
    unit: (report, _, ctx) => unitOf(ctx, report.unitId),
    tally: (report) => tallyOf(report),
    opinions: (report, _, ctx) => opinionsOf(ctx, report.id),
  },
};
