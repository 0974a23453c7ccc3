import { defineEntity, type InferEntity, p } from '@mikro-orm/postgresql';
import { regionPrefixIndex } from '../common/refs.ts';
import { unitKey } from '../units/unit.entity.ts';

export const documentKinds = ['REGULATION', 'NORMATIVE_DOCUMENT', 'DECISION'] as const;
export type DocumentKind = (typeof documentKinds)[number];
export const reviewStatuses = ['PENDING', 'NO_ISSUE', 'CORRECTION_REQUESTED', 'CORRECTED', 'REVOKED'] as const;
export type ReviewStatus = (typeof reviewStatuses)[number];

/** 备案审查 (G-2). */
export const FiledDocumentSchema = defineEntity({
  name: 'FiledDocument',
  tableName: 'filed_documents',
  indexes: [
    // The figures read a subtree's filings from this index alone (Migration20261130200000, 210100).
    regionPrefixIndex('filed_documents', '"filed_on"', '"filed_late", "reviewed_on", "withdrawn_at"'),
    { properties: ['updatedAt', 'id'] },
  ],
  // One live filing per issuer and number; a withdrawn one (entered by mistake) frees its number
  // (Migration20261130230200).
  uniques: [
    {
      name: 'filed_documents_issuer_id_document_number_unique',
      expression:
        'create unique index "filed_documents_issuer_id_document_number_unique" on "supervision"."filed_documents" ("issuer_id", "document_number") where "withdrawn_at" is null',
    },
  ],
  properties: {
    id: p.uuid().primary(),
    title: p.string().length(300),
    documentNumber: p.string().length(100),
    kind: p.enum([...documentKinds]).columnType('varchar(20)'),
    issuerId: () => unitKey('issuer_id'),
    regionCode: p.string().length(9),
    publishedOn: p.date(),
    filedOn: p.date(),
    filingDueOn: p.date(),
    /** G-2 逾期报备: filed after `filingDueOn`, stored when filed or corrected (`filingDeadline`). */
    filedLate: p.boolean(),
    reviewStatus: p.enum([...reviewStatuses]).columnType('varchar(20)'),
    reviewOpinion: p.text().nullable(),
    reviewedOn: p.date().nullable(),
    /** Optimistic version of the record (corrections, issue 9). */
    version: p.integer().default(1),
    /** 撤回: withdrawn filings leave lists and figures. */
    withdrawnAt: p.datetime().nullable(),
    /** 增量变更流: kept by the feed trigger (Migration20261130143003), never written here. */
    updatedAt: p.datetime().defaultRaw('clock_timestamp()'),
  },
});
export type FiledDocument = InferEntity<typeof FiledDocumentSchema>;
