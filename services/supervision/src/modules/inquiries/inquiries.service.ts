import { requireViewer, requireWriteIn } from '@renda/auth/guards';
import { isId, newId } from '@renda/db/ids';
import { badInput, forbidden, notFound } from '@renda/errors/errors';
import type { ServiceContext } from '@renda/server-kit/context';
import { entityLoader } from '@renda/server-kit/loaders';
import { listQuery } from '@renda/server-kit/pagination';
import { requireText, requireYear, yearRange } from '@renda/server-kit/validate';
import { inquiryMinSigners } from '../../env.ts';
import { listScope } from '../common/access.ts';
import { requireNotFuture, requirePlausibleDate } from '../common/dates.ts';
import { maxHeadcount } from '../common/tally.ts';
import { type Transitions, requireTransition } from '../common/transitions.ts';
import { requireUnit } from '../units/units.service.ts';
import { type Inquiry, InquirySchema, type InquiryStatus } from './inquiry.entity.ts';

/** G-4: 质询案 must be answered; the signers' verdict closes it or asks for a new answer. */
export const inquiryTransitions: Transitions<InquiryStatus> = {
  FILED: ['ANSWERED'],
  ANSWERED: ['CLOSED', 'REANSWER_REQUIRED'],
  REANSWER_REQUIRED: ['ANSWERED'],
  CLOSED: [],
};

export const inquiryLoader = (ctx: ServiceContext) => entityLoader<Inquiry>(ctx, InquirySchema, 'id', isId);

async function findInquiry(ctx: ServiceContext, id: string): Promise<Inquiry> {
  if (!isId(id)) throw badInput(`${JSON.stringify(id)} is not an id.`, 'id');
  const inquiry = await ctx.em.findOne(InquirySchema, { id });
  if (!inquiry) throw notFound('inquiry', id, 'id');
  return inquiry;
}

/** G-4 (law): an inquiry of standing-committee members needs at least 5 signers. */
export async function fileInquiry(
  ctx: ServiceContext,
  input: { unitId: string; subject: string; signers: number; filedOn: string; answerDueOn: string },
): Promise<Inquiry> {
  const unit = await requireUnit(ctx, input.unitId, 'input.unitId');
  requireWriteIn(ctx.viewer, unit.regionCode, 'file inquiries');
  const subject = requireText(input.subject, 'input.subject', 300);
  if (!Number.isInteger(input.signers) || input.signers < inquiryMinSigners) {
    throw badInput(
      `An inquiry (质询案) is filed by at least ${inquiryMinSigners} standing-committee members; it has ${input.signers}.`,
      'input.signers',
    );
  }
  if (input.signers > maxHeadcount)
    throw badInput(
      `\`input.signers\` (${input.signers}) is more than any committee has (at most ${maxHeadcount}).`,
      'input.signers',
    );
  requireNotFuture(ctx, input.filedOn, 'input.filedOn');
  requirePlausibleDate(input.answerDueOn, 'input.answerDueOn');
  if (input.answerDueOn < input.filedOn)
    throw badInput('The answer cannot be due before the inquiry is filed.', 'input.answerDueOn');
  const inquiry = ctx.em.create(InquirySchema, {
    id: newId(),
    unitId: unit.id,
    regionCode: unit.regionCode,
    subject,
    signers: input.signers,
    filedOn: input.filedOn,
    answerDueOn: input.answerDueOn,
    answeredOn: null,
    answer: null,
    status: 'FILED',
  });
  await ctx.em.flush();
  return inquiry;
}

/** G-4: the unit answers (its HANDLER, or staff recording the answer given at the meeting). */
export async function answerInquiry(ctx: ServiceContext, id: string, answer: string, on: string): Promise<Inquiry> {
  const inquiry = await findInquiry(ctx, id);
  const viewer = requireViewer(ctx.viewer);
  const ownUnit = viewer.role === 'HANDLER' && viewer.unit === inquiry.unitId;
  if (!ownUnit) {
    if (viewer.role === 'HANDLER') throw forbidden("A handler answers their own unit's inquiries only.");
    requireWriteIn(viewer, inquiry.regionCode, 'record answers to inquiries');
  }
  const text = requireText(answer, 'answer', 20000);
  requireNotFuture(ctx, on, 'on');
  if (on < inquiry.filedOn) throw badInput(`The answer (${on}) cannot precede the inquiry (${inquiry.filedOn}).`, 'on');
  requireTransition(inquiryTransitions, inquiry.status, 'ANSWERED', 'The inquiry');
  inquiry.status = 'ANSWERED';
  inquiry.answer = text;
  inquiry.answeredOn = on;
  await ctx.em.flush();
  ctx.loaders.clearAll();
  return inquiry;
}

/** G-4: the signers' verdict, recorded by staff: satisfied closes, not satisfied asks for a new answer. */
export async function concludeInquiry(ctx: ServiceContext, id: string, satisfied: boolean): Promise<Inquiry> {
  const inquiry = await findInquiry(ctx, id);
  requireWriteIn(ctx.viewer, inquiry.regionCode, 'record the verdict on inquiries');
  const to: InquiryStatus = satisfied ? 'CLOSED' : 'REANSWER_REQUIRED';
  requireTransition(inquiryTransitions, inquiry.status, to, 'The inquiry');
  inquiry.status = to;
  await ctx.em.flush();
  ctx.loaders.clearAll();
  return inquiry;
}

export const inquiries = listQuery({
  entity: InquirySchema,
  order: [
    { prop: 'filedOn', kind: 'date' },
    { prop: 'id', kind: 'id' },
  ],
  connectionField: 'inquiriesConnection',
  where: (ctx: ServiceContext, regionCode: string, year: number | null | undefined) => {
    const scope = listScope(ctx.viewer, regionCode, 'Inquiries');
    const where: Record<string, unknown> = { regionCode: { $like: `${scope.prefix}%` } };
    if (scope.unitId) where.unitId = scope.unitId;
    if (year !== null && year !== undefined) {
      const [from, to] = yearRange(requireYear(year));
      where.filedOn = { $gte: from, $lte: to };
    }
    return where;
  },
});

export const listInquiries = inquiries.list;

export const inquiriesConnection = inquiries.page;
