import type { Viewer } from '@renda/auth/viewer';
import { badInput, conflict, forbidden, notFound, unauthenticated } from '@renda/errors/errors';
import { isId } from '@renda/db/ids';
import { addMonths, today } from '@renda/server-kit/dates';
import type { ServiceContext } from '@renda/server-kit/context';
import { auditLogPage, correct, withdraw, type AuditLogArgs } from '@renda/server-kit/corrections';
import { optionalText, requireText } from '@renda/server-kit/validate';
import { votesOf } from '../key-items/key-items.service.ts';
import { isStaffOf, requireLeadUnitOrStaff, requireStaffOf } from './access.ts';
import { evaluationsOf, sheetLoader, unitsOf } from './loaders.ts';
import { queueItemEvent } from './events.ts';
import {
  ReplySchema,
  type ReplyRow,
  type SheetKind,
  type SheetRow,
  type Suggestion,
  type SuggestionStage,
} from './suggestion.entity.ts';
import { replyFacts, requireItem, save } from './suggestions.service.ts';

/** The stages in which a clerk's typo in an item may still be corrected: before its reply is reviewed. */
const correctable: readonly SuggestionStage[] = ['RECEIVED', 'ASSIGNED', 'HANDLING', 'SUPERVISED'];

export interface CorrectSuggestionInput {
  title?: string | null;
  content?: string | null;
  category?: string | null;
}

/**
 * 更正 an item's own fields (title, content, category) by staff of its subtree, while it is registered or handled.
 * Frozen once its reply is reviewed: the reply and the deputy's evaluation were made on what it said.
 */
export async function correctSuggestion(
  ctx: ServiceContext,
  id: string,
  version: number,
  input: CorrectSuggestionInput,
  reason: string,
): Promise<Suggestion> {
  const item = await requireItem(ctx, id);
  const viewer = requireStaffOf(ctx, item, 'correct items');
  if (!correctable.includes(item.stage)) {
    throw conflict(
      `This item is at ${item.stage}: its reply was reviewed and answered on what it says, so its title, content and category are frozen.`,
    );
  }
  const patch = {
    title: input.title === undefined || input.title === null ? undefined : requireText(input.title, 'input.title', 200),
    content:
      input.content === undefined || input.content === null
        ? undefined
        : requireText(input.content, 'input.content', 20_000),
    category: input.category === undefined ? undefined : optionalText(input.category, 'input.category', 50),
  };
  const changes = correct(ctx.em, audited(ctx, item, viewer, version, reason), patch);
  keepVersionToFlush(item);
  queueItemEvent(ctx, item, 'suggestion.corrected', { fields: changes.map((c) => c.field), byRole: viewer.role });
  await save(ctx);
  return item;
}

/**
 * 撤回 an item before it is assigned (stage RECEIVED), by its lead deputy or staff of its subtree: it leaves the
 * lists, and the rollups' trigger takes it out of the figures in the same transaction.
 */
export async function withdrawSuggestion(
  ctx: ServiceContext,
  id: string,
  version: number,
  reason: string,
): Promise<Suggestion> {
  const item = await requireItem(ctx, id);
  const viewer = requireWithdrawer(ctx, item);
  if (item.stage !== 'RECEIVED') {
    throw conflict(
      `This item is at ${item.stage}: it was assigned to units to handle, and an assigned item is not withdrawn.`,
    );
  }
  withdraw(ctx.em, audited(ctx, item, viewer, version, reason), { withdrawnAt: ctx.clock.now() });
  keepVersionToFlush(item);
  queueItemEvent(ctx, item, 'suggestion.withdrawn', { byRole: viewer.role });
  await save(ctx);
  return item;
}

/** `suggestionsAuditLog`: the corrections and withdrawals of a subtree (staff, analysts, admins of it). */
export function suggestionsAuditLog(ctx: ServiceContext, args: AuditLogArgs) {
  return auditLogPage(ctx.em, ctx.viewer, args);
}

function requireWithdrawer(ctx: ServiceContext, item: Suggestion): Viewer {
  const viewer = ctx.viewer;
  if (!viewer) throw unauthenticated();
  if (isStaffOf(viewer, item)) return viewer;
  if (viewer.role === 'DEPUTY' && viewer.deputy && viewer.deputy === item.leadDeputyId) return viewer;
  throw forbidden("Only the item's lead deputy, or staff of its region, may withdraw it.");
}

function audited(ctx: ServiceContext, item: Suggestion, viewer: Viewer, version: number, reason: string) {
  return {
    kind: 'Suggestion',
    record: item,
    id: item.id,
    regionCode: item.regionCode,
    expectedVersion: version,
    reason,
    viewer,
    at: ctx.clock.now(),
  };
}

/**
 * The item's `version` is MikroORM's optimistic lock: the flush itself bumps it (`where version = read`), so the
 * bump `correct`/`withdraw` made (and wrote in the audit entry) is handed back to the flush.
 */
function keepVersionToFlush(item: Suggestion): void {
  item.version -= 1;
}

export interface CorrectReplyInput {
  content?: string | null;
  repliedOn?: string | null;
}

/**
 * 更正 a reply's text or date by its lead unit (or staff), before the lead deputy evaluates it: the evaluation
 * was made on the reply as it stood, so it is frozen after. A new date re-decides timeliness (S-4) on the reply
 * and, for the current round, on the item (the rollups follow through their trigger).
 */
export async function correctReply(
  ctx: ServiceContext,
  id: string,
  version: number,
  input: CorrectReplyInput,
  reason: string,
): Promise<ReplyRow> {
  if (!isId(id)) throw badInput(`${JSON.stringify(id)} is not an id.`, 'id');
  const reply = await ctx.em.findOne(ReplySchema, { id });
  if (!reply) throw notFound('reply', id, 'id');
  const item = await requireItem(ctx, reply.suggestionId);
  const viewer = await requireLeadUnitOrStaff(ctx, item, 'correct its reply');
  const evaluated = (await evaluationsOf(ctx, item.id)).find((e) => e.round === reply.round);
  if (evaluated) {
    throw conflict(
      `The lead deputy evaluated this reply on ${evaluated.evaluatedAt.toISOString().slice(0, 10)}; an evaluated reply is frozen.`,
    );
  }
  let repliedOn: string | undefined;
  if (input.repliedOn !== undefined && input.repliedOn !== null) {
    repliedOn = input.repliedOn;
    if (repliedOn > today(ctx.clock)) throw badInput('`input.repliedOn` is after today.', 'input.repliedOn');
    if (item.assignedOn && repliedOn < item.assignedOn) {
      throw badInput(`\`input.repliedOn\` is before the item was assigned (${item.assignedOn}).`, 'input.repliedOn');
    }
    // S-9: the standing committee votes on a reply; a reply dated after the vote on its round cannot follow.
    const vote = (await votesOf(ctx, item.id)).find((v) => v.round === reply.round && v.votedOn < repliedOn!);
    if (vote) {
      throw conflict(
        `The standing committee voted on this reply on ${vote.votedOn}: a reply cannot be dated after the vote on it; correct the vote's date first (correctCommitteeVote).`,
      );
    }
  }
  const content =
    input.content === undefined || input.content === null
      ? undefined
      : requireText(input.content, 'input.content', 20_000);
  const onTime = repliedOn === undefined ? undefined : replyFacts(item, reply.category, repliedOn).replyOnTime;
  const changes = correct(
    ctx.em,
    { ...audited(ctx, item, viewer, version, reason), kind: 'Reply', record: reply, id: reply.id },
    { content, repliedOn, onTime },
  );
  if (repliedOn !== undefined && reply.round === item.round) {
    Object.assign(item, replyFacts(item, reply.category, repliedOn));
  }
  queueItemEvent(ctx, item, 'suggestion.reply-corrected', {
    round: reply.round,
    fields: changes.map((c) => c.field),
    repliedOn: reply.repliedOn,
    onTime: reply.onTime,
    byRole: viewer.role,
  });
  await save(ctx);
  return reply;
}

export interface CorrectSheetInput {
  kind?: SheetKind | null;
  unitId?: string | null;
  dueOn?: string | null;
  content?: string | null;
}

/** A sheet's own due date is at most this many months after its issue (as `issueSheet` checks). */
const sheetMaxMonths = 12;

/** The open sheet `id` with its item, for staff of the item's subtree who may `action` (correct, withdraw). */
async function openSheetFor(ctx: ServiceContext, id: string, action: string) {
  if (!isId(id)) throw badInput(`${JSON.stringify(id)} is not an id.`, 'id');
  const sheet = await sheetLoader(ctx).load(id);
  if (!sheet) throw notFound('supervision sheet', id, 'id');
  const item = await requireItem(ctx, sheet.suggestionId);
  const viewer = requireStaffOf(ctx, item, action);
  requireOpenSheet(sheet);
  return { sheet, item, viewer };
}

/**
 * 更正 a supervision sheet's kind, unit, due date or content (S-5) by staff of the item's subtree, who issue
 * sheets, while it is open: once the unit it names answered it, the answer was made on what it said, so it is
 * frozen (CONFLICT, saying why). A 督办单 and a 催办单 may be swapped; to or from a 交办单 is CONFLICT, because
 * the kind decided whether the sheet took the 督办 step (S-3), which a correction does not re-take or undo.
 * What follows from the sheet is read from it: who may answer (its unit), overdue and the bulletin (its dates),
 * the overdue reminder (kept per due date, so a new one re-arms it).
 */
export async function correctSheet(
  ctx: ServiceContext,
  id: string,
  version: number,
  input: CorrectSheetInput,
  reason: string,
): Promise<SheetRow> {
  const { sheet, item, viewer } = await openSheetFor(ctx, id, 'correct supervision sheets');
  const kind = input.kind ?? undefined;
  if (kind !== undefined && kind !== sheet.kind && (kind === 'ASSIGNMENT' || sheet.kind === 'ASSIGNMENT')) {
    throw conflict(
      `A ${sheet.kind} sheet cannot become a ${kind} one: whether a sheet is a 交办单 decides whether it took the 督办 step (S-3), which a correction does not re-take or undo; withdraw it (withdrawSheet) and issue the right kind.`,
    );
  }
  let unitId: string | undefined;
  if (input.unitId != null) {
    unitId = input.unitId;
    if (!isId(unitId) || !(await unitsOf(ctx, item.id)).some((u) => u.unitId === unitId)) {
      throw badInput("The sheet goes to one of the item's handling units.", 'input.unitId');
    }
  }
  let dueOn: string | undefined;
  if (input.dueOn != null) {
    dueOn = input.dueOn;
    if (dueOn < sheet.issuedOn) {
      throw badInput(`\`input.dueOn\` cannot be before the sheet was issued (${sheet.issuedOn}).`, 'input.dueOn');
    }
    const latestDue = addMonths(sheet.issuedOn, sheetMaxMonths);
    if (dueOn > latestDue) {
      throw badInput(`A sheet is due within ${sheetMaxMonths} months of its issue (by ${latestDue}).`, 'input.dueOn');
    }
  }
  const content = input.content == null ? undefined : requireText(input.content, 'input.content', 5000);
  const changes = correct(
    ctx.em,
    { ...audited(ctx, item, viewer, version, reason), kind: 'SupervisionSheet', record: sheet, id: sheet.id },
    { kind, unitId, dueOn, content },
  );
  queueItemEvent(ctx, item, 'sheet.corrected', {
    sheetId: sheet.id,
    sheetKind: sheet.kind,
    unitId: sheet.unitId,
    issuedOn: sheet.issuedOn,
    dueOn: sheet.dueOn,
    fields: changes.map((c) => c.field),
    byRole: viewer.role,
  });
  await save(ctx);
  return sheet;
}

/** A sheet is changed while it is open: not withdrawn, not answered (the unit answered what it said). */
function requireOpenSheet(sheet: SheetRow): void {
  if (sheet.withdrawnAt) {
    throw conflict(`This sheet was withdrawn on ${sheet.withdrawnAt.toISOString()}; a withdrawn sheet is not changed.`);
  }
  if (sheet.answeredOn) {
    throw conflict(
      `The unit answered this sheet on ${sheet.answeredOn}: it answered what the sheet said, so an answered sheet is frozen.`,
    );
  }
}

/**
 * 撤回 a supervision sheet issued by mistake (S-5), e.g. on the wrong item or twice, by staff of the item's
 * subtree while it is open (an answered one is frozen). It leaves the item's sheets, the overdue list, the
 * bulletin and the overdue reminder; the change feed carries it with its `withdrawnAt`. A 督办单 or 催办单 whose
 * issue took the item's 督办 step (S-3) is CONFLICT: steps are not taken back, so the step could not follow.
 */
export async function withdrawSheet(
  ctx: ServiceContext,
  id: string,
  version: number,
  reason: string,
): Promise<SheetRow> {
  const { sheet, item, viewer } = await openSheetFor(ctx, id, 'withdraw supervision sheets');
  if (sheet.tookStep) {
    throw conflict(
      `Issuing this sheet on ${sheet.issuedOn} took the item's 督办 step (S-3), and a step is not taken back: the sheet is not withdrawn; correct it instead.`,
    );
  }
  const withdrawnAt = ctx.clock.now();
  withdraw(
    ctx.em,
    { ...audited(ctx, item, viewer, version, reason), kind: 'SupervisionSheet', record: sheet, id: sheet.id },
    { withdrawnAt },
  );
  queueItemEvent(ctx, item, 'sheet.withdrawn', {
    sheetId: sheet.id,
    sheetKind: sheet.kind,
    unitId: sheet.unitId,
    issuedOn: sheet.issuedOn,
    dueOn: sheet.dueOn,
    byRole: viewer.role,
  });
  await save(ctx);
  return sheet;
}
