import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fails, ok } from '@renda/testing/graphql';
import type { TestStack } from '@renda/testing/services';
import {
  handlerToken,
  makeTokens,
  makeUnits,
  registerCommittee,
  startStack,
  type Executor,
  type Tokens,
  type Units,
} from './support.ts';

let stack: TestStack;
let sg: Executor;
let deputies: Executor;
let t: Tokens;
let u: Units;

beforeAll(async () => {
  ({ stack, sg, deputies } = await startStack());
  t = await makeTokens();
  u = await makeUnits(sg, t.admin);
  // G-6: an appointment vote is checked against the standing committee's members (deputies subgraph).
  await registerCommittee(deputies, t.admin, '430181', 35);
});
afterAll(() => stack?.stop());

const D = 'id version title documentNumber publishedOn filedOn filingDueOn filedLate';
const FILE = `mutation($input: FileDocumentInput!) { fileDocument(input: $input) { ${D} } }`;
const CORRECT = `mutation($id: ID!, $version: Int!, $input: CorrectFiledDocumentInput!, $reason: String!) {
  correctFiledDocument(id: $id, version: $version, input: $input, reason: $reason) { ${D} } }`;
const WITHDRAW = `mutation($id: ID!, $version: Int!, $reason: String!) {
  withdrawFiledDocument(id: $id, version: $version, reason: $reason) { ${D} } }`;
const LIST = `query { filedDocuments(regionCode: "430181", year: 2026) { id } }`;
const STATS = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Region { supervisionStats(year: 2026) { documentsFiled filedLate } } } }`;
const AUDIT = `query($code: String!, $entity: String, $id: ID) { supervisionAuditLog(regionCode: $code, entity: $entity, entityId: $id) {
  totalCount edges { node { entity entityId regionCode action version actor { id role } reason changes { field from to } } } } }`;

let seq = 0;
async function file(publishedOn: string, filedOn: string): Promise<any> {
  seq += 1;
  const input = {
    title: `更正测试文件${seq}`,
    documentNumber: `浏政更〔2026〕${seq}号`,
    kind: 'NORMATIVE_DOCUMENT',
    issuerId: u.government,
    publishedOn,
    filedOn,
  };
  return (await ok(sg, FILE, { input }, t.staff)).fileDocument;
}

const stats = async () =>
  (await ok(sg, STATS, { r: [{ __typename: 'Region', code: '430181' }] }, t.staff))._entities[0].supervisionStats;
const listedIds = async () => (await ok(sg, LIST, {}, t.staff)).filedDocuments.map((d: { id: string }) => d.id);

describe('corrections of filed documents (G-2), with a trail', () => {
  it('G-2: a corrected filing date changes the record, its lateness and writes one audit entry', async () => {
    const doc = await file('2026-02-01', '2026-02-20');
    expect(doc).toMatchObject({ version: 1, filedLate: false });
    const fixed = (
      await ok(
        sg,
        CORRECT,
        { id: doc.id, version: 1, input: { filedOn: '2026-03-20' }, reason: '报备日期录入错误' },
        t.staff,
      )
    ).correctFiledDocument;
    expect(fixed).toMatchObject({ version: 2, filedOn: '2026-03-20', filingDueOn: '2026-03-03', filedLate: true });
    const log = (await ok(sg, AUDIT, { code: '430181', entity: 'FiledDocument', id: doc.id }, t.staff))
      .supervisionAuditLog;
    expect(log.totalCount).toBe(1);
    expect(log.edges[0].node).toMatchObject({
      entity: 'FiledDocument',
      entityId: doc.id,
      regionCode: '430181',
      action: 'CORRECT',
      version: 2,
      actor: { role: 'STAFF' },
      reason: '报备日期录入错误',
      changes: [{ field: 'filedOn', from: '2026-02-20', to: '2026-03-20' }],
    });
  });

  it('G-2: a stale version gets CONFLICT and changes nothing; no reason is BAD_USER_INPUT', async () => {
    const doc = await file('2026-02-02', '2026-02-10');
    await ok(sg, CORRECT, { id: doc.id, version: 1, input: { title: '新标题' }, reason: '标题错字' }, t.staff);
    await fails(
      sg,
      'CONFLICT',
      CORRECT,
      { id: doc.id, version: 1, input: { title: '又一个标题' }, reason: '再改' },
      t.staff,
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      CORRECT,
      { id: doc.id, version: 2, input: { title: '又一个标题' }, reason: ' ' },
      t.staff,
    );
    const log = (await ok(sg, AUDIT, { code: '430181', entity: 'FiledDocument', id: doc.id }, t.staff))
      .supervisionAuditLog;
    expect(log.totalCount).toBe(1);
    await fails(
      sg,
      'BAD_USER_INPUT',
      CORRECT,
      { id: doc.id, version: 2, input: { title: '新标题' }, reason: '无变化' },
      t.staff,
    );
  });

  it('G-2: only staff of the region correct or withdraw: analysts, deputies and other regions are FORBIDDEN', async () => {
    const doc = await file('2026-02-03', '2026-02-10');
    const vars = { id: doc.id, version: 1, input: { title: '越权更正' }, reason: '试图更正' };
    await fails(sg, 'FORBIDDEN', CORRECT, vars, t.analyst);
    await fails(sg, 'FORBIDDEN', CORRECT, vars, t.deputy);
    await fails(sg, 'FORBIDDEN', CORRECT, vars, t.staffOther);
    await fails(sg, 'FORBIDDEN', WITHDRAW, { id: doc.id, version: 1, reason: '试图撤回' }, t.staffOther);
    expect((await ok(sg, CORRECT, vars, t.staff)).correctFiledDocument.version).toBe(2);
  });

  it('G-2: a filing entered by mistake is withdrawn: it leaves the list and the late-filing figures', async () => {
    const doc = await file('2026-01-01', '2026-04-01');
    expect(doc.filedLate).toBe(true);
    const before = await stats();
    expect(await listedIds()).toContain(doc.id);
    const gone = (await ok(sg, WITHDRAW, { id: doc.id, version: 1, reason: '误录, 该文件未制定' }, t.staff))
      .withdrawFiledDocument;
    expect(gone.version).toBe(2);
    const after = await stats();
    expect(after.documentsFiled).toBe(before.documentsFiled - 1);
    expect(after.filedLate).toBe(before.filedLate - 1);
    expect(await listedIds()).not.toContain(doc.id);
    await fails(sg, 'CONFLICT', WITHDRAW, { id: doc.id, version: 2, reason: '再次撤回' }, t.staff);
    await fails(
      sg,
      'CONFLICT',
      CORRECT,
      { id: doc.id, version: 2, input: { title: '撤回后更正' }, reason: '更正' },
      t.staff,
    );
    const log = (await ok(sg, AUDIT, { code: '430181', entity: 'FiledDocument', id: doc.id }, t.staff))
      .supervisionAuditLog;
    expect(log.edges[0].node).toMatchObject({ action: 'WITHDRAW', reason: '误录, 该文件未制定' });
  });

  it('G-2: a withdrawn filing frees its document number: filed again correctly, once; a second live copy is refused', async () => {
    const doc = await file('2026-02-01', '2026-02-10');
    const input = {
      title: '重新报备的文件',
      documentNumber: doc.documentNumber,
      kind: 'NORMATIVE_DOCUMENT',
      issuerId: u.government,
      publishedOn: '2026-02-01',
      filedOn: '2026-02-12',
    };
    await fails(sg, 'CONFLICT', FILE, { input }, t.staff);
    await ok(sg, WITHDRAW, { id: doc.id, version: 1, reason: '误录文号对应的标题' }, t.staff);
    const again = (await ok(sg, FILE, { input }, t.staff)).fileDocument;
    expect(again.id).not.toBe(doc.id);
    expect(await listedIds()).toContain(again.id);
    await fails(sg, 'CONFLICT', FILE, { input: { ...input, title: '第三次' } }, t.staff);
    // The database holds the rule too: a second live row of the number is refused, the withdrawn one stays.
    const knex = stack.services.supervision!.orm.em.getConnection().getKnex();
    await expect(
      knex.raw(
        `insert into "supervision"."filed_documents" ("id", "title", "document_number", "kind", "issuer_id", "region_code", "published_on",
           "filed_on", "filing_due_on", "filed_late", "review_status") select gen_random_uuid(), 'x', "document_number", "kind", "issuer_id",
           "region_code", "published_on", "filed_on", "filing_due_on", "filed_late", 'PENDING' from "supervision"."filed_documents" where "id" = ?`,
        [again.id],
      ),
    ).rejects.toThrow(/filed_documents_issuer_id_document_number_unique/);
    const rows = await knex.raw(
      `select count(*)::int as n from "supervision"."filed_documents" where "document_number" = ?`,
      [doc.documentNumber],
    );
    expect(rows.rows[0].n).toBe(2);
  });

  it('the audit log is read by staff and analysts of the subtree, not by a deputy or another region', async () => {
    expect((await ok(sg, AUDIT, { code: '430181' }, t.analyst)).supervisionAuditLog.totalCount).toBeGreaterThan(0);
    expect((await ok(sg, AUDIT, { code: '43' }, t.admin)).supervisionAuditLog.totalCount).toBeGreaterThan(0);
    await fails(sg, 'FORBIDDEN', AUDIT, { code: '430181' }, t.deputy);
    await fails(sg, 'FORBIDDEN', AUDIT, { code: '430181' }, t.analystOther);
  });
});

// ---- G-5 列席 attendance ----

const A = 'id version meetingOn status leaveReason official { id }';
const RECORD = `mutation($input: AttendanceInput!) { recordMeetingAttendance(input: $input) { ${A} } }`;
const CORRECT_A = `mutation($id: ID!, $version: Int!, $input: CorrectAttendanceInput!, $reason: String!) {
  correctMeetingAttendance(id: $id, version: $version, input: $input, reason: $reason) { ${A} } }`;
const WITHDRAW_A = `mutation($id: ID!, $version: Int!, $reason: String!) {
  withdrawMeetingAttendance(id: $id, version: $version, reason: $reason) { ${A} } }`;
const ATTENDANCE = `query { attendance(regionCode: "430181", year: 2026) { ${A} }
  attendanceConnection(regionCode: "430181", year: 2026) { totalCount } }`;

/** An official appointed through the G-6 mutations (submitted, examined, voted on 2026-06-10). */
async function appointOfficial(): Promise<string> {
  seq += 1;
  const M = 'id official { id }';
  const submitted = (
    await ok(
      sg,
      `mutation($input: SubmitMotionInput!) { submitMotion(input: $input) { ${M} } }`,
      {
        input: {
          kind: 'APPOINT',
          nomineeName: `列席人${seq}`,
          position: `副局长${seq}`,
          unitId: u.transport,
          submittedBy: '浏阳市人民政府',
          submittedOn: '2026-06-01',
        },
      },
      t.staff,
    )
  ).submitMotion;
  await ok(
    sg,
    `mutation($id: ID!) { recordExam(motionId: $id, score: 80, statement: "供职发言") { id } }`,
    { id: submitted.id },
    t.staff,
  );
  const voted = await ok(
    sg,
    `mutation($id: ID!, $input: VoteTallyInput!) { recordMotionVote(motionId: $id, input: $input) { ${M} } }`,
    {
      id: submitted.id,
      input: { votesFor: 30, votesAgainst: 0, abstentions: 0, membersTotal: 35, votedOn: '2026-06-10' },
    },
    t.staff,
  );
  return voted.recordMotionVote.official.id;
}

async function attend(status: string, leaveReason?: string, meetingOn = '2026-06-13'): Promise<any> {
  const officialId = await appointOfficial();
  return (await ok(sg, RECORD, { input: { meetingOn, officialId, status, leaveReason } }, t.staff))
    .recordMeetingAttendance;
}

const attendance = async () => (await ok(sg, ATTENDANCE, {}, t.staff)) as any;

describe('corrections of meeting attendance (G-5), with a trail', () => {
  it('G-5: an attendance row recorded EXCUSED by mistake is corrected to PRESENT; its leave reason goes, one audit entry', async () => {
    const row = await attend('EXCUSED', '外出学习');
    expect(row).toMatchObject({ version: 1, status: 'EXCUSED', leaveReason: '外出学习' });
    const fixed = (
      await ok(
        sg,
        CORRECT_A,
        { id: row.id, version: 1, input: { status: 'PRESENT' }, reason: '实际到会, 登记错误' },
        t.staff,
      )
    ).correctMeetingAttendance;
    expect(fixed).toMatchObject({ version: 2, status: 'PRESENT', leaveReason: null });
    expect((await attendance()).attendance.find((a: any) => a.id === row.id)).toMatchObject({ status: 'PRESENT' });
    const log = (await ok(sg, AUDIT, { code: '430181', entity: 'MeetingAttendance', id: row.id }, t.staff))
      .supervisionAuditLog;
    expect(log.totalCount).toBe(1);
    expect(log.edges[0].node).toMatchObject({
      action: 'CORRECT',
      version: 2,
      actor: { role: 'STAFF' },
      reason: '实际到会, 登记错误',
      changes: [
        { field: 'status', from: 'EXCUSED', to: 'PRESENT' },
        { field: 'leaveReason', from: '外出学习', to: null },
      ],
    });
  });

  it('G-5: a stale version is CONFLICT, no reason and EXCUSED without a leave reason are BAD_USER_INPUT; nothing changes', async () => {
    const row = await attend('ABSENT');
    await ok(
      sg,
      CORRECT_A,
      { id: row.id, version: 1, input: { status: 'EXCUSED', leaveReason: '病假' }, reason: '补登请假' },
      t.staff,
    );
    await fails(
      sg,
      'CONFLICT',
      CORRECT_A,
      { id: row.id, version: 1, input: { status: 'PRESENT' }, reason: '再改' },
      t.staff,
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      CORRECT_A,
      { id: row.id, version: 2, input: { status: 'PRESENT' }, reason: '' },
      t.staff,
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      CORRECT_A,
      { id: row.id, version: 2, input: { leaveReason: ' ' }, reason: '删去请假理由' },
      t.staff,
      'input.leaveReason',
    );
    expect((await attendance()).attendance.find((a: any) => a.id === row.id)).toMatchObject({
      version: 2,
      status: 'EXCUSED',
      leaveReason: '病假',
    });
    const log = (await ok(sg, AUDIT, { code: '430181', entity: 'MeetingAttendance', id: row.id }, t.staff))
      .supervisionAuditLog;
    expect(log.totalCount).toBe(1);
  });

  it('G-5: only staff of the region correct or withdraw attendance: analysts, deputies and other regions are FORBIDDEN', async () => {
    const row = await attend('ABSENT');
    const vars = { id: row.id, version: 1, input: { status: 'PRESENT' }, reason: '越权更正' };
    await fails(sg, 'FORBIDDEN', CORRECT_A, vars, t.analyst);
    await fails(sg, 'FORBIDDEN', CORRECT_A, vars, t.deputy);
    await fails(sg, 'FORBIDDEN', CORRECT_A, vars, t.staffOther);
    await fails(sg, 'FORBIDDEN', WITHDRAW_A, { id: row.id, version: 1, reason: '越权撤回' }, t.staffOther);
    expect((await attendance()).attendance.find((a: any) => a.id === row.id)).toMatchObject({
      version: 1,
      status: 'ABSENT',
    });
  });

  it('G-5: an attendance row entered by mistake is withdrawn: it leaves the list and its count; recording again brings it back', async () => {
    const row = await attend('ABSENT', undefined, '2026-06-14');
    const before = await attendance();
    expect(before.attendance.map((a: any) => a.id)).toContain(row.id);
    const gone = (await ok(sg, WITHDRAW_A, { id: row.id, version: 1, reason: '该官员未被要求列席' }, t.staff))
      .withdrawMeetingAttendance;
    expect(gone.version).toBe(2);
    const after = await attendance();
    expect(after.attendanceConnection.totalCount).toBe(before.attendanceConnection.totalCount - 1);
    expect(after.attendance.map((a: any) => a.id)).not.toContain(row.id);
    await fails(
      sg,
      'CONFLICT',
      CORRECT_A,
      { id: row.id, version: 2, input: { status: 'PRESENT' }, reason: '撤回后更正' },
      t.staff,
    );
    await fails(sg, 'CONFLICT', WITHDRAW_A, { id: row.id, version: 2, reason: '再次撤回' }, t.staff);
    const log = (await ok(sg, AUDIT, { code: '430181', entity: 'MeetingAttendance', id: row.id }, t.staff))
      .supervisionAuditLog;
    expect(log.edges[0].node).toMatchObject({ action: 'WITHDRAW', version: 2, reason: '该官员未被要求列席' });
    const again = (
      await ok(
        sg,
        RECORD,
        { input: { meetingOn: '2026-06-14', officialId: row.official.id, status: 'PRESENT' } },
        t.staff,
      )
    ).recordMeetingAttendance;
    expect(again).toMatchObject({ id: row.id, version: 3, status: 'PRESENT' });
    expect((await attendance()).attendanceConnection.totalCount).toBe(before.attendanceConnection.totalCount);
  });
});

// ---- G-3 opinion items ----

const I = 'id version content dueOn status closedOn overdue';
const HEAR = 'mutation($input: HearReportInput!) { hearReport(input: $input) { id } }';
const ADD_ITEMS = `mutation($id: ID!, $items: [OpinionItemInput!]!) { addReportOpinions(reportId: $id, items: $items) { opinions { ${I} } } }`;
const CORRECT_I = `mutation($id: ID!, $version: Int!, $input: CorrectOpinionItemInput!, $reason: String!) {
  correctOpinionItem(id: $id, version: $version, input: $input, reason: $reason) { ${I} } }`;
const REPORT_I = `mutation($id: ID!, $on: Date!) { reportOpinionItem(itemId: $id, on: $on) { ${I} } }`;
const CLOSE_I = `mutation($id: ID!, $on: Date!) { closeOpinionItem(itemId: $id, on: $on) { ${I} } }`;
const ITEM_STATS = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Region { supervisionStats(year: 2026) { opinionItems opinionItemsOverdue } } } }`;

/** One opinion item of a report heard on 2026-03-01, due `dueOn` (today is 2026-06-15). */
async function opinionItem(dueOn: string, content = '加快农村管网改造'): Promise<any> {
  const report = (
    await ok(
      sg,
      HEAR,
      {
        input: { kind: 'SPECIAL_REPORT', title: '关于农村饮水安全的报告', unitId: u.government, heardOn: '2026-03-01' },
      },
      t.staff,
    )
  ).hearReport.id;
  const added = await ok(sg, ADD_ITEMS, { id: report, items: [{ content, unitId: u.transport, dueOn }] }, t.staff);
  return added.addReportOpinions.opinions[0];
}
const itemStats = async () =>
  (await ok(sg, ITEM_STATS, { r: [{ __typename: 'Region', code: '430181' }] }, t.staff))._entities[0].supervisionStats;

describe('corrections of opinion items (G-3), with a trail', () => {
  it('G-3: a mistyped due date is corrected: the item leaves the overdue figures, one audit entry and an event', async () => {
    const item = await opinionItem('2026-04-30');
    expect(item).toMatchObject({ version: 1, overdue: true });
    const before = await itemStats();
    const fixed = (
      await ok(
        sg,
        CORRECT_I,
        { id: item.id, version: 1, input: { dueOn: '2026-10-31' }, reason: '办结时限录入错误' },
        t.staff,
      )
    ).correctOpinionItem;
    expect(fixed).toMatchObject({ version: 2, dueOn: '2026-10-31', overdue: false, status: 'OPEN' });
    const after = await itemStats();
    expect(after.opinionItems).toBe(before.opinionItems);
    expect(after.opinionItemsOverdue).toBe(before.opinionItemsOverdue - 1);
    const log = (await ok(sg, AUDIT, { code: '430181', entity: 'OpinionItem', id: item.id }, t.staff))
      .supervisionAuditLog;
    expect(log.totalCount).toBe(1);
    expect(log.edges[0].node).toMatchObject({
      action: 'CORRECT',
      version: 2,
      reason: '办结时限录入错误',
      changes: [{ field: 'dueOn', from: '2026-04-30', to: '2026-10-31' }],
    });
    const knex = stack.services.supervision!.orm.em.getConnection().getKnex();
    const { rows } = await knex.raw(
      `select "type", "data" from "supervision"."outbox_events" where "aggregate_id" = ? order by "id"`,
      [item.id],
    );
    expect(rows.map((r: any) => [r.type, r.data.dueOn])).toEqual([
      ['opinion-item.opened', '2026-04-30'],
      ['opinion-item.corrected', '2026-10-31'],
    ]);
  });

  it('G-3: a stale version is CONFLICT, no reason or a due date before the report BAD_USER_INPUT; nothing changes', async () => {
    const item = await opinionItem('2026-09-30', '加快管网改造');
    await ok(
      sg,
      CORRECT_I,
      { id: item.id, version: 1, input: { content: '加快农村管网改造' }, reason: '错字' },
      t.staff,
    );
    await fails(
      sg,
      'CONFLICT',
      CORRECT_I,
      { id: item.id, version: 1, input: { content: '另一文本' }, reason: '再改' },
      t.staff,
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      CORRECT_I,
      { id: item.id, version: 2, input: { content: '另一文本' }, reason: '' },
      t.staff,
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      CORRECT_I,
      { id: item.id, version: 2, input: { dueOn: '2026-02-01' }, reason: '改期' },
      t.staff,
      'input.dueOn',
    );
    const list = await ok(sg, `query { opinionItems(regionCode: "430181") { ${I} } }`, {}, t.staff);
    expect(list.opinionItems.find((x: any) => x.id === item.id)).toMatchObject({
      version: 2,
      content: '加快农村管网改造',
      dueOn: '2026-09-30',
    });
  });

  it('G-3: only staff of the region correct an item: its handler, analysts and other regions are FORBIDDEN', async () => {
    const item = await opinionItem('2026-09-30');
    const vars = { id: item.id, version: 1, input: { content: '越权更正' }, reason: '试图更正' };
    await fails(sg, 'FORBIDDEN', CORRECT_I, vars, await handlerToken(u.transport));
    await fails(sg, 'FORBIDDEN', CORRECT_I, vars, t.analyst);
    await fails(sg, 'FORBIDDEN', CORRECT_I, vars, t.staffOther);
    expect((await ok(sg, CORRECT_I, vars, t.staff)).correctOpinionItem.version).toBe(2);
  });

  it('G-3: a closed opinion item is frozen: its correction is CONFLICT and says so; a reported one is still corrected', async () => {
    const item = await opinionItem('2026-09-30');
    await ok(sg, REPORT_I, { id: item.id, on: '2026-06-10' }, t.staff);
    const reported = (
      await ok(sg, CORRECT_I, { id: item.id, version: 1, input: { content: '整改管网' }, reason: '文本错误' }, t.staff)
    ).correctOpinionItem;
    expect(reported).toMatchObject({ version: 2, status: 'REPORTED', content: '整改管网' });
    await ok(sg, CLOSE_I, { id: item.id, on: '2026-06-12' }, t.staff);
    const refused = await sg.execute(
      CORRECT_I,
      { id: item.id, version: 2, input: { content: '销号后更正' }, reason: '销号后发现错字' },
      t.staff,
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(refused.errors?.[0]?.message).toMatch(/closed opinion item/);
    const log = (await ok(sg, AUDIT, { code: '430181', entity: 'OpinionItem', id: item.id }, t.staff))
      .supervisionAuditLog;
    expect(log.totalCount).toBe(1);
  });
});

// ---- F-2 a report's satisfaction tally ----

const TALLY_FIELDS = 'id version tally { satisfied basicallySatisfied dissatisfied rate }';
const RECORD_TALLY = `mutation($id: ID!, $tally: SatisfactionTallyInput!) { recordReportTally(reportId: $id, tally: $tally) { ${TALLY_FIELDS} } }`;
const CORRECT_T = `mutation($id: ID!, $version: Int!, $tally: SatisfactionTallyInput!, $reason: String!) {
  correctReportTally(reportId: $id, version: $version, tally: $tally, reason: $reason) { ${TALLY_FIELDS} } }`;
const RATE_2025 = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Region { supervisionStats(year: 2025) { reportSatisfactionRate } } } }`;
const rate2025 = async () =>
  (await ok(sg, RATE_2025, { r: [{ __typename: 'Region', code: '430181' }] }, t.staff))._entities[0].supervisionStats
    .reportSatisfactionRate;

async function heardReport(heardOn: string): Promise<string> {
  return (
    await ok(
      sg,
      HEAR,
      { input: { kind: 'WORK_REPORT', title: '人民政府工作报告', unitId: u.government, heardOn } },
      t.staff,
    )
  ).hearReport.id;
}

describe('corrections of a report satisfaction tally (F-2), with a trail', () => {
  it('F-2: a mistyped tally is corrected: the rate and the pooled satisfaction figure follow, one audit entry', async () => {
    const id = await heardReport('2025-11-20');
    await ok(sg, RECORD_TALLY, { id, tally: { satisfied: 10, basicallySatisfied: 5, dissatisfied: 5 } }, t.staff);
    expect(await rate2025()).toBe(0.75);
    const fixed = (
      await ok(
        sg,
        CORRECT_T,
        { id, version: 1, tally: { satisfied: 18, basicallySatisfied: 1, dissatisfied: 1 }, reason: '计票录入错误' },
        t.staff,
      )
    ).correctReportTally;
    expect(fixed).toMatchObject({
      version: 2,
      tally: { satisfied: 18, basicallySatisfied: 1, dissatisfied: 1, rate: 0.95 },
    });
    expect(await rate2025()).toBe(0.95);
    const log = (await ok(sg, AUDIT, { code: '430181', entity: 'Report', id }, t.staff)).supervisionAuditLog;
    expect(log.edges.map((e: any) => e.node)).toEqual([
      expect.objectContaining({
        action: 'CORRECT',
        version: 2,
        reason: '计票录入错误',
        changes: [
          { field: 'satisfied', from: '10', to: '18' },
          { field: 'basicallySatisfied', from: '5', to: '1' },
          { field: 'dissatisfied', from: '5', to: '1' },
        ],
      }),
    ]);
  });

  it('F-2: a stale version is CONFLICT, no reason or a bad count BAD_USER_INPUT, a report without a vote CONFLICT; wrong region FORBIDDEN', async () => {
    const id = await heardReport('2026-05-20');
    const tally = { satisfied: 20, basicallySatisfied: 0, dissatisfied: 0 };
    await fails(sg, 'CONFLICT', CORRECT_T, { id, version: 1, tally, reason: '尚未测评' }, t.staff);
    await ok(sg, RECORD_TALLY, { id, tally: { satisfied: 19, basicallySatisfied: 1, dissatisfied: 0 } }, t.staff);
    await fails(sg, 'FORBIDDEN', CORRECT_T, { id, version: 1, tally, reason: '越权更正' }, t.staffOther);
    await fails(sg, 'FORBIDDEN', CORRECT_T, { id, version: 1, tally, reason: '越权更正' }, t.analyst);
    await fails(sg, 'BAD_USER_INPUT', CORRECT_T, { id, version: 1, tally, reason: '' }, t.staff);
    await fails(
      sg,
      'BAD_USER_INPUT',
      CORRECT_T,
      { id, version: 1, tally: { ...tally, dissatisfied: -1 }, reason: '计票错误' },
      t.staff,
      'tally.dissatisfied',
    );
    await ok(sg, CORRECT_T, { id, version: 1, tally, reason: '计票错误' }, t.staff);
    await fails(
      sg,
      'CONFLICT',
      CORRECT_T,
      { id, version: 1, tally: { satisfied: 1, basicallySatisfied: 0, dissatisfied: 0 }, reason: '再改' },
      t.staff,
    );
    const report = await ok(sg, `query($id: ID!) { report(id: $id) { ${TALLY_FIELDS} } }`, { id }, t.staff);
    expect(report.report).toMatchObject({
      version: 2,
      tally: { satisfied: 20, basicallySatisfied: 0, dissatisfied: 0 },
    });
  });
});
