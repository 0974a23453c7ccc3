import { LockMode, type EntityManager } from '@mikro-orm/postgresql';
import { badInput, conflict, notFound } from '@renda/errors/errors';
import { requireViewer, requireWriteIn } from '@renda/auth/guards';
import { isId } from '@renda/db/ids';
import type { ServiceContext } from '@renda/server-kit/context';
import {
  correct,
  requireReason,
  requireVersion,
  withdraw,
  type AuditedChange,
  type FieldChange,
} from '@renda/server-kit/corrections';
import { correctedLeaveReason } from '@renda/server-kit/validate';
import { DeputySchema, type Deputy } from '../deputies/deputy.entity.ts';
import { laterDate } from '../deputies/deputies.service.ts';
import { recordMandateEvent } from '../deputies/events.ts';
import { sessionLoader } from '../regions/regions.service.ts';
import { SessionAttendanceSchema, type AttendanceStatus, type SessionAttendance } from './liaison.entity.ts';
import { liveAbsenceRows } from './liaison.store.ts';

/**
 * 更正 session attendance (D-8, issue 9): a clerk's slip in a deputy's attendance at a congress session is corrected
 * with a trail, a wrong row withdrawn. D-8 follows the change: a correction that makes a second ABSENT in the
 * congress TERMINATES the mandate as recording does; correcting away (or withdrawing) the ABSENT whose count
 * terminated the mandate restores it, but only while the mandate is still as those absences ended it.
 */

/** What a clerk may have entered wrongly: the status and the reason of the leave. */
export interface CorrectSessionAttendanceInput {
  status?: AttendanceStatus | null;
  leaveReason?: string | null;
}

/** The D-8 reason a mandate terminated by absences carries (recording and corrections write the same). */
export const absenceTerminationReason = (absences: number) =>
  `Absent without approval from ${absences} sessions of the congress (资格终止).`;
const absenceReasonPrefix = 'Absent without approval from ';

/** A live ABSENT of the deputy in the congress, in session order. */
interface Absence {
  id: string;
  sessionId: string;
  opensOn: string;
  number: number;
  endedMandate: boolean;
}

async function liveAbsences(em: EntityManager, deputyId: string, congressId: string): Promise<Absence[]> {
  const rows = await liveAbsenceRows(em, deputyId, congressId);
  return rows.map((r) => ({
    id: r.id,
    sessionId: r.session_id,
    opensOn: r.opens_on,
    number: Number(r.number),
    endedMandate: r.ended_mandate,
  }));
}

/** The mandate change a corrected or withdrawn row brings, worked out before anything is written. */
interface MandatePlan {
  /** The corrected row's own `endedMandate` after the change. */
  rowEndedMandate: boolean;
  /** Another row that now carries (true) or no longer carries (false) the mark. */
  otherMarks: { id: string; endedMandate: boolean }[];
  deputy: Partial<Pick<Deputy, 'status' | 'statusReason' | 'mandateEndsOn'>> | null;
  event: { type: string; data: Record<string, unknown> } | null;
  changes: FieldChange[];
}

/**
 * D-8 after the change of `row` (to ABSENT or not; withdrawn counts as not). The mark `ended_mandate` names the
 * absence whose count terminated the mandate; a mandate with no mark ended otherwise and no attendance change
 * touches it.
 */
async function planMandate(
  em: EntityManager,
  row: SessionAttendance,
  session: { opensOn: string; number: number },
  deputy: Deputy,
  absentAfter: boolean,
): Promise<MandatePlan> {
  const { opensOn } = session;
  const before = await liveAbsences(em, deputy.id, row.congressId);
  const others = before.filter((a) => a.id !== row.id);
  const wasAbsent = before.some((a) => a.id === row.id);
  const after = absentAfter
    ? [...others, { id: row.id, sessionId: row.sessionId, opensOn, number: session.number, endedMandate: false }].sort(
        (a, b) => a.opensOn.localeCompare(b.opensOn) || a.number - b.number,
      )
    : others;
  const plan: MandatePlan = {
    rowEndedMandate: row.endedMandate,
    otherMarks: [],
    deputy: null,
    event: null,
    changes: [],
  };
  const mandateChange = (to: Pick<Deputy, 'status' | 'statusReason' | 'mandateEndsOn'>) => {
    plan.deputy = to;
    for (const field of ['status', 'statusReason', 'mandateEndsOn'] as const)
      if (deputy[field] !== to[field])
        plan.changes.push({ field: `deputy.${field}`, from: deputy[field] ?? null, to: to[field] ?? null });
  };

  if (deputy.status === 'ACTIVE') {
    // As recording does: the absence that makes the second one in the congress ends the mandate at its session.
    if (absentAfter && !wasAbsent && after.length >= 2) {
      const statusReason = absenceTerminationReason(after.length);
      mandateChange({
        status: 'TERMINATED',
        statusReason,
        mandateEndsOn: laterDate(opensOn, deputy.mandateStartsOn),
      });
      plan.rowEndedMandate = true;
      plan.event = {
        type: 'mandate.ended',
        data: { reason: statusReason, rule: 'D-8', sessionId: row.sessionId, attendanceId: row.id },
      };
    }
    return plan;
  }

  const marked = before.find((a) => a.endedMandate);
  if (!marked) return plan; // The mandate ended otherwise (or before these absences): attendance does not touch it.
  const markedGoes = marked.id === row.id && !absentAfter;
  if (after.length >= 2 && !markedGoes) return plan;

  // The change takes away an absence the termination rests on: the mandate must still be as the absences left it.
  const endedByAbsences =
    deputy.status === 'TERMINATED' &&
    (deputy.statusReason ?? '').startsWith(absenceReasonPrefix) &&
    deputy.mandateEndsOn === laterDate(marked.opensOn, deputy.mandateStartsOn);
  if (!endedByAbsences)
    throw conflict(
      `${deputy.name}'s mandate is ${deputy.status} since ${deputy.mandateEndsOn ?? 'its start'} (${deputy.statusReason ?? 'no reason given'}), no longer as the absences ended it (D-8): it cannot be restored by correcting attendance. Correct the mandate first.`,
    );
  if (marked.id === row.id) plan.rowEndedMandate = false;
  else plan.otherMarks.push({ id: marked.id, endedMandate: false });

  if (after.length < 2) {
    mandateChange({ status: 'ACTIVE', statusReason: null, mandateEndsOn: null });
    plan.event = {
      type: 'mandate.restored',
      data: { rule: 'D-8', sessionId: row.sessionId, attendanceId: row.id, absences: after.length },
    };
    return plan;
  }
  // Still two or more: the termination now rests on the second remaining absence, and ends at its session.
  const second = after[1]!;
  plan.otherMarks.push({ id: second.id, endedMandate: true });
  mandateChange({
    status: 'TERMINATED',
    statusReason: absenceTerminationReason(after.length),
    mandateEndsOn: laterDate(second.opensOn, deputy.mandateStartsOn),
  });
  if (plan.changes.length)
    plan.event = { type: 'deputy.updated', data: { changed: ['mandateEndsOn', 'statusReason'] } };
  return plan;
}

/** Writes the planned mandate change and its event in the same unit of work. */
async function applyMandate(ctx: ServiceContext, em: EntityManager, deputy: Deputy, plan: MandatePlan): Promise<void> {
  for (const mark of plan.otherMarks) {
    const other = await em.findOneOrFail(SessionAttendanceSchema, { id: mark.id });
    other.endedMandate = mark.endedMandate;
  }
  if (!plan.deputy || plan.changes.length === 0) return;
  Object.assign(deputy, plan.deputy);
  deputy.version += 1;
  if (plan.event) await recordMandateEvent(ctx, em, deputy, plan.event.type, plan.event.data);
}

/**
 * The row to correct or withdraw, inside the transaction: found, written by staff of the session's region, not
 * withdrawn; the deputy locked, so two corrections of one deputy's attendance count absences one after the other.
 */
/** Which attendance row a correction names: its `id`, or its `sessionId` and `deputyId` (the row's key). */
export interface AttendanceRef {
  id?: string | null;
  sessionId?: string | null;
  deputyId?: string | null;
}

/** The row `ref` names: BAD_USER_INPUT unless it gives the id alone or the session and deputy both; NOT_FOUND if none. */
async function attendanceRow(em: EntityManager, ref: AttendanceRef): Promise<SessionAttendance> {
  const { id, sessionId, deputyId } = ref;
  if (id != null) {
    if (sessionId != null || deputyId != null)
      throw badInput('Name the attendance by `id` or by `sessionId` and `deputyId`, not both.', 'id');
    if (!isId(id)) throw notFound('session attendance', id, 'id');
    const row = await em.findOne(SessionAttendanceSchema, { id });
    if (!row) throw notFound('session attendance', id, 'id');
    return row;
  }
  if (sessionId == null || deputyId == null)
    throw badInput(
      'Name the attendance by `id`, or by `sessionId` and `deputyId` together.',
      sessionId == null ? 'sessionId' : 'deputyId',
    );
  for (const [field, value] of [
    ['sessionId', sessionId],
    ['deputyId', deputyId],
  ] as const)
    if (!isId(value)) throw badInput(`${JSON.stringify(value)} is not an id.`, field);
  const row = await em.findOne(SessionAttendanceSchema, { sessionId, deputyId });
  if (!row) throw notFound('session attendance', `${sessionId}/${deputyId}`, 'deputyId');
  return row;
}

async function editable(
  ctx: ServiceContext,
  em: EntityManager,
  ref: AttendanceRef,
  version: number,
  reason: string,
  doing: string,
): Promise<{
  row: SessionAttendance;
  session: { opensOn: string; number: number };
  deputy: Deputy;
  regionCode: string;
}> {
  const row = await attendanceRow(em, ref);
  const session = (await sessionLoader(ctx).load(row.sessionId))!;
  requireWriteIn(ctx.viewer, session.regionCode, doing);
  if (row.withdrawnAt)
    throw conflict('The attendance was withdrawn: a withdrawn row is not changed again (record it anew).');
  requireVersion('session attendance', row.version, version);
  requireReason(reason);
  const deputy = await em.findOneOrFail(DeputySchema, { id: row.deputyId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  return { row, session, deputy, regionCode: session.regionCode };
}

function change(
  ctx: ServiceContext,
  row: SessionAttendance,
  regionCode: string,
  version: number,
  reason: string,
  alsoChanged: FieldChange[],
): AuditedChange<SessionAttendance> {
  return {
    kind: 'SessionAttendance',
    record: row,
    id: row.id,
    regionCode,
    expectedVersion: version,
    reason,
    viewer: requireViewer(ctx.viewer),
    at: ctx.clock.now(),
    alsoChanged,
  };
}

/**
 * 更正 a deputy's attendance at a session (D-8): the status or the reason of the leave (only with EXCUSED; corrected
 * away from EXCUSED it is dropped). The mandate follows (see `planMandate`); one audit entry holds both changes.
 */
export async function correctSessionAttendance(
  ctx: ServiceContext,
  ref: AttendanceRef,
  version: number,
  input: CorrectSessionAttendanceInput,
  reason: string,
): Promise<SessionAttendance> {
  const result = await ctx.em.transactional(async (em) => {
    const { row, session, deputy, regionCode } = await editable(
      ctx,
      em,
      ref,
      version,
      reason,
      'correct session attendance',
    );
    const status = input.status ?? row.status;
    const leaveReason = correctedLeaveReason(status, row.leaveReason, input.leaveReason, 500);
    if (leaveReason && status !== 'EXCUSED')
      throw badInput(`A reason of leave goes with EXCUSED only, not ${status}.`, 'input.leaveReason');
    const plan = await planMandate(em, row, session, deputy, status === 'ABSENT');
    correct(em, change(ctx, row, regionCode, version, reason, plan.changes), {
      status,
      leaveReason,
      endedMandate: plan.rowEndedMandate,
    });
    await applyMandate(ctx, em, deputy, plan);
    await em.flush();
    return row;
  });
  ctx.loaders.clearAll();
  return result;
}

/** 撤回 a session attendance row entered by mistake: it leaves the attendance, the absences and the points. */
export async function withdrawSessionAttendance(
  ctx: ServiceContext,
  ref: AttendanceRef,
  version: number,
  reason: string,
): Promise<SessionAttendance> {
  const result = await ctx.em.transactional(async (em) => {
    const { row, session, deputy, regionCode } = await editable(
      ctx,
      em,
      ref,
      version,
      reason,
      'withdraw session attendance',
    );
    const plan = await planMandate(em, row, session, deputy, false);
    const patch: Partial<SessionAttendance> = { withdrawnAt: ctx.clock.now() };
    if (plan.rowEndedMandate !== row.endedMandate) patch.endedMandate = plan.rowEndedMandate;
    withdraw(em, change(ctx, row, regionCode, version, reason, plan.changes), patch);
    await applyMandate(ctx, em, deputy, plan);
    await em.flush();
    return row;
  });
  ctx.loaders.clearAll();
  return result;
}
