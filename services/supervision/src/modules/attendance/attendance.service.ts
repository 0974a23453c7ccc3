import { requireViewer, requireWriteIn } from '@renda/auth/guards';
import { newId } from '@renda/db/ids';
import { badInput, conflict } from '@renda/errors/errors';
import { correct, withdraw } from '@renda/server-kit/corrections';
import type { ServiceContext } from '@renda/server-kit/context';
import { listQuery } from '@renda/server-kit/pagination';
import { correctedLeaveReason, optionalText, requireYear, yearRange } from '@renda/server-kit/validate';
import { listScope } from '../common/access.ts';
import { requireNotFuture } from '../common/dates.ts';
import { findById } from '../common/find.ts';
import { requireOfficial } from '../units/units.service.ts';
import { type AttendanceStatus, type MeetingAttendance, MeetingAttendanceSchema } from './attendance.entity.ts';

/** G-5: EXCUSED states the leave reason; a leave reason belongs to EXCUSED only. */
function requireLeaveReason(status: AttendanceStatus, leaveReason: string | null): void {
  if (status === 'EXCUSED' && !leaveReason)
    throw badInput(
      'An official excused from a meeting asked for leave: give the reason (`leaveReason`).',
      'input.leaveReason',
    );
  if (status !== 'EXCUSED' && leaveReason)
    throw badInput(`A leave reason belongs to EXCUSED attendance, not ${status}.`, 'input.leaveReason');
}

/** G-5: an official who cannot attend asks for leave; EXCUSED states the reason. One row per official and meeting. */
export async function recordMeetingAttendance(
  ctx: ServiceContext,
  input: { meetingOn: string; officialId: string; status: AttendanceStatus; leaveReason?: string | null },
): Promise<MeetingAttendance> {
  const official = await requireOfficial(ctx, input.officialId, 'input.officialId');
  requireWriteIn(ctx.viewer, official.regionCode, 'record meeting attendance');
  const leaveReason = optionalText(input.leaveReason, 'input.leaveReason', 1000);
  requireLeaveReason(input.status, leaveReason);
  requireNotFuture(ctx, input.meetingOn, 'input.meetingOn');
  if (official.appointedOn && input.meetingOn < official.appointedOn) {
    throw badInput(
      `${official.name} was appointed on ${official.appointedOn}, after this meeting (${input.meetingOn}).`,
      'input.meetingOn',
    );
  }
  if (official.status === 'REMOVED' && official.removedOn && input.meetingOn > official.removedOn) {
    throw badInput(`${official.name} was removed on ${official.removedOn}.`, 'input.officialId');
  }
  let row = await ctx.em.findOne(MeetingAttendanceSchema, { meetingOn: input.meetingOn, officialId: official.id });
  if (row) {
    // Recording again replaces the row (and brings back a withdrawn one): a correction made on the old version is stale.
    row.status = input.status;
    row.leaveReason = leaveReason;
    row.withdrawnAt = null;
    row.version += 1;
  } else {
    row = ctx.em.create(MeetingAttendanceSchema, {
      id: newId(),
      meetingOn: input.meetingOn,
      officialId: official.id,
      unitId: official.unitId,
      regionCode: official.regionCode,
      status: input.status,
      leaveReason,
    });
  }
  await ctx.em.flush();
  return row;
}

/** A year of a province's meetings has thousands of attendance rows: the plain list keeps its cap of 5000. */
export const attendance = listQuery({
  entity: MeetingAttendanceSchema,
  order: [
    { prop: 'meetingOn', kind: 'date' },
    { prop: 'id', kind: 'id' },
  ],
  connectionField: 'attendanceConnection',
  cap: 5000,
  where: (ctx: ServiceContext, regionCode: string, year: number) => {
    const scope = listScope(ctx.viewer, regionCode, 'Meeting attendance');
    const [from, to] = yearRange(requireYear(year));
    const where: Record<string, unknown> = {
      regionCode: { $like: `${scope.prefix}%` },
      meetingOn: { $gte: from, $lte: to },
      withdrawnAt: null,
    };
    if (scope.unitId) where.unitId = scope.unitId;
    return where;
  },
});

export const listAttendance = attendance.list;

export const attendanceConnection = attendance.page;

// ---- corrections (issue 9): a clerk's slip in an attendance row is corrected with a trail, a wrong row withdrawn ----

/** What a clerk may have entered wrongly: the status and the leave reason. */
export interface CorrectAttendanceInput {
  status?: AttendanceStatus | null;
  leaveReason?: string | null;
}

/** An attendance row to correct or withdraw: found, written by staff of its region, not withdrawn. */
/** The correction of `row` (its version, the reason, who and when) for `correct` / `withdraw`. */
function change(ctx: ServiceContext, row: MeetingAttendance, version: number, reason: string) {
  return {
    kind: 'MeetingAttendance',
    record: row,
    id: row.id,
    regionCode: row.regionCode,
    expectedVersion: version,
    reason,
    viewer: requireViewer(ctx.viewer),
    at: ctx.clock.now(),
  };
}

async function requireCorrectable(ctx: ServiceContext, id: string, what: string): Promise<MeetingAttendance> {
  const row = await findById(ctx, MeetingAttendanceSchema, 'attendance record', id, 'id');
  requireWriteIn(ctx.viewer, row.regionCode, what);
  if (row.withdrawnAt)
    throw conflict('The attendance record was withdrawn: a withdrawn record is not corrected again (record it anew).');
  return row;
}

/**
 * 更正 an attendance row's status or leave reason (G-5 still holds: EXCUSED states the reason, the others have
 * none; a status corrected away from EXCUSED drops its reason). One audit entry, the version bumped.
 */
export async function correctMeetingAttendance(
  ctx: ServiceContext,
  id: string,
  version: number,
  input: CorrectAttendanceInput,
  reason: string,
): Promise<MeetingAttendance> {
  const row = await requireCorrectable(ctx, id, 'correct meeting attendance');
  const status = input.status ?? row.status;
  const leaveReason = correctedLeaveReason(status, row.leaveReason, input.leaveReason, 1000);
  requireLeaveReason(status, leaveReason);
  correct(ctx.em, change(ctx, row, version, reason), { status, leaveReason });
  await ctx.em.flush();
  return row;
}

/** 撤回 an attendance row entered by mistake (wrong official or meeting): it leaves the lists; one audit entry. */
export async function withdrawMeetingAttendance(
  ctx: ServiceContext,
  id: string,
  version: number,
  reason: string,
): Promise<MeetingAttendance> {
  const row = await requireCorrectable(ctx, id, 'withdraw meeting attendance');
  withdraw(ctx.em, change(ctx, row, version, reason), { withdrawnAt: ctx.clock.now() });
  await ctx.em.flush();
  return row;
}
