import { conflict, badInput, notFound } from '@renda/errors/errors';
import { isId, newId } from '@renda/db/ids';
import { AuditEntry, correct } from '@renda/server-kit/corrections';
import type { ServiceContext } from '@renda/server-kit/context';
import { calendarDateOf, today } from '@renda/server-kit/dates';
import { optionalText, requireText } from '@renda/server-kit/validate';
import { actorOf } from '../handling/actor.ts';
import { requireStaffOf } from '../suggestions/access.ts';
import { childrenBy } from '../suggestions/loaders.ts';
import { recordItemEvent } from '../suggestions/events.ts';
import { ReplySchema } from '../suggestions/suggestion.entity.ts';
import { requireItem } from '../suggestions/suggestions.service.ts';
import {
  CommitteeVoteSchema,
  KeyHearingSchema,
  type CommitteeVoteRow,
  type KeyHearingRow,
} from './key-items.entity.ts';

export const hearingsOf = (ctx: ServiceContext, id: string) =>
  childrenBy<KeyHearingRow>(ctx, KeyHearingSchema, { heldOn: 'asc', at: 'asc' }, id);
export const votesOf = (ctx: ServiceContext, id: string) =>
  childrenBy<CommitteeVoteRow>(ctx, CommitteeVoteSchema, { round: 'asc' }, id);

/** The largest standing committee has fewer members than this: a bigger number is a typing error. */
const maxMembers = 1000;

async function flush(ctx: ServiceContext): Promise<void> {
  await ctx.em.flush();
  ctx.loaders.clearAll();
}

/** S-9: the date checks of a council hearing, the same at entry and in a correction: not after today. */
function requireHeldOn(ctx: ServiceContext, heldOn: string): void {
  const on = today(ctx.clock);
  if (heldOn > on) throw badInput(`\`input.heldOn\` cannot be after today (${on}).`, 'input.heldOn');
}

/** 主任会议逐条听取 (S-9): the council of chairpersons hears the handling of a key item. */
export async function recordKeyHearing(
  ctx: ServiceContext,
  id: string,
  input: { heldOn: string; summary: string; decisions?: string | null },
): Promise<KeyHearingRow> {
  const item = await requireItem(ctx, id);
  const viewer = requireStaffOf(ctx, item, 'record hearings of key items');
  const summary = requireText(input.summary, 'input.summary', 5000);
  const decisions = optionalText(input.decisions, 'input.decisions', 5000);
  requireHeldOn(ctx, input.heldOn);
  if (!item.isKey) {
    throw conflict('The council of chairpersons hears key items (重点建议): mark the item key first (markKey).');
  }
  if (item.stage === 'RECEIVED') {
    throw conflict('A key item is heard once it has been assigned; this one is at RECEIVED.');
  }
  const row = ctx.em.create(KeyHearingSchema, {
    id: newId(),
    suggestionId: item.id,
    heldOn: input.heldOn,
    summary,
    decisions,
    at: ctx.clock.now(),
    ...actorOf(viewer),
  });
  await recordItemEvent(ctx, ctx.em, item, 'suggestion.key-hearing', {
    serial: item.serialNumber,
    title: item.title,
    stage: item.stage,
    round: item.round,
    heldOn: input.heldOn,
  });
  await flush(ctx);
  return row;
}

/** A tally holds together: members present 1 to `maxMembers`, each rating 0 or more, at most one per member. */
function requireTally(input: Omit<VoteInput, 'votedOn'>): void {
  if (!Number.isInteger(input.membersPresent) || input.membersPresent < 1 || input.membersPresent > maxMembers) {
    throw badInput(`\`membersPresent\` is a whole number from 1 to ${maxMembers}.`, 'input.membersPresent');
  }
  for (const field of ['satisfied', 'basicallySatisfied', 'dissatisfied'] as const) {
    if (!Number.isInteger(input[field]) || input[field] < 0) {
      throw badInput(`\`${field}\` is a whole number, 0 or more.`, `input.${field}`);
    }
  }
  const cast = input.satisfied + input.basicallySatisfied + input.dissatisfied;
  if (cast > input.membersPresent) {
    const present = input.membersPresent;
    const message = `${cast} ratings but ${present} members present: each member rates once at most.`;
    throw badInput(message, 'input.membersPresent');
  }
}

export interface VoteInput {
  votedOn: string;
  membersPresent: number;
  satisfied: number;
  basicallySatisfied: number;
  dissatisfied: number;
}

/** 常委会逐条满意度测评 (S-9): the standing committee's tally on a key item's reply, once per round. */
export async function recordCommitteeVote(
  ctx: ServiceContext,
  id: string,
  input: VoteInput,
): Promise<CommitteeVoteRow> {
  const item = await requireItem(ctx, id);
  const viewer = requireStaffOf(ctx, item, 'record committee votes');
  requireTally(input);
  const on = today(ctx.clock);
  if (input.votedOn > on) throw badInput(`\`votedOn\` cannot be after today (${on}).`, 'input.votedOn');
  if (!item.isKey) throw conflict('The standing committee votes on key items (重点建议): this item is not one.');
  if (item.repliedOn === null) {
    throw conflict(`The committee rates the handling once the unit has replied; round ${item.round} has no reply yet.`);
  }
  if (input.votedOn < (item.repliedOn ?? '')) {
    throw badInput(`\`votedOn\` cannot be before the reply (${item.repliedOn}).`, 'input.votedOn');
  }
  if ((await votesOf(ctx, item.id)).some((v) => v.round === item.round)) {
    throw conflict(`The committee already voted on round ${item.round} of this item.`);
  }
  const row = ctx.em.create(CommitteeVoteSchema, {
    id: newId(),
    suggestionId: item.id,
    round: item.round,
    votedOn: input.votedOn,
    membersPresent: input.membersPresent,
    satisfied: input.satisfied,
    basicallySatisfied: input.basicallySatisfied,
    dissatisfied: input.dissatisfied,
    at: ctx.clock.now(),
    ...actorOf(viewer),
  });
  const tally = {
    membersPresent: input.membersPresent,
    satisfied: input.satisfied,
    basicallySatisfied: input.basicallySatisfied,
    dissatisfied: input.dissatisfied,
  };
  await recordItemEvent(ctx, ctx.em, item, 'suggestion.committee-vote', {
    serial: item.serialNumber,
    title: item.title,
    stage: item.stage,
    round: item.round,
    votedOn: input.votedOn,
    ...tally,
  });
  await flush(ctx);
  return row;
}

/** (satisfied + basically satisfied) / ratings cast; null when nobody rated. */
export function voteSatisfactionRate(
  v: Pick<CommitteeVoteRow, 'satisfied' | 'basicallySatisfied' | 'dissatisfied'>,
): number | null {
  const cast = v.satisfied + v.basicallySatisfied + v.dissatisfied;
  return cast === 0 ? null : (v.satisfied + v.basicallySatisfied) / cast;
}

// ---- corrections (issue 9): a clerk's slip in a council hearing is corrected with a trail until the vote ----

export interface CorrectKeyHearingInput {
  heldOn?: string | null;
  summary?: string | null;
  decisions?: string | null;
}

/**
 * 更正 a council hearing's date, summary or decisions (S-9) by staff of the item's subtree, while the standing
 * committee has not yet evaluated the item: a committee vote on or after the hearing was taken on what it
 * recorded, so the hearing is frozen then (CONFLICT, saying why). One audit entry, a `suggestion.key-hearing-corrected` event.
 */
export async function correctKeyHearing(
  ctx: ServiceContext,
  id: string,
  version: number,
  input: CorrectKeyHearingInput,
  reason: string,
): Promise<KeyHearingRow> {
  if (!isId(id)) throw badInput(`${JSON.stringify(id)} is not an id.`, 'id');
  const hearing = await ctx.em.findOne(KeyHearingSchema, { id });
  if (!hearing) throw notFound('key hearing', id, 'id');
  const item = await requireItem(ctx, hearing.suggestionId);
  const viewer = requireStaffOf(ctx, item, 'correct hearings of key items');
  const vote = (await votesOf(ctx, item.id)).find((v) => v.votedOn >= hearing.heldOn);
  if (vote) {
    throw conflict(
      `The standing committee evaluated this key item on ${vote.votedOn} (round ${vote.round}), after this hearing: an evaluated key item's hearing is frozen.`,
    );
  }
  let heldOn: string | undefined;
  if (input.heldOn != null) {
    heldOn = input.heldOn;
    requireHeldOn(ctx, heldOn);
  }
  const patch = {
    heldOn,
    summary: input.summary == null ? undefined : requireText(input.summary, 'input.summary', 5000),
    decisions: input.decisions === undefined ? undefined : optionalText(input.decisions, 'input.decisions', 5000),
  };
  const changes = correct(
    ctx.em,
    {
      kind: 'KeyHearing',
      record: hearing,
      id: hearing.id,
      regionCode: item.regionCode,
      expectedVersion: version,
      reason,
      viewer,
      at: ctx.clock.now(),
    },
    patch,
  );
  await recordItemEvent(ctx, ctx.em, item, 'suggestion.key-hearing-corrected', {
    serial: item.serialNumber,
    title: item.title,
    stage: item.stage,
    round: item.round,
    hearingId: hearing.id,
    fields: changes.map((c) => c.field),
    heldOn: hearing.heldOn,
    byRole: viewer.role,
  });
  await flush(ctx);
  return hearing;
}

// ---- corrections (issue 9): a clerk's slip in a standing-committee tally is corrected with a trail ----

export interface CorrectCommitteeVoteInput {
  votedOn?: string | null;
  membersPresent?: number | null;
  satisfied?: number | null;
  basicallySatisfied?: number | null;
  dissatisfied?: number | null;
}

/**
 * 更正 a standing-committee tally's date or figures (S-9) by staff of the item's subtree, who record votes.
 * What follows from a vote is read from it, so it follows the correction: its abstentions and satisfaction rate,
 * its row in the bulletin, and which council hearings are frozen (`correctKeyHearing`: a hearing on or before a
 * vote's date). One thing cannot follow: a new date on or after a hearing that was corrected on or after that
 * date would mean the committee voted before that correction, which the freeze would have refused; the audit
 * trail is not rewritten, so that is CONFLICT. Frozen once the item is archived (归档: its file is closed).
 * One audit entry, a `suggestion.committee-vote-corrected` event with the tally as corrected.
 */
export async function correctCommitteeVote(
  ctx: ServiceContext,
  id: string,
  version: number,
  input: CorrectCommitteeVoteInput,
  reason: string,
): Promise<CommitteeVoteRow> {
  if (!isId(id)) throw badInput(`${JSON.stringify(id)} is not an id.`, 'id');
  const vote = await ctx.em.findOne(CommitteeVoteSchema, { id });
  if (!vote) throw notFound('committee vote', id, 'id');
  const item = await requireItem(ctx, vote.suggestionId);
  const viewer = requireStaffOf(ctx, item, 'correct committee votes');
  if (item.stage === 'ARCHIVED') {
    throw conflict('This key item is archived (归档): its file is closed, so its committee votes are frozen.');
  }
  const tally = {
    membersPresent: input.membersPresent ?? vote.membersPresent,
    satisfied: input.satisfied ?? vote.satisfied,
    basicallySatisfied: input.basicallySatisfied ?? vote.basicallySatisfied,
    dissatisfied: input.dissatisfied ?? vote.dissatisfied,
  };
  requireTally(tally);
  let votedOn: string | undefined;
  if (input.votedOn != null && input.votedOn !== vote.votedOn) {
    votedOn = input.votedOn;
    const on = today(ctx.clock);
    if (votedOn > on) throw badInput(`\`input.votedOn\` cannot be after today (${on}).`, 'input.votedOn');
    const reply = await ctx.em.findOne(ReplySchema, { suggestionId: item.id, round: vote.round });
    if (reply && votedOn < reply.repliedOn) {
      const message = `\`input.votedOn\` cannot be before the reply of round ${vote.round} (${reply.repliedOn}).`;
      throw badInput(message, 'input.votedOn');
    }
    await requireHearingsStillFrozen(ctx, item.id, votedOn);
  }
  const changes = correct(
    ctx.em,
    {
      kind: 'CommitteeVote',
      record: vote,
      id: vote.id,
      regionCode: item.regionCode,
      expectedVersion: version,
      reason,
      viewer,
      at: ctx.clock.now(),
    },
    { votedOn, ...tally },
  );
  await recordItemEvent(ctx, ctx.em, item, 'suggestion.committee-vote-corrected', {
    serial: item.serialNumber,
    title: item.title,
    stage: item.stage,
    round: vote.round,
    voteId: vote.id,
    fields: changes.map((c) => c.field),
    votedOn: vote.votedOn,
    ...tally,
    byRole: viewer.role,
  });
  await flush(ctx);
  return vote;
}

/**
 * A vote dated `votedOn` freezes the item's hearings held on or before it. One of them corrected on or after
 * that date was corrected after the committee voted on it: the correction stands in the audit log, so the date
 * cannot follow (CONFLICT, naming the hearing).
 */
async function requireHearingsStillFrozen(ctx: ServiceContext, itemId: string, votedOn: string): Promise<void> {
  const covered = (await hearingsOf(ctx, itemId)).filter((h) => h.heldOn <= votedOn && h.version > 1);
  if (covered.length === 0) return;
  const entries = await ctx.em.find(
    AuditEntry,
    { entity: 'KeyHearing', entityId: { $in: covered.map((h) => h.id) } },
    { orderBy: { at: 'desc' } },
  );
  const late = entries.find((e) => calendarDateOf(e.at) >= votedOn);
  if (late) {
    const hearing = covered.find((h) => h.id === late.entityId)!;
    throw conflict(
      `The council hearing of ${hearing.heldOn} was corrected on ${calendarDateOf(late.at)}, when no committee vote followed it; a vote on ${votedOn} would have frozen it before that correction, so the vote cannot be dated on or after it.`,
    );
  }
}
