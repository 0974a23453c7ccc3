import { requireViewer } from '@renda/auth/guards';
import { badInput, conflict, forbidden, notFound } from '@renda/errors/errors';
import { isId, newId } from '@renda/db/ids';
import type { ServiceContext } from '@renda/server-kit/context';
import { today } from '@renda/server-kit/dates';
import { optionalText, requireText } from '@renda/server-kit/validate';
import { requireLeadUnitOrStaff } from '../suggestions/access.ts';
import { childrenBy, suggestionLoader, unitsOf } from '../suggestions/loaders.ts';
import type { Suggestion, SuggestionStage } from '../suggestions/suggestion.entity.ts';
import { recordItemEvent } from '../suggestions/events.ts';
import { requireItem } from '../suggestions/suggestions.service.ts';
import { actorOf } from './actor.ts';
import {
  ContributionSchema,
  DeputyContactSchema,
  ProgressReportSchema,
  type ContactMethod,
  type ContactPhase,
  type ContributionRow,
  type DeputyContactRow,
  type ProgressReportRow,
} from './handling.entity.ts';

export const progressOf = (ctx: ServiceContext, id: string) =>
  childrenBy<ProgressReportRow>(ctx, ProgressReportSchema, { at: 'asc' }, id);
export const contributionsOf = (ctx: ServiceContext, id: string) =>
  childrenBy<ContributionRow>(ctx, ContributionSchema, { at: 'asc' }, id);
export const contactsOf = (ctx: ServiceContext, id: string) =>
  childrenBy<DeputyContactRow>(ctx, DeputyContactSchema, { at: 'asc' }, id);

/** Stages in which the item is being handled and has no reply yet (办理, 督办). */
const handlingStages: readonly SuggestionStage[] = ['HANDLING', 'SUPERVISED'];
/** Stages before the reply in which co-handlers still contribute. */
const contributionStages: readonly SuggestionStage[] = ['ASSIGNED', 'HANDLING', 'SUPERVISED'];

async function flush(ctx: ServiceContext): Promise<void> {
  await ctx.em.flush();
  ctx.loaders.clearAll();
}

/** Whether the caller is a handler of one of the item's co-handling units (协办). */
async function isCoHandler(ctx: ServiceContext, item: Suggestion): Promise<boolean> {
  const viewer = ctx.viewer;
  if (viewer?.role !== 'HANDLER') return false;
  return (await unitsOf(ctx, item.id)).some((u) => u.role === 'CO_HANDLER' && u.unitId === viewer.unit);
}

/** 办理进度 (S-10): the lead unit (its handlers, or staff) reports progress and difficulties. */
export async function reportHandlingProgress(
  ctx: ServiceContext,
  id: string,
  input: { percent: number; content: string; difficulties?: string | null },
): Promise<ProgressReportRow> {
  const item = await requireItem(ctx, id);
  if (await isCoHandler(ctx, item)) {
    throw forbidden(
      'A co-handler (协办) does not report progress for the lead unit: send your part with contributeToLead.',
    );
  }
  const viewer = await requireLeadUnitOrStaff(ctx, item, 'report progress');
  if (!Number.isInteger(input.percent) || input.percent < 0 || input.percent > 100) {
    throw badInput('`percent` is a whole number from 0 to 100.', 'input.percent');
  }
  const content = requireText(input.content, 'input.content', 5000);
  const difficulties = optionalText(input.difficulties, 'input.difficulties', 5000);
  if (!handlingStages.includes(item.stage)) {
    throw conflict(`Progress is reported while the item is handled (HANDLING or SUPERVISED); it is at ${item.stage}.`);
  }
  const row = ctx.em.create(ProgressReportSchema, {
    id: newId(),
    suggestionId: item.id,
    round: item.round,
    unitId: item.leadUnitId!,
    percent: input.percent,
    content,
    difficulties,
    reportedOn: today(ctx.clock),
    at: ctx.clock.now(),
    ...actorOf(viewer),
  });
  await recordItemEvent(ctx, ctx.em, item, 'suggestion.progress', {
    serial: item.serialNumber,
    title: item.title,
    stage: item.stage,
    round: item.round,
    percent: input.percent,
    reportedOn: row.reportedOn,
    unitId: row.unitId,
  });
  await flush(ctx);
  return row;
}

/** 协办意见 (S-4, S-10): a co-handling unit sends its part to the lead unit, before the reply. */
export async function contributeToLead(ctx: ServiceContext, id: string, text: string): Promise<ContributionRow> {
  const item = await requireItem(ctx, id);
  const viewer = requireViewer(ctx.viewer);
  if (!(await isCoHandler(ctx, item))) {
    throw forbidden("Only a co-handling unit's handlers (协办) send their part to the lead unit.");
  }
  const content = requireText(text, 'content', 5000);
  if (!contributionStages.includes(item.stage)) {
    throw conflict(`Co-handlers send their part before the reply; the item is at ${item.stage}.`);
  }
  const row = ctx.em.create(ContributionSchema, {
    id: newId(),
    suggestionId: item.id,
    round: item.round,
    unitId: viewer.unit!,
    leadUnitId: item.leadUnitId!,
    content,
    sentOn: today(ctx.clock),
    at: ctx.clock.now(),
    ...actorOf(viewer),
  });
  await recordItemEvent(ctx, ctx.em, item, 'suggestion.contribution', {
    serial: item.serialNumber,
    title: item.title,
    stage: item.stage,
    round: item.round,
    unitId: row.unitId,
    leadUnitId: row.leadUnitId,
    sentOn: row.sentOn,
  });
  await flush(ctx);
  return row;
}

/** Whether the current round has its reply: 后期 contacts come after it, 前期 and 中期 before. */
const hasReply = (item: Suggestion) => item.replyCategory !== null;

/** 沟通记录 (S-10, 003 art. 6): the unit's contact with the lead deputy before, during or after handling. */
export async function logDeputyContact(
  ctx: ServiceContext,
  id: string,
  input: { phase: ContactPhase; method: ContactMethod; summary: string; contactedOn: string },
): Promise<DeputyContactRow> {
  const item = await requireItem(ctx, id);
  const viewer = await requireLeadUnitOrStaff(ctx, item, 'record contacts with the deputy');
  const summary = requireText(input.summary, 'input.summary', 5000);
  if (!item.leadDeputyId) throw conflict('This item has no lead deputy to contact.');
  if (item.stage === 'RECEIVED' || item.stage === 'ARCHIVED') {
    throw conflict(`Contacts are kept between assignment and archiving; the item is at ${item.stage}.`);
  }
  const on = today(ctx.clock);
  if (input.contactedOn > on) throw badInput(`\`contactedOn\` cannot be after today (${on}).`, 'input.contactedOn');
  if (item.assignedOn && input.contactedOn < item.assignedOn) {
    throw badInput(`\`contactedOn\` cannot be before the assignment (${item.assignedOn}).`, 'input.contactedOn');
  }
  if (input.phase === 'AFTER' && !hasReply(item)) {
    throw conflict('A 后期 (AFTER) contact comes after the reply; this round has none yet.');
  }
  if (input.phase !== 'AFTER' && hasReply(item)) {
    throw conflict(`The reply of round ${item.round} is out: a contact now is 后期 (AFTER), not ${input.phase}.`);
  }
  if (input.phase === 'BEFORE' && item.stage !== 'ASSIGNED' && item.stage !== 'HANDLING') {
    throw conflict(
      `A 前期 (BEFORE) contact is kept before handling is under way; the item is at ${item.stage}: use DURING.`,
    );
  }
  const row = ctx.em.create(DeputyContactSchema, {
    id: newId(),
    suggestionId: item.id,
    round: item.round,
    unitId: viewer.role === 'HANDLER' ? viewer.unit : null,
    phase: input.phase,
    method: input.method,
    summary,
    contactedOn: input.contactedOn,
    at: ctx.clock.now(),
    deputyReply: null,
    deputyRepliedAt: null,
    ...actorOf(viewer),
  });
  await recordItemEvent(ctx, ctx.em, item, 'suggestion.deputy-contact', {
    serial: item.serialNumber,
    title: item.title,
    stage: item.stage,
    round: item.round,
    contactId: row.id,
    phase: input.phase,
    method: input.method,
    contactedOn: input.contactedOn,
  });
  await flush(ctx);
  return row;
}

/** The lead deputy answers a contact, with their own token. */
export async function answerDeputyContact(
  ctx: ServiceContext,
  contactId: string,
  reply: string,
): Promise<DeputyContactRow> {
  if (!isId(contactId)) throw badInput(`${JSON.stringify(contactId)} is not an id.`, 'contactId');
  const contact = await ctx.em.findOne(DeputyContactSchema, { id: contactId });
  if (!contact) throw notFound('deputy contact', contactId, 'contactId');
  const item = (await suggestionLoader(ctx).load(contact.suggestionId))!;
  const viewer = requireViewer(ctx.viewer);
  if (viewer.role !== 'DEPUTY' || viewer.deputy !== item.leadDeputyId) {
    throw forbidden('Only the lead deputy answers a contact, with their own token.');
  }
  const text = requireText(reply, 'reply', 5000);
  if (contact.deputyReply !== null) throw conflict('You already answered this contact.');
  contact.deputyReply = text;
  contact.deputyRepliedAt = ctx.clock.now();
  await recordItemEvent(ctx, ctx.em, item, 'suggestion.deputy-contact-answered', {
    serial: item.serialNumber,
    title: item.title,
    stage: item.stage,
    round: item.round,
    contactId: contact.id,
  });
  await flush(ctx);
  return contact;
}
