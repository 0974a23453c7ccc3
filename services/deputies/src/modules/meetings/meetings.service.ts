import { badInput, conflict, notFound } from '@renda/errors/errors';
import { requireViewer, requireWriteIn } from '@renda/auth/guards';
import { isId, newId } from '@renda/db/ids';
import { knexTable } from '@renda/db/tables';
import type { ServiceContext } from '@renda/server-kit/context';
import { correct, withdraw } from '@renda/server-kit/corrections';
import { today } from '@renda/server-kit/dates';
import { entityLoader, groupBy } from '@renda/server-kit/loaders';
import { correctedLeaveReason, optionalText, requireText, requireYear, yearRange } from '@renda/server-kit/validate';
import type { AttendanceStatus, CommitteeMember } from '../liaison/liaison.entity.ts';
import { memberLoader } from '../liaison/liaison.service.ts';
import { requireCongress } from '../regions/regions.service.ts';
import {
  CommitteeMeetingAttendanceSchema,
  CommitteeMeetingSchema,
  type CommitteeMeeting,
  type CommitteeMeetingAttendance,
} from './meeting.entity.ts';

/** D-8 (001 §16): unexcused absences from committee meetings in a year after which a member is asked to resign. */
export const meetingAbsencesToResign = 2;

export const meetingLoader = (ctx: ServiceContext) =>
  entityLoader<CommitteeMeeting>(ctx, CommitteeMeetingSchema, 'id', isId);

/** A standing-committee meeting of a congress (never of a township congress, which has no committee). */
export async function createCommitteeMeeting(
  ctx: ServiceContext,
  input: { congressId: string; heldOn: string; title: string },
): Promise<CommitteeMeeting> {
  const congress = await requireCongress(ctx, input.congressId, 'input.congressId');
  requireWriteIn(ctx.viewer, congress.regionCode, 'record committee meetings');
  if (congress.level === 'TOWNSHIP')
    throw badInput(
      `${congress.name} is a township congress: it has a presidium, not a standing committee (D-2).`,
      'input.congressId',
    );
  if (input.heldOn < congress.startsOn || (congress.endsOn && input.heldOn > congress.endsOn)) {
    throw badInput(`\`heldOn\` (${input.heldOn}) is outside the term of ${congress.name}.`, 'input.heldOn');
  }
  const meeting = ctx.em.create(CommitteeMeetingSchema, {
    id: newId(),
    congressId: congress.id,
    regionCode: congress.regionCode,
    heldOn: input.heldOn,
    title: requireText(input.title, 'input.title', 200),
  });
  await ctx.em.flush();
  return meeting;
}

/** D-8: an EXCUSED absence states the reason of the leave; no other status has one. */
function requireLeaveReason(status: AttendanceStatus, leaveReason: string | null): void {
  if (status === 'EXCUSED' && !leaveReason)
    throw badInput('An EXCUSED absence states the reason of the leave (`leaveReason`).', 'input.leaveReason');
  if (status !== 'EXCUSED' && leaveReason)
    throw badInput(`A reason of leave goes with EXCUSED only, not ${status}.`, 'input.leaveReason');
}

/**
 * D-8, G-5: a member's attendance at a meeting that has been held: PRESENT, EXCUSED with the reason of
 * the leave, or ABSENT (without leave). Recording again corrects it.
 */
export async function recordCommitteeAttendance(
  ctx: ServiceContext,
  input: { meetingId: string; memberId: string; status: AttendanceStatus; leaveReason?: string | null },
): Promise<CommitteeMeetingAttendance> {
  const meeting = isId(input.meetingId) ? await meetingLoader(ctx).load(input.meetingId) : null;
  if (!meeting) throw badInput(`No committee meeting with id ${JSON.stringify(input.meetingId)}.`, 'input.meetingId');
  requireWriteIn(ctx.viewer, meeting.regionCode, 'record committee attendance');
  if (meeting.heldOn > today(ctx.clock))
    throw conflict(`The meeting is on ${meeting.heldOn}: attendance is recorded once it has been held.`);
  const member = isId(input.memberId) ? await memberLoader(ctx).load(input.memberId) : null;
  if (!member) throw badInput(`No committee member with id ${JSON.stringify(input.memberId)}.`, 'input.memberId');
  if (member.congressId !== meeting.congressId)
    throw badInput(`${member.name} is not a member of this meeting's committee.`, 'input.memberId');
  const leaveReason = optionalText(input.leaveReason, 'input.leaveReason', 500);
  requireLeaveReason(input.status, leaveReason);
  const existing = await ctx.em.findOne(CommitteeMeetingAttendanceSchema, {
    meetingId: meeting.id,
    memberId: member.id,
  });
  const row =
    existing ??
    ctx.em.create(CommitteeMeetingAttendanceSchema, {
      meetingId: meeting.id,
      memberId: member.id,
      congressId: meeting.congressId,
      heldOn: meeting.heldOn,
      status: input.status,
      leaveReason,
      id: newId(),
    });
  if (existing) {
    // Recording again replaces the row (and brings back a withdrawn one): a correction made on the old version is stale.
    existing.version += 1;
    existing.withdrawnAt = null;
  }
  row.status = input.status;
  row.leaveReason = leaveReason;
  await ctx.em.flush();
  return row;
}

/** Attendance of many meetings, batched per request. */
export function meetingAttendance(ctx: ServiceContext, meetingId: string): Promise<CommitteeMeetingAttendance[]> {
  return ctx.loaders
    .get<string, CommitteeMeetingAttendance[]>('CommitteeMeeting.attendance', async (ids) => {
      const rows = await ctx.em.find(
        CommitteeMeetingAttendanceSchema,
        { meetingId: { $in: [...ids] }, withdrawnAt: null },
        { orderBy: { memberId: 'asc' } },
      );
      return groupBy(ids, rows, (r) => r.meetingId);
    })
    .load(meetingId);
}

/** Meetings of many congresses in a year, batched per request. */
export function meetingsOf(ctx: ServiceContext, congressId: string, year: number): Promise<CommitteeMeeting[]> {
  requireYear(year);
  const [from, to] = yearRange(year);
  return ctx.loaders
    .get<string, CommitteeMeeting[]>(`Congress.committeeMeetings.${year}`, async (ids) => {
      const rows = await ctx.em.find(
        CommitteeMeetingSchema,
        { congressId: { $in: [...ids] }, heldOn: { $gte: from, $lte: to } },
        { orderBy: { heldOn: 'asc' } },
      );
      return groupBy(ids, rows, (r) => r.congressId);
    })
    .load(congressId);
}

/** D-8: a member's unexcused absences from committee meetings held in `year`, batched per request. */
export function meetingAbsences(ctx: ServiceContext, memberId: string, year: number): Promise<number> {
  requireYear(year);
  const [from, to] = yearRange(year);
  return ctx.loaders
    .get<string, number>(`CommitteeMember.meetingAbsences.${year}`, async (ids) => {
      const rows: { member_id: string; n: string }[] = await ctx.em
        .getKnex()(knexTable(ctx.em, CommitteeMeetingAttendanceSchema))
        .select('member_id')
        .count('* as n')
        .whereIn('member_id', [...ids])
        .andWhere('status', 'ABSENT')
        .whereNull('withdrawn_at')
        .andWhereBetween('held_on', [from, to])
        .groupBy('member_id');
      const counts = new Map(rows.map((r) => [r.member_id, Number(r.n)]));
      return ids.map((id) => counts.get(id) ?? 0);
    })
    .load(memberId);
}

/** D-8 (001 §16): members of a congress absent without reason from 2 or more meetings in `year`. */
export async function membersToResign(
  ctx: ServiceContext,
  congressId: string,
  year: number,
): Promise<CommitteeMember[]> {
  requireYear(year);
  const [from, to] = yearRange(year);
  const rows: { member_id: string }[] = await ctx.em
    .getKnex()(knexTable(ctx.em, CommitteeMeetingAttendanceSchema))
    .select('member_id')
    .where('congress_id', congressId)
    .andWhere('status', 'ABSENT')
    .whereNull('withdrawn_at')
    .andWhereBetween('held_on', [from, to])
    .groupBy('member_id')
    .havingRaw('count(*) >= ?', [meetingAbsencesToResign])
    .orderBy('member_id');
  const members = await Promise.all(rows.map((r) => memberLoader(ctx).load(r.member_id)));
  return members.filter((m): m is CommitteeMember => m !== null);
}

// ---- corrections (issue 9): a clerk's slip in a member's attendance is corrected with a trail, a wrong row withdrawn ----

/** What a clerk may have entered wrongly: the status and the reason of the leave. */
export interface CorrectCommitteeAttendanceInput {
  status?: AttendanceStatus | null;
  leaveReason?: string | null;
}

/** An attendance row to correct or withdraw: found, written by staff of the meeting's region, not withdrawn. */
async function requireCorrectable(ctx: ServiceContext, id: string, what: string): Promise<CommitteeMeetingAttendance> {
  if (!isId(id)) throw badInput(`${JSON.stringify(id)} is not an id.`, 'id');
  const row = await ctx.em.findOne(CommitteeMeetingAttendanceSchema, { id });
  if (!row) throw notFound('committee meeting attendance', id, 'id');
  const meeting = (await meetingLoader(ctx).load(row.meetingId))!;
  requireWriteIn(ctx.viewer, meeting.regionCode, what);
  if (row.withdrawnAt)
    throw conflict('The attendance was withdrawn: a withdrawn row is not corrected again (record it anew).');
  return row;
}

function change(
  ctx: ServiceContext,
  row: CommitteeMeetingAttendance,
  regionCode: string,
  version: number,
  reason: string,
) {
  return {
    kind: 'CommitteeMeetingAttendance',
    record: row,
    id: row.id,
    regionCode,
    expectedVersion: version,
    reason,
    viewer: requireViewer(ctx.viewer),
    at: ctx.clock.now(),
  };
}

/**
 * 更正 a member's attendance (D-8): the status or the reason of the leave (EXCUSED still states one; corrected away
 * from EXCUSED the reason is dropped). The absences, the members to resign and the points follow. One audit entry.
 */
export async function correctCommitteeAttendance(
  ctx: ServiceContext,
  id: string,
  version: number,
  input: CorrectCommitteeAttendanceInput,
  reason: string,
): Promise<CommitteeMeetingAttendance> {
  const row = await requireCorrectable(ctx, id, 'correct committee attendance');
  const status = input.status ?? row.status;
  const leaveReason = correctedLeaveReason(status, row.leaveReason, input.leaveReason, 500);
  requireLeaveReason(status, leaveReason);
  const meeting = (await meetingLoader(ctx).load(row.meetingId))!;
  correct(ctx.em, change(ctx, row, meeting.regionCode, version, reason), { status, leaveReason });
  await ctx.em.flush();
  ctx.loaders.clearAll();
  return row;
}

/** 撤回 an attendance row entered by mistake: it leaves the meeting's attendance, the absences and the points. */
export async function withdrawCommitteeAttendance(
  ctx: ServiceContext,
  id: string,
  version: number,
  reason: string,
): Promise<CommitteeMeetingAttendance> {
  const row = await requireCorrectable(ctx, id, 'withdraw committee attendance');
  const meeting = (await meetingLoader(ctx).load(row.meetingId))!;
  withdraw(ctx.em, change(ctx, row, meeting.regionCode, version, reason), { withdrawnAt: ctx.clock.now() });
  await ctx.em.flush();
  ctx.loaders.clearAll();
  return row;
}
