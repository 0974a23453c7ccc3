import type { Resolvers } from '../../generated/resolvers.ts';
import { requireRecordReader } from '../common/access.ts';
import { unitOf } from '../units/units.service.ts';

import {
  correctFiledDocument,
  withdrawFiledDocument,
  documentLoader,
  fileDocument,
  filedDocumentsConnection,
  listFiledDocuments,
  reviewDocument,
} from './filings.service.ts';

export const filingResolvers: Resolvers = {
  Query: {
    filedDocuments: (_, { regionCode, year, reviewStatus }, ctx) =>
      listFiledDocuments(ctx, regionCode, year, reviewStatus),
    filedDocumentsConnection: (_, { regionCode, year, reviewStatus, first, after }, ctx) =>
      filedDocumentsConnection(ctx, first, after, regionCode, year, reviewStatus),
  },
  Mutation: {
    fileDocument: (_, { input }, ctx) => fileDocument(ctx, input),
    reviewDocument: (_, { id, status, opinion }, ctx) => reviewDocument(ctx, id, status, opinion),
    correctFiledDocument: (_, { id, version, input, reason }, ctx) =>
      correctFiledDocument(ctx, id, version, input, reason),
    withdrawFiledDocument: (_, { id, version, reason }, ctx) => withdrawFiledDocument(ctx, id, version, reason),
  },
  FiledDocument: {
    __resolveReference: (ref, ctx) => documentLoader(ctx).load(ref.id),
    issuer: (doc, _, ctx) => unitOf(ctx, doc.issuerId),
    filedLate: (doc) => doc.filedLate,
    reviewOpinion: (doc, _, ctx) => {
      requireRecordReader(ctx.viewer, { regionCode: doc.regionCode, unitId: doc.issuerId }, 'Review opinions');
      return doc.reviewOpinion ?? null;
    },
    reviewedOn: (doc, _, ctx) => {
      requireRecordReader(ctx.viewer, { regionCode: doc.regionCode, unitId: doc.issuerId }, 'Review records');
      return doc.reviewedOn ?? null;
    },
  },
};
