import { correct, withdraw } from '@renda/server-kit/corrections';
import { requireViewer, requireWriteIn } from '@renda/auth/guards';
import { isId, newId } from '@renda/db/ids';
import { badInput, conflict } from '@renda/errors/errors';
import { recordEvent } from '@renda/outbox/record';
import type { ServiceContext } from '@renda/server-kit/context';
import { addDays, today } from '@renda/server-kit/dates';
import { entityLoader } from '@renda/server-kit/loaders';
import { listQuery } from '@renda/server-kit/pagination';
import { optionalText, requireRegionCode, requireText, requireYear, yearRange } from '@renda/server-kit/validate';
import { filingDeadlineDays } from '../../env.ts';
import { requireNotFuture, requirePlausibleDate } from '../common/dates.ts';
import { findById } from '../common/find.ts';
import { type Transitions, requireTransition } from '../common/transitions.ts';
import { requireUnit } from '../units/units.service.ts';
import { type DocumentKind, type FiledDocument, FiledDocumentSchema, type ReviewStatus } from './filing.entity.ts';

/** G-2: 有备必审、有错必纠: a review finds no issue or requests a correction, which ends corrected or revoked. */
export const reviewTransitions: Transitions<ReviewStatus> = {
  PENDING: ['NO_ISSUE', 'CORRECTION_REQUESTED'],
  NO_ISSUE: [],
  CORRECTION_REQUESTED: ['CORRECTED', 'REVOKED'],
  CORRECTED: [],
  REVOKED: [],
};

export const documentLoader = (ctx: ServiceContext) =>
  entityLoader<FiledDocument>(ctx, FiledDocumentSchema, 'id', isId);

/** G-2: due 30 calendar days after publication (published 2025-12-15: due 2026-01-14). */
export function filingDueOn(publishedOn: string): string {
  return addDays(publishedOn, filingDeadlineDays);
}

/**
 * G-2 逾期报备, the one definition: a document is filed late when it is filed after its due date. Evaluated
 * when a filing is written or corrected (`filingDeadline`) and stored as `filed_late`; the `filedLate` field,
 * the `filing.*` events, the figures (`supervisionStats`, `supervisionFigures`) and the unit assessments
 * (`unitAssessments`) all read the stored fact.
 */
export function isFiledLate(doc: Pick<FiledDocument, 'filedOn' | 'filingDueOn'>): boolean {
  return doc.filedOn > doc.filingDueOn;
}

/** G-2: the due date and the lateness a filing stores, from its publication and filing dates. */
function filingDeadline(publishedOn: string, filedOn: string): Pick<FiledDocument, 'filingDueOn' | 'filedLate'> {
  const due = filingDueOn(publishedOn);
  return { filingDueOn: due, filedLate: isFiledLate({ filedOn, filingDueOn: due }) };
}

export interface FileDocumentInput {
  title: string;
  documentNumber: string;
  kind: DocumentKind;
  issuerId: string;
  publishedOn: string;
  filedOn: string;
}

/** G-2: a filing's event, aimed at the issuing unit and the region (the review opinion stays out: not public). */
function recordFilingEvent(ctx: ServiceContext, doc: FiledDocument, type: string): Promise<string> {
  return recordEvent(ctx.em, {
    type,
    aggregateType: 'filed-document',
    aggregateId: doc.id,
    regionCode: doc.regionCode,
    occurredAt: ctx.clock.now(),
    data: {
      title: doc.title,
      documentNumber: doc.documentNumber,
      kind: doc.kind,
      issuerId: doc.issuerId,
      publishedOn: doc.publishedOn,
      filedOn: doc.filedOn,
      filingDueOn: doc.filingDueOn,
      late: doc.filedLate,
      reviewStatus: doc.reviewStatus,
      reviewedOn: doc.reviewedOn,
    },
    audience: { unitIds: [doc.issuerId], regionCode: doc.regionCode },
  });
}

/** G-2: filed within 30 days of publication, or flagged late; never before publication. */
export async function fileDocument(ctx: ServiceContext, input: FileDocumentInput): Promise<FiledDocument> {
  const issuer = await requireUnit(ctx, input.issuerId, 'input.issuerId');
  requireWriteIn(ctx.viewer, issuer.regionCode, 'file documents');
  const title = requireText(input.title, 'input.title', 300);
  const documentNumber = requireText(input.documentNumber, 'input.documentNumber', 100);
  requirePlausibleDate(input.publishedOn, 'input.publishedOn');
  requireNotFuture(ctx, input.filedOn, 'input.filedOn');
  if (input.filedOn < input.publishedOn) {
    throw badInput(
      `A document is filed after it is published: filed ${input.filedOn}, published ${input.publishedOn}.`,
      'input.filedOn',
    );
  }
  // A withdrawn filing (entered by mistake) frees its number: the document can be filed again correctly.
  if (await ctx.em.findOne(FiledDocumentSchema, { issuerId: issuer.id, documentNumber, withdrawnAt: null }))
    throw conflict(`${issuer.name} has already filed ${documentNumber}.`);
  const doc = ctx.em.create(FiledDocumentSchema, {
    id: newId(),
    title,
    documentNumber,
    kind: input.kind,
    issuerId: issuer.id,
    regionCode: issuer.regionCode,
    publishedOn: input.publishedOn,
    filedOn: input.filedOn,
    ...filingDeadline(input.publishedOn, input.filedOn),
    reviewStatus: 'PENDING',
    reviewOpinion: null,
    reviewedOn: null,
  });
  await recordFilingEvent(ctx, doc, 'filing.recorded');
  await ctx.em.flush();
  return doc;
}

/** G-2: the review's outcome; a correction request states what is wrong. */
export async function reviewDocument(
  ctx: ServiceContext,
  id: string,
  status: ReviewStatus,
  opinion: string | null | undefined,
): Promise<FiledDocument> {
  const doc = await findById(ctx, FiledDocumentSchema, 'filed document', id, 'id');
  requireWriteIn(ctx.viewer, doc.regionCode, 'review filed documents');
  const text = optionalText(opinion, 'opinion', 8000);
  if (status === 'CORRECTION_REQUESTED' && !text)
    throw badInput('A correction request states the problem found (`opinion`).', 'opinion');
  requireTransition(reviewTransitions, doc.reviewStatus, status, 'The filed document');
  doc.reviewStatus = status;
  if (text) doc.reviewOpinion = text;
  doc.reviewedOn = today(ctx.clock);
  await recordFilingEvent(ctx, doc, 'filing.reviewed');
  await ctx.em.flush();
  ctx.loaders.clearAll();
  return doc;
}

/** 备案审查 is public: anyone lists filed documents of a subtree (review opinions stay non-public). */
export const filedDocuments = listQuery({
  entity: FiledDocumentSchema,
  order: [
    { prop: 'filedOn', kind: 'date' },
    { prop: 'id', kind: 'id' },
  ],
  connectionField: 'filedDocumentsConnection',
  where: (
    _ctx: ServiceContext,
    regionCode: string,
    year: number | null | undefined,
    reviewStatus: ReviewStatus | null | undefined,
  ) => {
    const code = requireRegionCode(regionCode, 'regionCode');
    const where: Record<string, unknown> = { regionCode: { $like: `${code}%` }, withdrawnAt: null };
    if (year !== null && year !== undefined) {
      const [from, to] = yearRange(requireYear(year));
      where.filedOn = { $gte: from, $lte: to };
    }
    if (reviewStatus) where.reviewStatus = reviewStatus;
    return where;
  },
});

export const listFiledDocuments = filedDocuments.list;

export const filedDocumentsConnection = filedDocuments.page;

// ---- corrections (issue 9): a clerk's typo in a filing is corrected with a trail, a filing entered by mistake withdrawn ----

/** The fields of a filing a clerk may have mistyped. */
export interface CorrectFiledDocumentInput {
  title?: string | null;
  documentNumber?: string | null;
  publishedOn?: string | null;
  filedOn?: string | null;
}

/** A filing to correct or withdraw: found, written by staff of its region (as `fileDocument`), not withdrawn. */
async function requireCorrectable(ctx: ServiceContext, id: string, what: string): Promise<FiledDocument> {
  const doc = await findById(ctx, FiledDocumentSchema, 'filed document', id, 'id');
  requireWriteIn(ctx.viewer, doc.regionCode, what);
  if (doc.withdrawnAt) throw conflict('The filed document was withdrawn: a withdrawn filing is not corrected again.');
  return doc;
}

/**
 * 更正 a filing's title, document number or dates (G-2 is recomputed: the due date follows the publication
 * date, so a corrected date can make a filing late or on time); one audit entry, the version bumped.
 */
export async function correctFiledDocument(
  ctx: ServiceContext,
  id: string,
  version: number,
  input: CorrectFiledDocumentInput,
  reason: string,
): Promise<FiledDocument> {
  const doc = await requireCorrectable(ctx, id, 'correct filed documents');
  const title = input.title == null ? undefined : requireText(input.title, 'input.title', 300);
  const documentNumber =
    input.documentNumber == null ? undefined : requireText(input.documentNumber, 'input.documentNumber', 100);
  const publishedOn =
    input.publishedOn == null ? doc.publishedOn : requirePlausibleDate(input.publishedOn, 'input.publishedOn');
  const filedOn = input.filedOn == null ? doc.filedOn : requireNotFuture(ctx, input.filedOn, 'input.filedOn');
  if (filedOn < publishedOn) {
    throw badInput(
      `A document is filed after it is published: filed ${filedOn}, published ${publishedOn}.`,
      input.filedOn == null ? 'input.publishedOn' : 'input.filedOn',
    );
  }
  if (documentNumber && documentNumber !== doc.documentNumber) {
    const other = await ctx.em.findOne(FiledDocumentSchema, {
      issuerId: doc.issuerId,
      documentNumber,
      withdrawnAt: null,
    });
    if (other) throw conflict(`The issuer has already filed ${documentNumber}.`);
  }
  correct(
    ctx.em,
    {
      kind: 'FiledDocument',
      record: doc,
      id: doc.id,
      regionCode: doc.regionCode,
      expectedVersion: version,
      reason,
      viewer: requireViewer(ctx.viewer),
      at: ctx.clock.now(),
    },
    { title, documentNumber, publishedOn, filedOn, filingDueOn: filingDueOn(publishedOn) },
  );
  // Derived, not entered: the audit entry names the dates that changed, the lateness follows them.
  doc.filedLate = filingDeadline(doc.publishedOn, doc.filedOn).filedLate;
  await recordFilingEvent(ctx, doc, 'filing.corrected');
  await ctx.em.flush();
  ctx.loaders.clearAll();
  return doc;
}

/** 撤回 a filing entered by mistake: it leaves the lists and the G-2 figures (filed, late); one audit entry. */
export async function withdrawFiledDocument(
  ctx: ServiceContext,
  id: string,
  version: number,
  reason: string,
): Promise<FiledDocument> {
  const doc = await requireCorrectable(ctx, id, 'withdraw filed documents');
  withdraw(
    ctx.em,
    {
      kind: 'FiledDocument',
      record: doc,
      id: doc.id,
      regionCode: doc.regionCode,
      expectedVersion: version,
      reason,
      viewer: requireViewer(ctx.viewer),
      at: ctx.clock.now(),
    },
    { withdrawnAt: ctx.clock.now() },
  );
  await recordFilingEvent(ctx, doc, 'filing.withdrawn');
  await ctx.em.flush();
  ctx.loaders.clearAll();
  return doc;
}
