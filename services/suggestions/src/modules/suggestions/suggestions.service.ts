import { OptimisticLockError, UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/postgresql';
import { requireViewer, requireWriteIn } from '@renda/auth/guards';
import type { Viewer } from '@renda/auth/viewer';
import { badInput, conflict, forbidden, notFound, unauthenticated } from '@renda/errors/errors';
import { isId, newId } from '@renda/db/ids';
import type { ServiceContext } from '@renda/server-kit/context';
import { addMonths, currentYear, today } from '@renda/server-kit/dates';
import { optionalText, regionLevelOf, requireRegionCode, requireText } from '@renda/server-kit/validate';
import { actorOf } from '../handling/actor.ts';
import { canRead, isStaffOf, requireLeadUnitOrStaff, requireStaffOf } from './access.ts';
import { sheetLoader, suggestionLoader, unitsOf } from './loaders.ts';
import { announceQueued, dropQueued, queueItemEvent, recordItemEvent } from './events.ts';
import { canMove, isSendBack, nextStages, stageNames } from './process.ts';
import { nextSerial } from './suggestions.store.ts';
import { requireActiveDeputies, requireLeadOfficial, requireSession, requireUnits } from './siblings.ts';
import {
  EvaluationSchema,
  HandlingUnitSchema,
  ProcessStepSchema,
  ReplySchema,
  SheetSchema,
  SuggestionSchema,
  SuggestionSignerSchema,
  type ReplyCategory,
  type Satisfaction,
  type SheetKind,
  type SheetRow,
  type Suggestion,
  type SuggestionGrade,
  type SuggestionKind,
  type SuggestionStage,
  type UnitRole,
} from './suggestion.entity.ts';

/** S-1 (law): co-signers a motion needs, by the level of the congress it goes to. */
export function motionMinCoSigners(regionCode: string): number {
  return regionLevelOf(regionCode) === 'TOWNSHIP' ? 5 : 10;
}

/** S-4 (law): a reply is due 3 months after assignment, 6 for complex items (month-end clamped). */
export function replyDueOn(assignedOn: string, complex: boolean): string {
  return addMonths(assignedOn, complex ? 6 : 3);
}

/** S-7: a satisfied or basically satisfied result on a reply that solved nothing is a 被满意 risk. */
export function isCoercionRisk(result: Satisfaction, category: ReplyCategory | null): boolean {
  return category === 'EXPLAINED' && (result === 'SATISFIED' || result === 'BASICALLY_SATISFIED');
}

/**
 * S-4 超期 on day `on`, for an item already in memory (the `overdue` field, the bulletin as of a day): the
 * predicate of `overdueSql` (stats/overdue.ts, the one definition) over the same stored facts — due before
 * `on`, and no reply by `on`. A reply given after `on` leaves a past day overdue. `test/overdue-once.test.ts`
 * checks the two agree on every case PostgreSQL can be asked.
 */
export function isOverdue(item: Pick<Suggestion, 'replyDueOn' | 'repliedOn'>, on: string): boolean {
  return item.replyDueOn != null && item.replyDueOn < on && (item.repliedOn == null || item.repliedOn > on);
}

/**
 * The item's denormalized facts, built in one place for every writer (the mutations and corrections): what a
 * reply of the current round makes of it (S-4: on time when by the due date) …
 */
export function replyFacts(
  item: Pick<Suggestion, 'replyDueOn'>,
  category: ReplyCategory,
  repliedOn: string,
): { replyCategory: ReplyCategory; repliedOn: string; replyOnTime: boolean } {
  return { replyCategory: category, repliedOn, replyOnTime: item.replyDueOn != null && repliedOn <= item.replyDueOn };
}

/** … what an evaluation makes of it (S-7: the latest result and its 被满意 risk) … */
function evaluationFacts(
  item: Pick<Suggestion, 'replyCategory'>,
  result: Satisfaction,
): { latestResult: Satisfaction; coercionRisk: boolean } {
  return { latestResult: result, coercionRisk: isCoercionRisk(result, item.replyCategory ?? null) };
}

/** … and what a send-back to handling on `on` makes of it (S-7: a new reply deadline, no reply yet). */
function rehandlingFacts(
  item: Pick<Suggestion, 'complex'>,
  on: string,
): Pick<Suggestion, 'rehandling' | 'replyCategory' | 'repliedOn' | 'replyOnTime' | 'replyDueOn'> {
  return {
    rehandling: true,
    replyCategory: null,
    repliedOn: null,
    replyOnTime: null,
    replyDueOn: replyDueOn(on, item.complex),
  };
}

/** S-1: the register an item outside a session counts its serial in, the region's year. */
export function registerKeyOf(regionCode: string, year: number): string {
  return `${regionCode}:${year}`;
}

export function serialOf(item: Pick<Suggestion, 'serialNumber'>): string {
  return `第${item.serialNumber}号`;
}

/** An item named by a mutation's `id`: BAD_USER_INPUT when malformed, NOT_FOUND when unknown. */
export async function requireItem(ctx: ServiceContext, id: string, field = 'id'): Promise<Suggestion> {
  if (!isId(id)) throw badInput(`${JSON.stringify(id)} is not an id.`, field);
  const item = await suggestionLoader(ctx).load(id);
  if (!item) throw notFound('suggestion', id, field);
  if (item.withdrawnAt) {
    throw conflict(`This item was withdrawn on ${item.withdrawnAt.toISOString()}; a withdrawn item is not changed.`);
  }
  return item;
}

/**
 * S-3: takes one step through the transition table, recording who and when. Out of order is
 * CONFLICT, with the steps that may come next.
 */
function requireNext(item: Suggestion, to: SuggestionStage, options: { sendBack?: boolean } = {}): void {
  const allowed = canMove(item.stage, to, item.isKey) && (!isSendBack(item.stage, to) || options.sendBack === true);
  if (!allowed) {
    const next = nextStages(item.stage, item.isKey).filter((s) => !isSendBack(item.stage, s));
    const keyNote = item.isKey ? ' (a key item may not skip 督办 or 视察)' : '';
    throw conflict(
      `The item is at ${item.stage} (${stageNames[item.stage]}); ${to} (${stageNames[to]}) cannot come next${keyNote}. ${next.length ? `Next: ${next.join(' or ')}.` : 'It is archived.'}`,
    );
  }
}

function takeStep(
  ctx: ServiceContext,
  item: Suggestion,
  to: SuggestionStage,
  viewer: Viewer,
  note: string | null,
  options: { sendBack?: boolean; unitIds?: string[] } = {},
): void {
  requireNext(item, to, options);
  item.stepCount += 1;
  ctx.em.create(ProcessStepSchema, {
    id: newId(),
    suggestionId: item.id,
    stage: to,
    round: item.round,
    ordinal: item.stepCount,
    year: item.year,
    at: ctx.clock.now(),
    by: viewer.sub,
    note,
    ...actorOf(viewer),
  });
  const from = item.stage;
  item.stage = to;
  queueItemEvent(ctx, item, 'suggestion.step', { from, to, note, byRole: viewer.role }, options.unitIds);
}

/** Writes a mutation's changes in one flush; a concurrent write to the same item is CONFLICT. */
export async function save(ctx: ServiceContext, em: EntityManager = ctx.em): Promise<void> {
  try {
    // The mutation's events go in the flush's transaction: written if and only if the change commits.
    await announceQueued(ctx, em);
    await em.flush();
  } catch (e) {
    dropQueued(ctx);
    if (e instanceof OptimisticLockError || e instanceof UniqueConstraintViolationException) {
      throw conflict('Someone else changed this item at the same moment; read it again and retry.');
    }
    throw e;
  }
  ctx.loaders.clearAll();
}

export interface SubmitInput {
  kind: SuggestionKind;
  regionCode: string;
  sessionId?: string | null;
  title: string;
  content: string;
  category?: string | null;
  leadDeputyId?: string | null;
  coSignerIds?: readonly string[] | null;
  proposerName?: string | null;
  sourceContactId?: string | null;
  sourceOpinionIndex?: number | null;
}

/** Bounds on input lists, so one request cannot ask the owners about unbounded numbers of ids. */
const maxCoSigners = 3000;
const maxUnits = 20;

/**
 * 承接 (S-1): registers an item in stage RECEIVED with the next serial of its register. `options.id` is internal
 * (not in the SDL): the demo seed gives an item the id of the day it was received, so lists keep their order.
 */
export async function submitSuggestion(
  ctx: ServiceContext,
  input: SubmitInput,
  options: { id?: string } = {},
): Promise<Suggestion> {
  const viewer = requireViewer(ctx.viewer);
  const regionCode = requireRegionCode(input.regionCode, 'input.regionCode');
  const kind = input.kind;
  let leadDeputyId = input.leadDeputyId ?? null;
  if (viewer.role === 'DEPUTY') {
    if (kind !== 'SUGGESTION' && kind !== 'MOTION')
      throw forbidden(`A deputy files suggestions and motions; a ${kind} is registered by staff.`);
    leadDeputyId ??= viewer.deputy;
    if (leadDeputyId !== viewer.deputy)
      throw forbidden('A deputy files the items they lead: `leadDeputyId` must be your own id (or left out).');
  } else if (viewer.role === 'STAFF' || viewer.role === 'ADMIN') {
    requireWriteIn(viewer, regionCode, 'register items');
  } else {
    throw forbidden(`A ${viewer.role} may not register items; deputies file their own, staff register the rest.`);
  }
  const title = requireText(input.title, 'input.title', 200);
  const content = requireText(input.content, 'input.content', 20_000);
  const category = optionalText(input.category, 'input.category', 50);
  const proposerName = optionalText(input.proposerName, 'input.proposerName', 100);
  const coSignerIds = [...(input.coSignerIds ?? [])];

  if (kind === 'CPPCC_PROPOSAL') {
    if (leadDeputyId)
      throw badInput(
        'A CPPCC proposal is filed by a CPPCC member, not a deputy: leave `leadDeputyId` out and give `proposerName`.',
        'input.leadDeputyId',
      );
    if (coSignerIds.length) throw badInput('A CPPCC proposal has no co-signing deputies.', 'input.coSignerIds');
    if (!proposerName)
      throw badInput(
        '`proposerName` (the CPPCC member who filed it) is required for a CPPCC proposal.',
        'input.proposerName',
      );
  } else if (kind === 'VOTER_OPINION') {
    if (coSignerIds.length) throw badInput('A voter opinion has no co-signing deputies.', 'input.coSignerIds');
  } else if (!leadDeputyId) {
    throw badInput(`A ${kind} needs its lead deputy: give \`leadDeputyId\`.`, 'input.leadDeputyId');
  }
  // D-10: an opinion heard in a deputy's contact, referred for an answer, keeps its link to the contact.
  const source = await referredOpinion(ctx, kind, input);
  if (source) leadDeputyId ??= source.deputyId;
  if (coSignerIds.length > maxCoSigners)
    throw badInput(
      `At most ${maxCoSigners} co-signers (the largest congress has that many deputies).`,
      'input.coSignerIds',
    );
  if (new Set(coSignerIds).size !== coSignerIds.length)
    throw badInput('A deputy co-signs once: `coSignerIds` repeats an id.', 'input.coSignerIds');
  if (leadDeputyId && coSignerIds.includes(leadDeputyId))
    throw badInput('The lead deputy is not also a co-signer.', 'input.coSignerIds');

  // Check every id with its owner before writing anything (one batched call per owner).
  const [deputies, session] = await Promise.all([
    requireActiveDeputies(ctx, [
      ...(leadDeputyId ? [{ id: leadDeputyId, field: 'input.leadDeputyId' }] : []),
      ...coSignerIds.map((id) => ({ id, field: 'input.coSignerIds' })),
    ]),
    input.sessionId ? requireSession(ctx, input.sessionId, 'input.sessionId') : Promise.resolve(null),
  ]);
  const lead = leadDeputyId ? deputies[0]! : null;
  const coSigners = leadDeputyId ? deputies.slice(1) : deputies;
  if (lead) {
    if (!regionCode.startsWith(lead.region.code))
      throw badInput(
        `The lead deputy serves region ${lead.region.code}; the item's region must be ${lead.region.code} or below.`,
        'input.regionCode',
      );
    const stranger = coSigners.find((d) => d.congress.id !== lead.congress.id);
    if (stranger)
      throw badInput(
        `Deputy ${stranger.id} sits in another congress; co-signers are deputies of the lead deputy's congress.`,
        'input.coSignerIds',
      );
  }
  if (kind === 'MOTION') {
    const min = motionMinCoSigners(lead!.region.code);
    if (coSigners.length < min) {
      throw badInput(
        `A motion needs at least ${min} co-signing deputies at ${regionLevelOf(lead!.region.code)?.toLowerCase()} level; it has ${coSigners.length}.`,
        'input.coSignerIds',
      );
    }
  }
  if (session) {
    if (lead && session.congress.id !== lead.congress.id)
      throw badInput("The session belongs to another congress than the lead deputy's.", 'input.sessionId');
    if (!regionCode.startsWith(session.congress.region.code))
      throw badInput(
        `That session is of region ${session.congress.region.code}; the item's region must be ${session.congress.region.code} or below.`,
        'input.sessionId',
      );
  }

  const year = currentYear(ctx.clock);
  const registerKey = session ? session.id : registerKeyOf(regionCode, year);
  const item = await ctx.em.transactional(async (em) => {
    // Next serial in the register (session or region-year) for the kind: one atomic upsert, safe under concurrency.
    const serialNumber = await nextSerial(em, registerKey, kind);
    const created = em.create(SuggestionSchema, {
      id: options.id ?? newId(),
      kind,
      regionCode,
      year,
      sessionId: session?.id ?? null,
      registerKey,
      serialNumber,
      title,
      content,
      category,
      leadDeputyId,
      proposerName,
      sourceContactId: source?.contactId ?? null,
      sourceOpinionIndex: source?.index ?? null,
      stage: 'RECEIVED',
      round: 1,
      grade: null,
      leadOfficial: null,
      leadOfficialId: null,
      complex: false,
      isKey: false,
      keySupervisor: null,
      leadUnitId: null,
      assignedOn: null,
      replyDueOn: null,
      replyCategory: null,
      repliedOn: null,
      replyOnTime: null,
      latestResult: null,
      coercionRisk: false,
      rehandling: false,
      published: false,
      registeredAt: ctx.clock.now(),
      registeredBy: viewer.sub,
      stepCount: 1,
      version: 1,
    });
    em.create(ProcessStepSchema, {
      id: newId(),
      suggestionId: created.id,
      stage: 'RECEIVED',
      round: 1,
      ordinal: 1,
      year,
      at: ctx.clock.now(),
      by: viewer.sub,
      note: null,
      ...actorOf(viewer),
    });
    if (leadDeputyId)
      em.create(SuggestionSignerSchema, {
        id: newId(),
        suggestionId: created.id,
        deputyId: leadDeputyId,
        lead: true,
        position: 0,
        year,
      });
    coSigners.forEach((d, i) =>
      em.create(SuggestionSignerSchema, {
        id: newId(),
        suggestionId: created.id,
        deputyId: d.id,
        lead: false,
        position: i + 1,
        year,
      }),
    );
    await recordItemEvent(
      ctx,
      em,
      created,
      'suggestion.step',
      {
        serial: serialNumber,
        kind,
        title,
        stage: 'RECEIVED',
        round: 1,
        from: null,
        to: 'RECEIVED',
        note: null,
        byRole: viewer.role,
        coSignerIds: coSigners.map((d) => d.id),
      },
      [],
    );
    return created;
  });
  ctx.loaders.clearAll();
  return item;
}

export interface AssignInput {
  grade: SuggestionGrade;
  leadOfficial: string;
  units: readonly { unitId: string; role: UnitRole }[];
  complex?: boolean | null;
  /** GovernmentLeader id of a level 1 or 2 item's lead official; checked against the grade (S-2). */
  leadOfficialId?: string | null;
}

/** 交办 (S-2, S-4): grade and lead official, exactly one lead unit, the reply deadline. */
export async function assignSuggestion(ctx: ServiceContext, id: string, input: AssignInput): Promise<Suggestion> {
  const item = await requireItem(ctx, id);
  const viewer = requireStaffOf(ctx, item, 'assign items');
  const leadOfficial = requireText(input.leadOfficial, 'input.leadOfficial', 100);
  if (input.units.length > maxUnits)
    throw badInput(`At most ${maxUnits} handling units (one lead, the rest co-handlers).`, 'input.units');
  const leads = input.units.filter((u) => u.role === 'LEAD');
  if (leads.length !== 1)
    throw badInput(`An item has exactly one lead unit (主办); ${leads.length} given.`, 'input.units');
  if (new Set(input.units.map((u) => u.unitId)).size !== input.units.length)
    throw badInput('Each unit is named once.', 'input.units');
  requireNext(item, 'ASSIGNED');
  const units = await requireUnits(
    ctx,
    input.units.map((u, i) => ({ id: u.unitId, field: `input.units[${i}].unitId` })),
  );
  units.forEach((unit, i) => {
    const code = unit.region.code;
    if (!item.regionCode.startsWith(code) && !code.startsWith(item.regionCode)) {
      throw badInput(
        `Unit ${unit.id} works in region ${code}, which neither contains nor lies in the item's region ${item.regionCode}.`,
        `input.units[${i}].unitId`,
      );
    }
  });
  const leadOfficialId = input.leadOfficialId ?? null;
  if (leadOfficialId !== null) {
    await requireLeadOfficial(ctx, input.grade, leadOfficialId, leadOfficial, item.regionCode);
  }
  const assignedOn = today(ctx.clock);
  const complex = input.complex ?? false;
  Object.assign(item, {
    grade: input.grade,
    leadOfficial,
    leadOfficialId,
    complex,
    leadUnitId: leads[0]!.unitId,
    assignedOn,
    replyDueOn: replyDueOn(assignedOn, complex),
  });
  const unitIds = input.units.map((u) => u.unitId);
  takeStep(ctx, item, 'ASSIGNED', viewer, null, { unitIds });
  queueItemEvent(
    ctx,
    item,
    'suggestion.assigned',
    {
      grade: input.grade,
      leadUnitId: item.leadUnitId,
      units: input.units.map((u) => ({ unitId: u.unitId, role: u.role })),
      replyDueOn: item.replyDueOn,
    },
    unitIds,
  );
  input.units.forEach((u, position) =>
    ctx.em.create(HandlingUnitSchema, {
      id: newId(),
      suggestionId: item.id,
      unitId: u.unitId,
      role: u.role,
      position,
      year: item.year,
    }),
  );
  await save(ctx);
  return item;
}

/** 办理: the lead unit takes the item on. */
export async function startHandling(ctx: ServiceContext, id: string): Promise<Suggestion> {
  const item = await requireItem(ctx, id);
  const viewer = await requireLeadUnitOrStaff(ctx, item, 'start handling');
  takeStep(ctx, item, 'HANDLING', viewer, null);
  await save(ctx);
  return item;
}

/** S-5: a key item (重点建议), chosen by the council of chairpersons, with its supervising leader. */
export async function markKey(ctx: ServiceContext, id: string, supervisor: string): Promise<Suggestion> {
  const item = await requireItem(ctx, id);
  requireStaffOf(ctx, item, 'mark key items');
  const name = requireText(supervisor, 'supervisor', 100);
  if (item.isKey) throw conflict(`This item is already a key item, supervised by ${item.keySupervisor}.`);
  if (!['RECEIVED', 'ASSIGNED', 'HANDLING', 'SUPERVISED'].includes(item.stage)) {
    throw conflict(`A key item is chosen before its reply is reviewed; this one is at ${item.stage}.`);
  }
  item.isKey = true;
  item.keySupervisor = name;
  queueItemEvent(ctx, item, 'suggestion.key-marked', { keySupervisor: name });
  await save(ctx);
  return item;
}

/** A sheet drives a reply due within 6 months (S-4): its own due date is at most a year away. */
const sheetMaxMonths = 12;

const sheetStages: readonly SuggestionStage[] = ['ASSIGNED', 'HANDLING', 'SUPERVISED'];

/**
 * S-5: issues a 交办单, 督办单 or 催办单 of a key item to one of its units. A 督办单 or 催办单
 * issued while the item is in HANDLING is the 督办 step (SUPERVISED).
 */
export async function issueSheet(
  ctx: ServiceContext,
  id: string,
  input: { kind: SheetKind; unitId: string; dueOn: string; content: string },
): Promise<SheetRow> {
  const item = await requireItem(ctx, id);
  const viewer = requireStaffOf(ctx, item, 'issue supervision sheets');
  const content = requireText(input.content, 'input.content', 5000);
  if (!item.isKey) throw conflict('The three sheets drive key items: mark the item key first (markKey).');
  if (!sheetStages.includes(item.stage))
    throw conflict(`Sheets are issued while an item is assigned or handled; this one is at ${item.stage}.`);
  if (!isId(input.unitId) || !(await unitsOf(ctx, item.id)).some((u) => u.unitId === input.unitId)) {
    throw badInput("The sheet goes to one of the item's handling units.", 'input.unitId');
  }
  const issuedOn = today(ctx.clock);
  if (input.dueOn < issuedOn) throw badInput(`\`dueOn\` must be today (${issuedOn}) or later.`, 'input.dueOn');
  const latestDue = addMonths(issuedOn, sheetMaxMonths);
  if (input.dueOn > latestDue)
    throw badInput(
      `A sheet is due within ${sheetMaxMonths} months (by ${latestDue}); the reply itself is due within 6 (S-4).`,
      'input.dueOn',
    );
  const sheet = ctx.em.create(SheetSchema, {
    id: newId(),
    suggestionId: item.id,
    kind: input.kind,
    unitId: input.unitId,
    issuedOn,
    dueOn: input.dueOn,
    content,
    issuedBy: viewer.sub,
    answeredOn: null,
    answeredBy: null,
    tookStep: input.kind !== 'ASSIGNMENT' && item.stage === 'HANDLING',
    ...actorOf(viewer),
  });
  if (sheet.tookStep) takeStep(ctx, item, 'SUPERVISED', viewer, content);
  queueItemEvent(ctx, item, 'sheet.issued', {
    sheetId: sheet.id,
    sheetKind: input.kind,
    unitId: input.unitId,
    issuedOn,
    dueOn: input.dueOn,
  });
  await save(ctx);
  return sheet;
}

/** S-5: the unit the sheet names answers it (its handlers, or staff). */
export async function answerSheet(ctx: ServiceContext, sheetId: string): Promise<SheetRow> {
  if (!isId(sheetId)) throw badInput(`${JSON.stringify(sheetId)} is not an id.`, 'sheetId');
  const sheet = await sheetLoader(ctx).load(sheetId);
  if (!sheet) throw notFound('supervision sheet', sheetId, 'sheetId');
  const item = (await suggestionLoader(ctx).load(sheet.suggestionId))!;
  const viewer = requireViewer(ctx.viewer);
  if (!isStaffOf(viewer, item) && !(viewer.role === 'HANDLER' && viewer.unit === sheet.unitId)) {
    throw forbidden("A sheet is answered by the unit it names (its handlers) or staff of the item's region.");
  }
  if (sheet.withdrawnAt) throw conflict(`This sheet was withdrawn on ${sheet.withdrawnAt.toISOString()}.`);
  if (sheet.answeredOn) throw conflict(`This sheet was answered on ${sheet.answeredOn}.`);
  sheet.answeredOn = today(ctx.clock);
  sheet.answeredBy = viewer.sub;
  const actor = actorOf(viewer);
  Object.assign(sheet, {
    answeredByName: actor.byName,
    answeredByRole: actor.byRole,
    answeredByUnitId: actor.byUnitId,
  });
  queueItemEvent(ctx, item, 'sheet.answered', {
    sheetId: sheet.id,
    sheetKind: sheet.kind,
    unitId: sheet.unitId,
    dueOn: sheet.dueOn,
    answeredOn: sheet.answeredOn,
  });
  await save(ctx);
  return sheet;
}

/** 审核 then 答复 (S-4, S-6): the reviewed reply of the current round; on time when by the due date. */
export async function replySuggestion(
  ctx: ServiceContext,
  id: string,
  input: { category: ReplyCategory; content: string; reviewedBy: string },
): Promise<Suggestion> {
  const item = await requireItem(ctx, id);
  const viewer = await requireLeadUnitOrStaff(ctx, item, 'reply');
  const content = requireText(input.content, 'input.content', 20_000);
  const reviewedBy = requireText(input.reviewedBy, 'input.reviewedBy', 100);
  takeStep(ctx, item, 'REVIEWED', viewer, `审核: ${reviewedBy}`);
  takeStep(ctx, item, 'REPLIED', viewer, null);
  const facts = replyFacts(item, input.category, today(ctx.clock));
  const { repliedOn, replyOnTime: onTime } = facts;
  ctx.em.create(ReplySchema, {
    id: newId(),
    suggestionId: item.id,
    round: item.round,
    category: input.category,
    content,
    repliedOn,
    reviewedBy,
    onTime,
    repliedBy: viewer.sub,
    ...actorOf(viewer),
  });
  Object.assign(item, facts);
  queueItemEvent(ctx, item, 'suggestion.reply', {
    category: input.category,
    repliedOn,
    onTime,
    replyDueOn: item.replyDueOn,
    leadUnitId: item.leadUnitId,
  });
  await save(ctx);
  return item;
}

/** Who may take each note-only step (recordStep); the other steps have their own mutations. */
const noteSteps: Partial<Record<SuggestionStage, 'staff' | 'leadUnit'>> = {
  SUPERVISED: 'staff',
  INSPECTED: 'staff',
  FOLLOWED_UP: 'leadUnit',
  EVALUATED: 'staff',
  SUMMARIZED: 'leadUnit',
  PUBLISHED: 'staff',
  ARCHIVED: 'staff',
};

const ownMutation: Partial<Record<SuggestionStage, string>> = {
  RECEIVED: 'submitSuggestion',
  ASSIGNED: 'assignSuggestion',
  HANDLING: 'startHandling',
  REVIEWED: 'replySuggestion',
  REPLIED: 'replySuggestion',
};

/** 督办, 视察, 回访, 总结, 公开, 归档: steps that carry only a note. */
export async function recordStep(
  ctx: ServiceContext,
  id: string,
  stage: SuggestionStage,
  note: string | null | undefined,
): Promise<Suggestion> {
  const who = noteSteps[stage];
  if (!who) throw badInput(`${stage} is taken with ${ownMutation[stage]}, not recordStep.`, 'stage');
  const item = await requireItem(ctx, id);
  const viewer =
    who === 'staff'
      ? requireStaffOf(ctx, item, `record ${stage}`)
      : await requireLeadUnitOrStaff(ctx, item, `record ${stage}`);
  if (stage === 'EVALUATED' && item.kind === 'CPPCC_PROPOSAL') {
    throw conflict("A CPPCC proposal is rated on its proposer's form with evaluateProposal, so the rating counts.");
  }
  if (stage === 'EVALUATED' && item.leadDeputyId) {
    throw forbidden(
      'Only the lead deputy rates the handling, with their own token (evaluateSuggestion); a rating entered for them is the 被满意 the rules forbid.',
    );
  }
  const text = optionalText(note, 'note', 5000);
  takeStep(ctx, item, stage, viewer, text);
  if (stage === 'PUBLISHED') item.published = true;
  await save(ctx);
  return item;
}

/**
 * 考评 (S-7): the lead deputy alone fills in the feedback form. A satisfied or basically satisfied
 * result on an EXPLAINED reply flags a coercion risk; a DISSATISFIED result of round 1 sends the item
 * back to handling for a second round, with a new deadline counted from today.
 */
export async function evaluateSuggestion(
  ctx: ServiceContext,
  id: string,
  input: { attitude: Satisfaction; result: Satisfaction; comment?: string | null },
): Promise<Suggestion> {
  const viewer = ctx.viewer;
  if (!viewer) throw unauthenticated();
  const item = await requireItem(ctx, id);
  if (viewer.role !== 'DEPUTY' || !item.leadDeputyId || viewer.deputy !== item.leadDeputyId) {
    const who = viewer.role === 'DEPUTY' ? 'another deputy' : `a ${viewer.role}`;
    throw forbidden(
      `Only the deputy who leads this item rates its handling, with their own token; a rating by ${who} is the 被满意 the rules forbid.`,
    );
  }
  await rate(ctx, item, viewer, input, { deputyId: viewer.deputy!, raterName: null, enteredBy: null });
  return item;
}

type Rating = { attitude: Satisfaction; result: Satisfaction; comment?: string | null };

/**
 * The feedback form of the current round (S-7, S-10): one per round; a satisfied or basically
 * satisfied result on an EXPLAINED reply is a coercion risk; DISSATISFIED in round 1 sends the item
 * back to handling with a new deadline. Its result is the item's latest result the figures count.
 */
async function rate(
  ctx: ServiceContext,
  item: Suggestion,
  viewer: Viewer,
  input: Rating,
  rater:
    { deputyId: string; raterName: null; enteredBy: null } | { deputyId: null; raterName: string; enteredBy: string },
): Promise<void> {
  const comment = optionalText(input.comment, 'input.comment', 5000);
  if (item.stage === 'EVALUATED') throw conflict(`Round ${item.round} was already evaluated; a round is rated once.`);
  takeStep(ctx, item, 'EVALUATED', viewer, rater.raterName ? `征询意见表 of ${rater.raterName}` : null);
  const facts = evaluationFacts(item, input.result);
  const { coercionRisk } = facts;
  const { attitude, result } = input;
  const evaluatedAt = ctx.clock.now();
  ctx.em.create(EvaluationSchema, {
    id: newId(),
    suggestionId: item.id,
    round: item.round,
    ...rater,
    attitude,
    result,
    comment,
    evaluatedAt,
    coercionRisk,
  });
  Object.assign(item, facts);
  const sentBack = input.result === 'DISSATISFIED' && item.round === 1;
  queueItemEvent(ctx, item, 'suggestion.evaluated', {
    attitude,
    result,
    coercionRisk,
    sentBack,
    proposal: rater.raterName !== null,
  });
  if (input.result === 'DISSATISFIED' && item.round === 1) {
    item.round = 2;
    const who = rater.raterName ? '委员' : '代表';
    takeStep(ctx, item, 'HANDLING', viewer, `${who}不满意，重新办理 (dissatisfied: back to handling)`, {
      sendBack: true,
    });
    Object.assign(item, rehandlingFacts(item, today(ctx.clock)));
  }
  await save(ctx);
}

/**
 * 考评 of a CPPCC proposal (S-10, 003 政协 art. 6): the proposing member rates it on the same form as a
 * deputy. Members hold no tokens of this platform, so staff of the item's subtree enter the member's
 * signed form, naming the member; the name must be the proposer's as registered. Handling units are
 * refused (被满意). The rating counts in the figures like a deputy's, and `satisfactionByKind` tells
 * the kinds apart.
 */
export async function evaluateProposal(
  ctx: ServiceContext,
  id: string,
  input: Rating & { proposerName: string },
): Promise<Suggestion> {
  const item = await requireItem(ctx, id);
  const viewer = requireViewer(ctx.viewer);
  if (viewer.role === 'HANDLER') {
    throw forbidden('A handling unit may not enter the rating of its own work: that is the 被满意 the rules forbid.');
  }
  requireStaffOf(ctx, item, "enter a CPPCC member's feedback form");
  const proposerName = requireText(input.proposerName, 'input.proposerName', 100);
  if (item.kind !== 'CPPCC_PROPOSAL') {
    const by = 'is rated by its lead deputy (evaluateSuggestion)';
    throw conflict(`Only CPPCC proposals are rated through staff; a ${item.kind} ${by}.`);
  }
  if (proposerName !== item.proposerName) {
    const message = `The form must be the proposer's own: this proposal was filed by ${item.proposerName}.`;
    throw badInput(message, 'input.proposerName');
  }
  await rate(ctx, item, viewer, input, { deputyId: null, raterName: proposerName, enteredBy: actorOf(viewer).byName });
  return item;
}

/**
 * D-10: the opinion a VOTER_OPINION refers, read from the deputies service's ContactRecord (with the
 * caller's token: staff of the deputy's region may read it); one referral per opinion.
 */
async function referredOpinion(
  ctx: ServiceContext,
  kind: SuggestionKind,
  input: SubmitInput,
): Promise<{ contactId: string; index: number; deputyId: string } | null> {
  if (input.sourceContactId === null || input.sourceContactId === undefined) {
    if (input.sourceOpinionIndex !== null && input.sourceOpinionIndex !== undefined)
      throw badInput('`sourceOpinionIndex` goes with `sourceContactId`.', 'input.sourceOpinionIndex');
    return null;
  }
  if (kind !== 'VOTER_OPINION')
    throw badInput('Only a VOTER_OPINION refers an opinion heard in a contact (D-10).', 'input.sourceContactId');
  const index = input.sourceOpinionIndex ?? 0;
  if (!Number.isInteger(index) || index < 0)
    throw badInput(
      "`sourceOpinionIndex` is the opinion's place in the contact's list, from 0.",
      'input.sourceOpinionIndex',
    );
  const contact = isId(input.sourceContactId)
    ? await ctx.siblings.entity<{ id: string; opinions: string[]; deputy: { id: string } }>(
        'deputies',
        'ContactRecord',
        { id: input.sourceContactId },
        'id opinions deputy { id }',
      )
    : null;
  if (!contact)
    throw badInput(
      `No contact record you may read has id ${JSON.stringify(input.sourceContactId)}.`,
      'input.sourceContactId',
    );
  if (index >= contact.opinions.length)
    throw badInput(
      `The contact records ${contact.opinions.length} opinion(s); there is no opinion ${index}.`,
      'input.sourceOpinionIndex',
    );
  if (await ctx.em.count(SuggestionSchema, { sourceContactId: contact.id, sourceOpinionIndex: index })) {
    throw conflict('That opinion has already been referred; follow the item it became (`ContactRecord.referrals`).');
  }
  return { contactId: contact.id, index, deputyId: contact.deputy.id };
}

/** D-10: the items referred from each contact, batched per request; only those the caller may read. */
export async function referralsOf(ctx: ServiceContext, contactId: string): Promise<Suggestion[]> {
  const rows = await ctx.loaders
    .get<string, Suggestion[]>('ContactRecord.referrals', async (ids) => {
      const found = await ctx.em.find(
        SuggestionSchema,
        { sourceContactId: { $in: [...ids] } },
        { orderBy: { sourceOpinionIndex: 'asc' } },
      );
      return ids.map((id) => found.filter((s) => s.sourceContactId === id));
    })
    .load(contactId);
  const readable = await Promise.all(rows.map((item) => canRead(ctx, item)));
  return rows.filter((_, i) => readable[i]);
}
