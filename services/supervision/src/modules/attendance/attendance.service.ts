import { requireWriteIn } from '@renda/auth/guards';
import { newId } from '@renda/db/ids';
import { badInput } from '@renda/errors/errors';
import type { ServiceContext } from '@renda/server-kit/context';
import { listQuery } from '@renda/server-kit/pagination';
import { optionalText, requireYear, yearRange } from '@renda/server-kit/validate';
import { listScope } from '../common/access.ts';
import { requireNotFuture } from '../common/dates.ts';
import { requireOfficial } from '../units/units.service.ts';
import { type AttendanceStatus, type MeetingAttendance, MeetingAttendanceSchema } from './attendance.entity.ts';

/** G-5: an official who cannot attend asks for leave; EXCUSED states the reason. One row per official and meeting. */
export async function recordMeetingAttendance(
  ctx: ServiceContext,
  input: { meetingOn: string; officialId: string; status: AttendanceStatus; leaveReason?: string | null },
): Promise<MeetingAttendance> {
  const official = await requireOfficial(ctx, input.officialId, 'input.officialId');
  requireWriteIn(ctx.viewer, official.regionCode, 'record meeting attendance');
  const leaveReason = optionalText(input.leaveReason, 'input.leaveReason', 1000);
  if (input.status === 'EXCUSED' && !leaveReason)
    throw badInput(
      'An official excused from a meeting asked for leave: give the reason (`leaveReason`).',
      'input.leaveReason',
    );
  if (input.status !== 'EXCUSED' && leaveReason)
    throw badInput(`A leave reason belongs to EXCUSED attendance, not ${input.status}.`, 'input.leaveReason');
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
    row.status = input.status;
    row.leaveReason = leaveReason;
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
    };
    if (scope.unitId) where.unitId = scope.unitId;
    return where;
  },
});

export const listAttendance = attendance.list;

export const attendanceConnection = attendance.page;
