import type { Viewer } from '@renda/auth/viewer';
import { conflict, forbidden, unauthenticated } from '@renda/errors/errors';
import type { ServiceContext } from '@renda/server-kit/context';
import { auditLogPage, correct, withdraw, type AuditLogArgs } from '@renda/server-kit/corrections';
import { optionalText, requireText } from '@renda/server-kit/validate';
import { isStaffOf, requireStaffOf } from './access.ts';
import { queueItemEvent } from './events.ts';
import type { Suggestion, SuggestionStage } from './suggestion.entity.ts';
import { requireItem, save } from './suggestions.service.ts';

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
