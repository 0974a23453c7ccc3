import type { Resolvers } from '../../generated/resolvers.ts';
import { readable, requireRecordReader } from '../units/access.ts';
import { unitOf } from '../units/units.service.ts';
import {
  decideMajorMatter,
  documentLoader,
  fileDocument,
  isFiledLate,
  listFiledDocuments,
  filedDocumentsConnection,
  listMajorMatter,
  listMajorMatters,
  majorMattersConnection,
  majorMatterLoader,
  reportedBeforeDecision,
  reportMajorMatter,
  reviewDocument,
} from './filings.service.ts';

export const filingResolvers: Resolvers = {
  Query: {
    majorMatters: (_, { regionCode, year }, ctx) => listMajorMatters(ctx, regionCode, year),
    majorMattersConnection: (_, { regionCode, year, first, after }, ctx) =>
      majorMattersConnection(ctx, first, after, regionCode, year),
    filedDocuments: (_, { regionCode, year, reviewStatus }, ctx) =>
      listFiledDocuments(ctx, regionCode, year, reviewStatus),
    filedDocumentsConnection: (_, { regionCode, year, reviewStatus, first, after }, ctx) =>
      filedDocumentsConnection(ctx, first, after, regionCode, year, reviewStatus),
  },
  Mutation: {
    listMajorMatter: (_, { input }, ctx) => listMajorMatter(ctx, input),
    reportMajorMatter: (_, { id, on }, ctx) => reportMajorMatter(ctx, id, on),
    decideMajorMatter: (_, { id, on }, ctx) => decideMajorMatter(ctx, id, on),
    fileDocument: (_, { input }, ctx) => fileDocument(ctx, input),
    reviewDocument: (_, { id, status, opinion }, ctx) => reviewDocument(ctx, id, status, opinion),
  },
  MajorMatter: {
    __resolveReference: async (ref, ctx) => readable(ctx.viewer, await majorMatterLoader(ctx).load(ref.id)),
    unit: (matter, _, ctx) => unitOf(ctx, matter.unitId),
    reportedBeforeDecision: (matter) => reportedBeforeDecision(matter),
  },
  FiledDocument: {
    __resolveReference: (ref, ctx) => documentLoader(ctx).load(ref.id),
    issuer: (doc, _, ctx) => unitOf(ctx, doc.issuerId),
    filedLate: (doc) => isFiledLate(doc),
    reviewOpinion: (doc, _, ctx) => {
      requireRecordReader(ctx.viewer, { regionCode: doc.regionCode, unitId: doc.issuerId }, 'Review opinions');
      return doc.reviewOpinion;
    },
    reviewedOn: (doc, _, ctx) => {
      requireRecordReader(ctx.viewer, { regionCode: doc.regionCode, unitId: doc.issuerId }, 'Review records');
      return doc.reviewedOn;
    },
  },
};
