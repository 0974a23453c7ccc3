import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Knex } from '@mikro-orm/postgresql';
import { startTestServices, type TestStack } from '@renda/testing/services';
import { tokens } from '@renda/testing/tokens';
import { fails, ok } from '@renda/testing/graphql';
import { deputiesService } from '../src/server.ts';
import {
  createCongress,
  createDeputy,
  createGroup,
  createRegions,
  createSession,
  subgraphOf,
  unknownId,
} from './fixtures.ts';

/**
 * 更正 with a trail (issue 9) for a deputy's session attendance (D-8) and a group's yearly check (D-14): a version
 * (stale CONFLICT), a reason (else BAD_USER_INPUT), one audit entry, STAFF/ADMIN of the region; a withdrawn row is
 * frozen. D-8 follows a corrected absence: a second ABSENT terminates the mandate, and correcting away the absence
 * whose count terminated it restores the mandate, while the mandate is still as the absences ended it.
 */
let stack: TestStack;
let sg: ReturnType<typeof subgraphOf>;
let admin: string;
let staff: string;
let knex: Knex;
let congress: string;
let sessions: [string, string, string];

const fields = 'id version status leaveReason withdrawnAt deputy { id status statusReason }';
const RECORD = `mutation($i: RecordAttendanceInput!) { recordAttendance(input: $i) { ${fields} } }`;
const CORRECT = `mutation($id: ID!, $v: Int!, $i: CorrectSessionAttendanceInput!, $r: String!) {
  correctSessionAttendance(id: $id, version: $v, input: $i, reason: $r) { ${fields} } }`;
const WITHDRAW = `mutation($id: ID!, $v: Int!, $r: String!) {
  withdrawSessionAttendance(id: $id, version: $v, reason: $r) { ${fields} } }`;
const AUDIT = `query($code: String!, $entity: String, $entityId: ID) {
  deputiesAuditLog(regionCode: $code, entity: $entity, entityId: $entityId) {
    totalCount edges { node { entity entityId action version reason actor { role } changes { field from to } } } } }`;
const DUTY = `query($id: ID!) { deputy(id: $id) { status
  y24: duty(year: 2024) { sessionsAbsentWithoutLeave } y25: duty(year: 2025) { sessionsAbsentWithoutLeave }
  y26: duty(year: 2026) { sessionsAbsentWithoutLeave } } }`;

interface Row {
  id: string;
  version: number;
  status: string;
  leaveReason: string | null;
  withdrawnAt: string | null;
  deputy: { id: string; status: string; statusReason: string | null };
}

async function record(deputyId: string, session: number, status: string): Promise<Row> {
  return (await ok(sg, RECORD, { i: { sessionId: sessions[session], deputyId, status } }, staff)).recordAttendance;
}

async function audit(entity: string, entityId: string) {
  return (await ok(sg, AUDIT, { code: '430181', entity, entityId }, admin)).deputiesAuditLog;
}

async function mandate(id: string): Promise<{ status: string; mandate_ends_on: string | null; version: number }> {
  const { rows } = await knex.raw(
    `select status, mandate_ends_on::text as mandate_ends_on, version from deputies.deputies where id = ?`,
    [id],
  );
  return rows[0];
}

async function events(id: string): Promise<[string, unknown][]> {
  const { rows } = await knex.raw(`select type, data from deputies.outbox_events where aggregate_id = ? order by id`, [
    id,
  ]);
  return rows.map((r: { type: string; data: { rule?: string } }) => [r.type, r.data.rule]);
}

async function activeCount(): Promise<number> {
  return (await ok(sg, `query($id: ID!) { congress(id: $id) { activeDeputyCount } }`, { id: congress })).congress
    .activeDeputyCount;
}

async function attendanceOf(session: number): Promise<string[]> {
  const data = await ok(
    sg,
    `query($id: ID!) { congress(id: $id) { sessions { id attendance { id } } } }`,
    {
      id: congress,
    },
    admin,
  );
  const found = (data.congress.sessions as { id: string; attendance: { id: string }[] }[]).find(
    (s) => s.id === sessions[session],
  )!;
  return found.attendance.map((a) => a.id);
}

beforeAll(async () => {
  stack = await startTestServices([deputiesService], { now: '2026-06-15T02:00:00Z' });
  sg = subgraphOf(stack);
  admin = await tokens.admin();
  staff = await tokens.staff('430181');
  knex = stack.services.deputies!.orm.em.getConnection().getKnex();
  await createRegions(sg, admin);
  congress = await createCongress(sg, admin, {
    regionCode: '430181',
    termNumber: 18,
    name: '浏阳市第十八届人民代表大会',
    startsOn: '2024-01-10',
    endsOn: '2029-01-09',
  });
  sessions = [
    await createSession(sg, admin, congress, 1, '2024-01-10', '2024-01-12'),
    await createSession(sg, admin, congress, 2, '2025-01-10', '2025-01-12'),
    await createSession(sg, admin, congress, 3, '2026-01-10', '2026-01-12'),
  ];
});
afterAll(() => stack?.stop());

describe('corrections of session attendance (D-8, issue 9)', () => {
  it('D-8: a correction names the row by its session and deputy as well as by its id; half a name or both names BAD_USER_INPUT, an unknown pair NOT_FOUND; nothing changes', async () => {
    const id = await createDeputy(sg, admin, { congressId: congress, regionCode: '430181', name: '按会次更正代表' });
    const row = await record(id, 0, 'PRESENT');
    const BY_PAIR = `mutation($s: ID, $d: ID, $id: ID, $v: Int!, $i: CorrectSessionAttendanceInput!, $r: String!) {
      correctSessionAttendance(sessionId: $s, deputyId: $d, id: $id, version: $v, input: $i, reason: $r) { ${fields} } }`;
    const WITHDRAW_BY_PAIR = `mutation($s: ID, $d: ID, $v: Int!, $r: String!) {
      withdrawSessionAttendance(sessionId: $s, deputyId: $d, version: $v, reason: $r) { ${fields} } }`;
    const input = { s: sessions[0], d: id, v: 1, i: { status: 'ABSENT' }, r: '实为缺席，录入有误' };

    await fails(sg, 'BAD_USER_INPUT', BY_PAIR, { ...input, d: null }, staff, 'deputyId');
    await fails(sg, 'BAD_USER_INPUT', BY_PAIR, { ...input, s: null }, staff, 'sessionId');
    await fails(sg, 'BAD_USER_INPUT', BY_PAIR, { ...input, id: row.id }, staff, 'id');
    await fails(sg, 'BAD_USER_INPUT', BY_PAIR, { ...input, s: null, d: null }, staff);
    await fails(sg, 'NOT_FOUND', BY_PAIR, { ...input, d: unknownId }, staff);
    await fails(sg, 'NOT_FOUND', BY_PAIR, { ...input, s: sessions[1] }, staff);
    expect(await audit('SessionAttendance', row.id)).toMatchObject({ totalCount: 0 });

    const corrected = (await ok(sg, BY_PAIR, input, staff)).correctSessionAttendance as Row;
    expect(corrected).toMatchObject({ id: row.id, version: 2, status: 'ABSENT' });
    const log = await audit('SessionAttendance', row.id);
    expect(log.totalCount).toBe(1);
    expect(log.edges[0].node.changes).toEqual([{ field: 'status', from: 'PRESENT', to: 'ABSENT' }]);

    const withdrawn = (await ok(sg, WITHDRAW_BY_PAIR, { s: sessions[0], d: id, v: 2, r: '重复录入' }, staff))
      .withdrawSessionAttendance as Row;
    expect(withdrawn).toMatchObject({ id: row.id, version: 3 });
    expect(withdrawn.withdrawnAt).not.toBeNull();
    expect(await attendanceOf(0)).not.toContain(row.id);
  });

  it('D-8: the absence that terminated a mandate, corrected to EXCUSED, restores the mandate; one audit entry holds both changes', async () => {
    const id = await createDeputy(sg, admin, { congressId: congress, regionCode: '430181', name: '误记代表' });
    const active = await activeCount();
    await record(id, 0, 'ABSENT');
    const second = await record(id, 1, 'ABSENT');
    expect(second.deputy.status).toBe('TERMINATED');
    expect(await activeCount()).toBe(active - 1);

    const corrected = (
      await ok(
        sg,
        CORRECT,
        { id: second.id, v: 1, i: { status: 'EXCUSED', leaveReason: '病假' }, r: '实为请假，录入有误' },
        staff,
      )
    ).correctSessionAttendance as Row;
    expect(corrected).toMatchObject({
      id: second.id,
      version: 2,
      status: 'EXCUSED',
      leaveReason: '病假',
      withdrawnAt: null,
      deputy: { id, status: 'ACTIVE', statusReason: null },
    });
    expect(await mandate(id)).toMatchObject({ status: 'ACTIVE', mandate_ends_on: null });
    // The figures that follow: the active deputies and the duty archive (D-11; the points count the same rows).
    expect(await activeCount()).toBe(active);
    expect((await ok(sg, DUTY, { id }, admin)).deputy).toEqual({
      status: 'ACTIVE',
      y24: { sessionsAbsentWithoutLeave: 1 },
      y25: { sessionsAbsentWithoutLeave: 0 },
      y26: { sessionsAbsentWithoutLeave: 0 },
    });

    const log = await audit('SessionAttendance', second.id);
    expect(log.totalCount).toBe(1);
    expect(log.edges[0].node).toMatchObject({
      entity: 'SessionAttendance',
      entityId: second.id,
      action: 'CORRECT',
      version: 2,
      reason: '实为请假，录入有误',
      actor: { role: 'STAFF' },
    });
    expect(log.edges[0].node.changes).toEqual([
      { field: 'status', from: 'ABSENT', to: 'EXCUSED' },
      { field: 'leaveReason', from: null, to: '病假' },
      { field: 'endedMandate', from: 'true', to: 'false' },
      { field: 'deputy.status', from: 'TERMINATED', to: 'ACTIVE' },
      { field: 'deputy.statusReason', from: expect.stringMatching(/^Absent without approval from 2/), to: null },
      { field: 'deputy.mandateEndsOn', from: '2025-01-10', to: null },
    ]);
    expect(await events(id)).toEqual([
      ['mandate.started', undefined],
      ['mandate.ended', 'D-8'],
      ['mandate.restored', 'D-8'],
    ]);
  });

  it('D-8: corrected to a second ABSENT, the mandate is terminated as recording does; correcting the other absence away restores it', async () => {
    const id = await createDeputy(sg, admin, { congressId: congress, regionCode: '430181', name: '补记代表' });
    const first = await record(id, 0, 'ABSENT');
    const second = await record(id, 1, 'PRESENT');
    const ended = (
      await ok(sg, CORRECT, { id: second.id, v: 1, i: { status: 'ABSENT' }, r: '签到表核对为缺席' }, staff)
    ).correctSessionAttendance as Row;
    expect(ended.deputy.status).toBe('TERMINATED');
    expect(ended.deputy.statusReason).toMatch(/2 sessions/);
    expect(await mandate(id)).toMatchObject({ status: 'TERMINATED', mandate_ends_on: '2025-01-10' });
    expect(await events(id)).toEqual([
      ['mandate.started', undefined],
      ['mandate.ended', 'D-8'],
    ]);
    const endedLog = (await audit('SessionAttendance', second.id)).edges[0].node.changes;
    expect(endedLog).toContainEqual({ field: 'deputy.status', from: 'ACTIVE', to: 'TERMINATED' });

    const restored = (
      await ok(sg, CORRECT, { id: first.id, v: 1, i: { status: 'PRESENT' }, r: '核对签到表，实际出席' }, admin)
    ).correctSessionAttendance as Row;
    expect(restored.deputy.status).toBe('ACTIVE');
    expect(await mandate(id)).toMatchObject({ status: 'ACTIVE', mandate_ends_on: null });
    expect((await audit('SessionAttendance', first.id)).edges[0].node.changes).toContainEqual({
      field: 'deputy.status',
      from: 'TERMINATED',
      to: 'ACTIVE',
    });
    // The mark moved off the other row: correcting it to PRESENT now changes attendance only.
    const again = (await ok(sg, CORRECT, { id: second.id, v: 2, i: { status: 'PRESENT' }, r: '再次核对' }, admin))
      .correctSessionAttendance as Row;
    expect(again.deputy.status).toBe('ACTIVE');
    expect((await events(id)).map((e) => e[0])).toEqual(['mandate.started', 'mandate.ended', 'mandate.restored']);
  });

  it('D-8: a withdrawn absence leaves the attendance and the figures; with two absences left the mandate stays ended, at the later session', async () => {
    const id = await createDeputy(sg, admin, { congressId: congress, regionCode: '430181', name: '三次缺席' });
    await record(id, 0, 'ABSENT');
    const second = await record(id, 1, 'ABSENT');
    const third = await record(id, 2, 'ABSENT');
    expect(await mandate(id)).toMatchObject({ status: 'TERMINATED', mandate_ends_on: '2025-01-10' });

    const withdrawn = (await ok(sg, WITHDRAW, { id: second.id, v: 1, r: '该代表未列入本次会议名单' }, staff))
      .withdrawSessionAttendance as Row;
    expect(withdrawn.withdrawnAt).not.toBeNull();
    expect(withdrawn.version).toBe(2);
    expect(withdrawn.deputy.status).toBe('TERMINATED');
    expect(await mandate(id)).toMatchObject({ status: 'TERMINATED', mandate_ends_on: '2026-01-10' });
    expect(await attendanceOf(1)).not.toContain(second.id);
    expect((await ok(sg, DUTY, { id }, admin)).deputy.y25.sessionsAbsentWithoutLeave).toBe(0);
    const log = (await audit('SessionAttendance', second.id)).edges[0].node;
    expect(log.action).toBe('WITHDRAW');
    expect(log.changes).toContainEqual({ field: 'deputy.mandateEndsOn', from: '2025-01-10', to: '2026-01-10' });

    // The termination now rests on the third absence: withdrawing it restores the mandate.
    const restored = (await ok(sg, WITHDRAW, { id: third.id, v: 1, r: '重复录入' }, staff)).withdrawSessionAttendance;
    expect(restored.deputy.status).toBe('ACTIVE');
    expect(await mandate(id)).toMatchObject({ status: 'ACTIVE', mandate_ends_on: null });
  });

  it('D-8: a stale version is CONFLICT, no reason BAD_USER_INPUT, other roles FORBIDDEN, a withdrawn row frozen; nothing changes', async () => {
    const id = await createDeputy(sg, admin, { congressId: congress, regionCode: '430181', name: '拒绝代表' });
    await record(id, 0, 'ABSENT');
    const row = await record(id, 1, 'ABSENT');
    const before = await mandate(id);
    const input = { id: row.id, v: 1, i: { status: 'PRESENT' }, r: '核对有误' };
    await fails(sg, 'CONFLICT', CORRECT, { ...input, v: 2 }, staff);
    await fails(sg, 'CONFLICT', WITHDRAW, { id: row.id, v: 3, r: '核对有误' }, staff);
    await fails(sg, 'BAD_USER_INPUT', CORRECT, { ...input, r: ' ' }, staff, 'reason');
    await fails(sg, 'BAD_USER_INPUT', WITHDRAW, { id: row.id, v: 1, r: '' }, staff, 'reason');
    await fails(sg, 'BAD_USER_INPUT', CORRECT, { ...input, i: { leaveReason: '病假' } }, staff, 'input.leaveReason');
    await fails(sg, 'UNAUTHENTICATED', CORRECT, input);
    await fails(sg, 'FORBIDDEN', CORRECT, input, await tokens.staff('4306'));
    await fails(sg, 'FORBIDDEN', CORRECT, input, await tokens.analyst('430181'));
    await fails(sg, 'FORBIDDEN', WITHDRAW, { id: row.id, v: 1, r: '核对有误' }, await tokens.deputy('430181', id));
    await fails(sg, 'NOT_FOUND', CORRECT, { ...input, id: unknownId }, staff);
    expect(await mandate(id)).toEqual(before);
    expect((await audit('SessionAttendance', row.id)).totalCount).toBe(0);

    // Recording again over the absence that terminated the mandate would restore nothing: refused, pointing here.
    const refused = await fails(
      sg,
      'CONFLICT',
      RECORD,
      { i: { sessionId: sessions[1], deputyId: id, status: 'PRESENT' } },
      staff,
    );
    expect(refused.message).toMatch(/correctSessionAttendance/);

    const first = (
      await ok(
        sg,
        `query($id: ID!) { congress(id: $id) { sessions { attendance { id version deputy { id } } } } }`,
        { id: congress },
        admin,
      )
    ).congress.sessions[0].attendance.find((a: { deputy: { id: string } }) => a.deputy.id === id);
    await ok(sg, WITHDRAW, { id: first.id, v: first.version, r: '录入错误' }, staff);
    const frozen = await fails(
      sg,
      'CONFLICT',
      CORRECT,
      { id: first.id, v: 2, i: { status: 'ABSENT' }, r: '再改' },
      staff,
    );
    expect(frozen.message).toMatch(/withdrawn/);
    await fails(sg, 'CONFLICT', WITHDRAW, { id: first.id, v: 2, r: '再撤' }, staff);
  });

  it('D-8: a mandate no longer as the absences ended it is not restored: CONFLICT saying why; one ended otherwise is left alone', async () => {
    const id = await createDeputy(sg, admin, { congressId: congress, regionCode: '430181', name: '罢免代表' });
    await record(id, 0, 'ABSENT');
    const row = await record(id, 1, 'ABSENT');
    // Something other than the absences has since ended the mandate (an older writer, by hand in the database).
    await knex.raw(`update deputies.deputies set status = 'RECALLED', status_reason = '罢免' where id = ?`, [id]);
    const refused = await fails(
      sg,
      'CONFLICT',
      CORRECT,
      { id: row.id, v: 1, i: { status: 'PRESENT' }, r: '核对有误' },
      staff,
    );
    expect(refused.message).toMatch(/RECALLED/);
    expect((await mandate(id)).status).toBe('RECALLED');
    expect((await audit('SessionAttendance', row.id)).totalCount).toBe(0);

    // A mandate that ended otherwise before any absence counted: the attendance is corrected, the mandate stays.
    const resigned = await createDeputy(sg, admin, { congressId: congress, regionCode: '430181', name: '辞职代表' });
    await ok(
      sg,
      'mutation($id: ID!) { endMandate(id: $id, status: RESIGNED, reason: "辞职") { status } }',
      { id: resigned },
      admin,
    );
    await record(resigned, 0, 'ABSENT');
    const late = await record(resigned, 1, 'ABSENT');
    expect(late.deputy.status).toBe('RESIGNED');
    const corrected = (await ok(sg, CORRECT, { id: late.id, v: 1, i: { status: 'PRESENT' }, r: '核对有误' }, staff))
      .correctSessionAttendance as Row;
    expect(corrected.deputy.status).toBe('RESIGNED');
    expect((await audit('SessionAttendance', late.id)).edges[0].node.changes).toEqual([
      { field: 'status', from: 'ABSENT', to: 'PRESENT' },
    ]);
  });
});

describe('corrections of group reviews (D-14, issue 9)', () => {
  const REVIEW = `mutation($g: ID!, $y: Int!, $c: String!) { reviewGroup(groupId: $g, year: $y, comment: $c) { id } }`;
  const CORRECT_REVIEW = `mutation($g: ID!, $y: Int!, $v: Int!, $c: String!, $r: String!) {
    correctGroupReview(groupId: $g, year: $y, version: $v, comment: $c, reason: $r) { id activity(year: $y) { review { comment version } } } }`;
  const READ = `query($id: ID!, $y: Int!) { _entities(representations: [{ __typename: "DeputyGroup", id: $id }]) {
    ... on DeputyGroup { activity(year: $y) { review { year comment version } } } } }`;

  it('D-14: a group year is checked once; checking again is CONFLICT pointing to correctGroupReview, which keeps the old comment in the audit log', async () => {
    const group = await createGroup(sg, admin, '430181', '第一代表小组');
    await ok(sg, REVIEW, { g: group, y: 2025, c: '活动较少' }, staff);
    const again = await fails(sg, 'CONFLICT', REVIEW, { g: group, y: 2025, c: '活动经常' }, staff);
    expect(again.message).toMatch(/correctGroupReview/);
    const read = async () => (await ok(sg, READ, { id: group, y: 2025 }, admin))._entities[0].activity.review;
    expect(await read()).toEqual({ year: 2025, comment: '活动较少', version: 1 });

    const data = await ok(
      sg,
      CORRECT_REVIEW,
      { g: group, y: 2025, v: 1, c: '活动经常，建议围绕民生实事', r: '评语录错' },
      staff,
    );
    expect(data.correctGroupReview.activity.review).toEqual({ comment: '活动经常，建议围绕民生实事', version: 2 });
    const log = await audit('GroupReview', `${group}:2025`);
    expect(log.totalCount).toBe(1);
    expect(log.edges[0].node).toMatchObject({
      action: 'CORRECT',
      version: 2,
      reason: '评语录错',
      changes: [{ field: 'comment', from: '活动较少', to: '活动经常，建议围绕民生实事' }],
    });
  });

  it('D-14: a stale version is CONFLICT, no reason or comment BAD_USER_INPUT, an unchecked year NOT_FOUND, other roles FORBIDDEN; nothing changes', async () => {
    const group = await createGroup(sg, admin, '430181', '第二代表小组');
    await ok(sg, REVIEW, { g: group, y: 2026, c: '按计划开展' }, staff);
    const vars = { g: group, y: 2026, v: 1, c: '改正', r: '评语录错' };
    await fails(sg, 'CONFLICT', CORRECT_REVIEW, { ...vars, v: 2 }, staff);
    await fails(sg, 'BAD_USER_INPUT', CORRECT_REVIEW, { ...vars, r: 'x' }, staff, 'reason');
    await fails(sg, 'BAD_USER_INPUT', CORRECT_REVIEW, { ...vars, c: ' ' }, staff, 'comment');
    await fails(sg, 'BAD_USER_INPUT', CORRECT_REVIEW, { ...vars, c: '按计划开展' }, staff, 'input');
    await fails(sg, 'NOT_FOUND', CORRECT_REVIEW, { ...vars, y: 2024 }, staff, 'year');
    await fails(sg, 'NOT_FOUND', CORRECT_REVIEW, { ...vars, g: unknownId }, staff, 'groupId');
    await fails(sg, 'UNAUTHENTICATED', CORRECT_REVIEW, vars);
    await fails(sg, 'FORBIDDEN', CORRECT_REVIEW, vars, await tokens.staff('4306'));
    await fails(sg, 'FORBIDDEN', CORRECT_REVIEW, vars, await tokens.analyst('430181'));
    expect((await ok(sg, READ, { id: group, y: 2026 }, admin))._entities[0].activity.review).toEqual({
      year: 2026,
      comment: '按计划开展',
      version: 1,
    });
    expect((await audit('GroupReview', `${group}:2026`)).totalCount).toBe(0);
  });
});
