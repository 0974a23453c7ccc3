import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServices, type TestStack } from '@renda/testing/services';
import { tokens } from '@renda/testing/tokens';
import { fails, ok } from '@renda/testing/graphql';
import { deputiesService } from '../src/server.ts';
import { createCongress, createDeputies, createRegions, subgraphOf } from './fixtures.ts';

/**
 * 更正 corrections with a trail (issue 9): a contact a clerk mistyped is corrected or withdrawn by whoever may
 * record it, against the version they read, with a reason; each change is one audit entry; a withdrawn contact
 * leaves the lists and the duty figures; an evaluated duty report is frozen; `updateDeputy` takes a version and
 * a reason.
 */
let stack: TestStack;
let sg: ReturnType<typeof subgraphOf>;
let admin: string;
let staff: string;
let deputyA: string;
let deputyB: string;
let congressId: string;

const recordMutation = `mutation($i: RecordContactInput!) { recordContact(input: $i) { id version } }`;
const correctMutation = `mutation($id: ID!, $v: Int!, $i: CorrectContactInput!, $r: String!) {
  correctContact(id: $id, version: $v, input: $i, reason: $r) { id occurredOn kind summary version withdrawnAt } }`;
const withdrawMutation = `mutation($id: ID!, $v: Int!, $r: String!) {
  withdrawContact(id: $id, version: $v, reason: $r) { id version withdrawnAt } }`;
const auditQuery = `query($code: String!, $entity: String, $entityId: ID, $first: Int) {
  deputiesAuditLog(regionCode: $code, entity: $entity, entityId: $entityId, first: $first) {
    totalCount edges { node { entity entityId regionCode action version reason actor { id role } changes { field from to } } }
  } }`;
const contactsQuery = `query($id: ID!, $year: Int!) { deputy(id: $id) { contacts(year: $year) { id } } }`;
const figuresQuery = `query($code: ID!) { region(code: $code) {
  deputyFigures(from: 2026, to: 2026) { level voterContacts voterContactCompliance { numerator denominator } } } }`;

async function record(deputyId: string, occurredOn: string, kind = 'VOTER', token = staff): Promise<string> {
  const input = { kind, method: 'MEETING', occurredOn, deputyId, summary: '座谈', participants: 12 };
  return (await ok(sg, recordMutation, { i: input }, token)).recordContact.id as string;
}

async function figures(): Promise<{ voterContacts: number; compliant: number }> {
  const rows = (await ok(sg, figuresQuery, { code: '430181' }, admin)).region.deputyFigures as {
    level: string;
    voterContacts: number;
    voterContactCompliance: { numerator: number };
  }[];
  const county = rows.find((r) => r.level === 'COUNTY')!;
  return { voterContacts: county.voterContacts, compliant: county.voterContactCompliance.numerator };
}

async function contactIds(deputyId: string): Promise<string[]> {
  return ((await ok(sg, contactsQuery, { id: deputyId, year: 2026 }, admin)).deputy.contacts as { id: string }[]).map(
    (c) => c.id,
  );
}

beforeAll(async () => {
  stack = await startTestServices([deputiesService], { now: '2026-06-15T02:00:00Z' });
  sg = subgraphOf(stack);
  admin = await tokens.admin();
  staff = await tokens.staff('430181');
  await createRegions(sg, admin);
  const congress = await createCongress(sg, admin, {
    regionCode: '430181',
    termNumber: 18,
    name: '浏阳市第十八届人民代表大会',
    startsOn: '2026-01-10',
    endsOn: '2031-01-09',
  });
  [deputyA, deputyB] = (await createDeputies(sg, admin, [
    { congressId: congress, regionCode: '430181', name: '甲' },
    { congressId: congress, regionCode: '430181', name: '乙' },
  ])) as [string, string];
  congressId = congress;
});
afterAll(() => stack?.stop());

describe('corrections of contacts (issue 9)', () => {
  it('a correction changes the contact, bumps its version and writes one audit entry: who, what, why', async () => {
    const id = await record(deputyA, '2026-02-01');
    const data = await ok(
      sg,
      correctMutation,
      { id, v: 1, i: { occurredOn: '2026-02-11', summary: '座谈会' }, r: '录入日期有误' },
      staff,
    );
    expect(data.correctContact).toMatchObject({ occurredOn: '2026-02-11', summary: '座谈会', version: 2 });
    const log = (await ok(sg, auditQuery, { code: '430181', entityId: id }, staff)).deputiesAuditLog;
    expect(log.totalCount).toBe(1);
    expect(log.edges[0].node).toEqual({
      entity: 'ContactRecord',
      entityId: id,
      regionCode: '430181',
      action: 'CORRECT',
      version: 2,
      reason: '录入日期有误',
      actor: { id: 'staff-430181', role: 'STAFF' },
      changes: [
        { field: 'occurredOn', from: '2026-02-01', to: '2026-02-11' },
        { field: 'summary', from: '座谈', to: '座谈会' },
      ],
    });
  });

  it('a stale version is CONFLICT and changes nothing', async () => {
    const id = await record(deputyB, '2026-03-01');
    await ok(sg, correctMutation, { id, v: 1, i: { summary: '第一次更正' }, r: '摘要有误' }, staff);
    await fails(sg, 'CONFLICT', correctMutation, { id, v: 1, i: { summary: '过时的更正' }, r: '摘要有误' }, staff);
    await fails(sg, 'CONFLICT', withdrawMutation, { id, v: 1, r: '重复录入' }, staff);
    const log = (await ok(sg, auditQuery, { code: '430181', entityId: id }, staff)).deputiesAuditLog;
    expect(log.totalCount).toBe(1);
    const again = await ok(sg, correctMutation, { id, v: 2, i: { summary: '第二次更正' }, r: '摘要有误' }, staff);
    expect(again.correctContact.version).toBe(3);
  });

  it('no reason is BAD_USER_INPUT and changes nothing', async () => {
    const id = await record(deputyB, '2026-03-02');
    await fails(sg, 'BAD_USER_INPUT', correctMutation, { id, v: 1, i: { summary: '无原因' }, r: ' ' }, staff);
    await fails(sg, 'BAD_USER_INPUT', withdrawMutation, { id, v: 1, r: '' }, staff);
    const log = (await ok(sg, auditQuery, { code: '430181', entityId: id }, staff)).deputiesAuditLog;
    expect(log.totalCount).toBe(0);
    expect(await contactIds(deputyB)).toContain(id);
  });

  it('another role or region is FORBIDDEN; a kind that names other references is BAD_USER_INPUT', async () => {
    const id = await record(deputyB, '2026-03-03');
    const other = await tokens.staff('430602');
    const analyst = await tokens.analyst('430181');
    const otherDeputy = await tokens.deputy('430181', deputyA);
    for (const token of [other, analyst, otherDeputy]) {
      await fails(sg, 'FORBIDDEN', correctMutation, { id, v: 1, i: { summary: '越权' }, r: '越权更正' }, token);
      await fails(sg, 'FORBIDDEN', withdrawMutation, { id, v: 1, r: '越权撤回' }, token);
    }
    await fails(
      sg,
      'BAD_USER_INPUT',
      correctMutation,
      { id, v: 1, i: { kind: 'GROUP_ACTIVITY' }, r: '类型有误' },
      staff,
      'input.kind',
    );
    // The deputy corrects their own voter contact (they may record it).
    const own = await tokens.deputy('430181', deputyB);
    const data = await ok(sg, correctMutation, { id, v: 1, i: { kind: 'DUTY_REPORT' }, r: '实为述职' }, own);
    expect(data.correctContact.kind).toBe('DUTY_REPORT');
  });

  it('a withdrawn contact leaves the list and the duty figures in the same transaction', async () => {
    // 乙 reaches the yearly minimum of voter contacts (D-6) with a second one; withdrawing it undoes that.
    const second = await record(deputyB, '2026-04-01');
    const before = await figures();
    expect(await contactIds(deputyB)).toContain(second);
    const data = await ok(sg, withdrawMutation, { id: second, v: 1, r: '重复录入' }, staff);
    expect(data.withdrawContact.version).toBe(2);
    expect(data.withdrawContact.withdrawnAt).not.toBeNull();
    const after = await figures();
    expect(after.voterContacts).toBe(before.voterContacts - 1);
    expect(await contactIds(deputyB)).not.toContain(second);
    // A withdrawn record is not changed again, and says why.
    const refused = await fails(
      sg,
      'CONFLICT',
      correctMutation,
      { id: second, v: 2, i: { summary: 'x1' }, r: '再改' },
      staff,
    );
    expect(refused.message).toMatch(/withdrawn/);
    const log = (await ok(sg, auditQuery, { code: '43', entity: 'ContactRecord', entityId: second }, admin))
      .deputiesAuditLog;
    expect(log.edges.map((e: { node: { action: string } }) => e.node.action)).toEqual(['WITHDRAW']);
  });

  it('the withdrawal moves the D-6 compliance figure: a deputy below the minimum again', async () => {
    const first = await record(deputyA, '2026-05-01');
    const second = await record(deputyA, '2026-05-02');
    const before = await figures();
    await ok(sg, withdrawMutation, { id: second, v: 1, r: '重复录入' }, staff);
    await ok(sg, withdrawMutation, { id: first, v: 1, r: '重复录入' }, staff);
    const after = await figures();
    expect(after.voterContacts).toBe(before.voterContacts - 2);
    // 甲 had 3 voter contacts (compliant), now 1.
    expect(after.compliant).toBe(before.compliant - 1);
  });

  it('a duty report the voters evaluated (D-15) is frozen, and the refusal says why', async () => {
    const report = await record(deputyA, '2026-05-10', 'DUTY_REPORT');
    await ok(
      sg,
      `mutation($id: ID!) { recordDutyReportEvaluation(contactId: $id, tally: { satisfied: 8, basicallySatisfied: 2, dissatisfied: 1 }) { id } }`,
      { id: report },
      staff,
    );
    const refused = await fails(sg, 'CONFLICT', withdrawMutation, { id: report, v: 2, r: '撤回述职' }, staff);
    expect(refused.message).toMatch(/evaluated/);
    await fails(sg, 'CONFLICT', correctMutation, { id: report, v: 2, i: { summary: '改' }, r: '更正述职' }, staff);
  });

  it('the change feed sees the corrected contact as it now is', async () => {
    const feed = `query($since: DateTime!) { contactChanges(regionCode: "430181", updatedSince: $since, first: 100) {
      highWaterMark edges { id node { summary version } } } }`;
    const id = await record(deputyB, '2026-05-20');
    const since = (await ok(sg, feed, { since: '2000-01-01T00:00:00Z' }, staff)).contactChanges.highWaterMark as string;
    await ok(sg, correctMutation, { id, v: 1, i: { summary: '更正后的摘要' }, r: '摘要有误' }, staff);
    const edges = (await ok(sg, feed, { since }, staff)).contactChanges.edges as { id: string; node: unknown }[];
    expect(edges.find((e) => e.id === id)?.node).toEqual({ summary: '更正后的摘要', version: 2 });
  });

  it('an unknown contact is NOT_FOUND', async () => {
    await fails(
      sg,
      'NOT_FOUND',
      withdrawMutation,
      { id: '01900000-0000-7000-8000-00000000dead', v: 1, r: '不存在' },
      staff,
    );
  });
});

describe('updateDeputy with a version and a reason', () => {
  const update = `mutation($id: ID!, $i: UpdateDeputyInput!, $v: Int, $r: String) {
    updateDeputy(id: $id, input: $i, version: $v, reason: $r) { workUnit version } }`;

  it('a stale version is CONFLICT; with a reason the change is audited; without, it still bumps the version', async () => {
    const version = (await ok(sg, `query($id: ID!) { deputy(id: $id) { version } }`, { id: deputyA }, admin)).deputy
      .version as number;
    const first = await ok(sg, update, { id: deputyA, i: { workUnit: '浏阳市永安镇政府' }, v: version }, staff);
    expect(first.updateDeputy.version).toBe(version + 1);
    await fails(sg, 'CONFLICT', update, { id: deputyA, i: { workUnit: '过时' }, v: version }, staff);
    const corrected = await ok(
      sg,
      update,
      { id: deputyA, i: { workUnit: '浏阳市永安镇人民政府' }, v: version + 1, r: '单位名称有误' },
      staff,
    );
    expect(corrected.updateDeputy).toEqual({ workUnit: '浏阳市永安镇人民政府', version: version + 2 });
    const log = (await ok(sg, auditQuery, { code: '430181', entity: 'Deputy', entityId: deputyA }, staff))
      .deputiesAuditLog;
    expect(log.edges.map((e: { node: unknown }) => e.node)).toEqual([
      expect.objectContaining({
        action: 'CORRECT',
        version: version + 2,
        reason: '单位名称有误',
        changes: [{ field: 'workUnit', from: '浏阳市永安镇政府', to: '浏阳市永安镇人民政府' }],
      }),
    ]);
    // Without a version the old contract holds.
    const plain = await ok(sg, update, { id: deputyA, i: { position: '镇长' } }, staff);
    expect(plain.updateDeputy.version).toBe(version + 3);
  });
});

describe('the audit log', () => {
  it('is read by staff and analysts of the subtree, not by a deputy nor staff elsewhere', async () => {
    const analyst = await tokens.analyst('4301');
    const log = (await ok(sg, auditQuery, { code: '4301', first: 2 }, analyst)).deputiesAuditLog;
    expect(log.edges).toHaveLength(2);
    expect(log.totalCount).toBeGreaterThan(2);
    await fails(sg, 'FORBIDDEN', auditQuery, { code: '430181' }, await tokens.deputy('430181', deputyA));
    await fails(sg, 'FORBIDDEN', auditQuery, { code: '430181' }, await tokens.staff('430602'));
    await fails(sg, 'UNAUTHENTICATED', auditQuery, { code: '430181' });
  });
});

// ---- D-8 standing-committee meeting attendance ----

const attendFields = 'id version status leaveReason member { id }';
const meetingMutation = `mutation($i: CreateCommitteeMeetingInput!) { createCommitteeMeeting(input: $i) { id } }`;
const attendMutation = `mutation($i: RecordCommitteeAttendanceInput!) { recordCommitteeAttendance(input: $i) { ${attendFields} } }`;
const correctAttendance = `mutation($id: ID!, $v: Int!, $i: CorrectCommitteeAttendanceInput!, $r: String!) {
  correctCommitteeAttendance(id: $id, version: $v, input: $i, reason: $r) { ${attendFields} } }`;
const withdrawAttendance = `mutation($id: ID!, $v: Int!, $r: String!) {
  withdrawCommitteeAttendance(id: $id, version: $v, reason: $r) { ${attendFields} } }`;
const memberQuery = `query($id: ID!) {
  congress(id: $id) {
    committeeMeetings(year: 2026) { id attendance { ${attendFields} } }
    committeeMembersToResign(year: 2026) { id meetingAbsences(year: 2026) points(year: 2026) { lines { item count } } }
  } }`;

let meetingSeq = 0;
/** A member of the congress's standing committee absent without leave from two meetings (D-8: asked to resign). */
async function absentTwice(): Promise<{ member: string; rows: { id: string; version: number }[] }> {
  meetingSeq += 1;
  const member = (
    await ok(
      sg,
      `mutation($i: CreateCommitteeMemberInput!) { createCommitteeMember(input: $i) { id } }`,
      { i: { congressId, name: `委员${meetingSeq}`, role: 'MEMBER', fullTime: false } },
      admin,
    )
  ).createCommitteeMember.id as string;
  const rows = [];
  for (const heldOn of ['2026-02-26', '2026-04-28']) {
    const meeting = (
      await ok(sg, meetingMutation, { i: { congressId, heldOn, title: `常委会第${meetingSeq}次会议` } }, staff)
    ).createCommitteeMeeting.id;
    const row = (await ok(sg, attendMutation, { i: { meetingId: meeting, memberId: member, status: 'ABSENT' } }, staff))
      .recordCommitteeAttendance;
    rows.push(row);
  }
  return { member, rows };
}

async function standing(member: string): Promise<{ toResign: boolean; absent: number | null; listed: string[] }> {
  const data = (await ok(sg, memberQuery, { id: congressId }, staff)).congress;
  const entry = data.committeeMembersToResign.find((m: { id: string }) => m.id === member);
  const absent = entry?.points.lines.find((l: { item: string }) => l.item === 'MEETING_ABSENT_WITHOUT_LEAVE')?.count;
  return {
    toResign: !!entry,
    absent: entry ? entry.meetingAbsences : null,
    listed: data.committeeMeetings.flatMap((m: { attendance: { id: string }[] }) => m.attendance.map((a) => a.id)),
    ...(absent === undefined ? {} : { pointsAbsent: absent }),
  };
}

describe('corrections of committee meeting attendance (D-8, issue 9)', () => {
  it('D-8: an absence recorded by mistake is corrected to EXCUSED: the member leaves the list to resign; one audit entry', async () => {
    const { member, rows } = await absentTwice();
    expect(await standing(member)).toMatchObject({ toResign: true, absent: 2, pointsAbsent: 2 });
    const fixed = (
      await ok(
        sg,
        correctAttendance,
        { id: rows[1]!.id, v: 1, i: { status: 'EXCUSED', leaveReason: '因公出差' }, r: '请假条漏登' },
        staff,
      )
    ).correctCommitteeAttendance;
    expect(fixed).toMatchObject({ version: 2, status: 'EXCUSED', leaveReason: '因公出差', member: { id: member } });
    expect((await standing(member)).toResign).toBe(false);
    const log = (
      await ok(sg, auditQuery, { code: '430181', entity: 'CommitteeMeetingAttendance', entityId: rows[1]!.id }, staff)
    ).deputiesAuditLog;
    expect(log.totalCount).toBe(1);
    expect(log.edges[0].node).toMatchObject({
      action: 'CORRECT',
      version: 2,
      reason: '请假条漏登',
      actor: { role: 'STAFF' },
      changes: [
        { field: 'status', from: 'ABSENT', to: 'EXCUSED' },
        { field: 'leaveReason', from: null, to: '因公出差' },
      ],
    });
  });

  it('D-8: a stale version is CONFLICT, no reason and EXCUSED without a reason BAD_USER_INPUT, other regions FORBIDDEN; nothing changes', async () => {
    const { member, rows } = await absentTwice();
    const id = rows[0]!.id;
    await ok(sg, correctAttendance, { id, v: 1, i: { status: 'PRESENT' }, r: '实际出席' }, staff);
    await fails(sg, 'CONFLICT', correctAttendance, { id, v: 1, i: { status: 'ABSENT' }, r: '再改' }, staff);
    await fails(sg, 'BAD_USER_INPUT', correctAttendance, { id, v: 2, i: { status: 'ABSENT' }, r: ' ' }, staff);
    await fails(sg, 'BAD_USER_INPUT', correctAttendance, { id, v: 2, i: { status: 'EXCUSED' }, r: '改为请假' }, staff);
    for (const token of [
      await tokens.staff('430602'),
      await tokens.analyst('430181'),
      await tokens.deputy('430181', deputyA),
    ]) {
      await fails(sg, 'FORBIDDEN', correctAttendance, { id, v: 2, i: { status: 'ABSENT' }, r: '越权更正' }, token);
      await fails(sg, 'FORBIDDEN', withdrawAttendance, { id, v: 2, r: '越权撤回' }, token);
    }
    const data = (await ok(sg, memberQuery, { id: congressId }, staff)).congress;
    const row = data.committeeMeetings
      .flatMap((m: { attendance: unknown[] }) => m.attendance)
      .find((a: any) => a.id === id);
    expect(row).toMatchObject({ version: 2, status: 'PRESENT' });
    expect((await standing(member)).toResign).toBe(false);
  });

  it('D-8: an attendance row entered by mistake is withdrawn: it leaves the meeting, the absences and the points', async () => {
    const { member, rows } = await absentTwice();
    const before = await standing(member);
    expect(before).toMatchObject({ toResign: true, absent: 2, pointsAbsent: 2 });
    expect(before.listed).toContain(rows[0]!.id);
    const gone = (await ok(sg, withdrawAttendance, { id: rows[0]!.id, v: 1, r: '该委员不在本次会议名单' }, staff))
      .withdrawCommitteeAttendance;
    expect(gone.version).toBe(2);
    const after = await standing(member);
    expect(after.toResign).toBe(false);
    const memberFigures = (
      await ok(
        sg,
        `query($id: ID!) { committeeMember(id: $id) { meetingAbsences(year: 2026) points(year: 2026) { lines { item count } } } }`,
        { id: member },
        staff,
      )
    ).committeeMember;
    expect(memberFigures.meetingAbsences).toBe(1);
    expect(memberFigures.points.lines).toContainEqual({ item: 'MEETING_ABSENT_WITHOUT_LEAVE', count: 1 });
    expect(after.listed).not.toContain(rows[0]!.id);
    await fails(sg, 'CONFLICT', withdrawAttendance, { id: rows[0]!.id, v: 2, r: '再次撤回' }, staff);
    await fails(
      sg,
      'CONFLICT',
      correctAttendance,
      { id: rows[0]!.id, v: 2, i: { status: 'PRESENT' }, r: '撤回后更正' },
      staff,
    );
    const log = (
      await ok(sg, auditQuery, { code: '430181', entity: 'CommitteeMeetingAttendance', entityId: rows[0]!.id }, staff)
    ).deputiesAuditLog;
    expect(log.edges[0].node).toMatchObject({ action: 'WITHDRAW', version: 2, reason: '该委员不在本次会议名单' });
  });
});
