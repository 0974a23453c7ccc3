import { EntitySchema } from '@mikro-orm/postgresql';
import { regionPrefixIndex } from '../common/refs.ts';

export type DocumentKind = 'REGULATION' | 'NORMATIVE_DOCUMENT' | 'DECISION';

export type ReviewStatus = 'PENDING' | 'NO_ISSUE' | 'CORRECTION_REQUESTED' | 'CORRECTED' | 'REVOKED';

/** 备案审查 (G-2). */
export interface FiledDocument {
  id: string;
  title: string;
  documentNumber: string;
  kind: DocumentKind;
  issuerId: string;
  regionCode: string;
  publishedOn: string;
  filedOn: string;
  filingDueOn: string;
  reviewStatus: ReviewStatus;
  reviewOpinion: string | null;
  reviewedOn: string | null;
}

export const FiledDocumentSchema = new EntitySchema<FiledDocument>({
  name: 'FiledDocument',
  tableName: 'filed_documents',
  indexes: [regionPrefixIndex('filed_documents', '"filed_on"')],
  uniques: [{ properties: ['issuerId', 'documentNumber'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    title: { type: 'string', length: 300 },
    documentNumber: { type: 'string', length: 100 },
    kind: { type: 'string', length: 20 },
    issuerId: { type: 'uuid' },
    regionCode: { type: 'string', length: 9 },
    publishedOn: { type: 'date' },
    filedOn: { type: 'date' },
    filingDueOn: { type: 'date' },
    reviewStatus: { type: 'string', length: 20 },
    reviewOpinion: { type: 'text', nullable: true },
    reviewedOn: { type: 'date', nullable: true },
  },
});
