import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestStack } from '@renda/testing/services';
import { tokens } from '@renda/testing/tokens';
import { fails, ok } from '@renda/testing/graphql';
import { buildWorld, driveTo, fileSuggestion, REPLY, sg, startStack, STEP, type World } from './support.ts';

/**
 * 更正 and 撤回 (issue 9): a clerk corrects an item's own fields with a reason, against the version read; the
 * audit log keeps who, what and why; an item withdrawn before assignment leaves the lists and the figures.
 */
let stack: TestStack;
let world: World;

const CORRECT = `mutation($id: ID!, $v: Int!, $i: CorrectSuggestionInput!, $r: String!) {
  correctSuggestion(id: $id, version: $v, input: $i, reason: $r) { id title content category version } }`;
const WITHDRAW = `mutation($id: ID!, $v: Int!, $r: String!) {
  withdrawSuggestion(id: $id, version: $v, reason: $r) { id version withdrawnAt } }`;
const ITEM = `query($id: ID!) { suggestion(id: $id) { id title content category version withdrawnAt stage } }`;
const LOG = `query($c: String!, $e: String, $id: ID) { suggestionsAuditLog(regionCode: $c, entity: $e, entityId: $id) {
  totalCount edges { node { entity entityId regionCode action version reason actor { id role } changes { field from to } } } } }`;
const REPLY_OF = `query($id: ID!) { suggestion(id: $id) { reply { id version content repliedOn onTime } } }`;
const CORRECT_REPLY = `mutation($id: ID!, $v: Int!, $i: CorrectReplyInput!, $r: String!) {
  correctReply(id: $id, version: $v, input: $i, reason: $r) { id version content repliedOn onTime } }`;
const LIST = `query { suggestions(filter: { regionCode: "430181" }) { totalCount edges { node { id } } } }`;
const REGION_STATS = `query($c: ID!, $y: Int!) { _entities(representations: [{__typename: "Region", code: $c}]) {
  ... on Region { suggestionStats(year: $y) { total } } } }`;

async function item(id: string) {
  return (await ok(sg(stack), ITEM, { id }, await tokens.staff('430181'))).suggestion;
}

async function regionTotal(code: string): Promise<number> {
  const data = await ok(sg(stack), REGION_STATS, { c: code, y: 2026 }, await tokens.admin());
  return data._entities[0].suggestionStats.total;
}

async function listed(): Promise<string[]> {
  const data = await ok(sg(stack), LIST, {}, await tokens.staff('430181'));
  return data.suggestions.edges.map((e: { node: { id: string } }) => e.node.id);
}

async function replyOf(id: string) {
  return (await ok(sg(stack), REPLY_OF, { id }, await tokens.staff('430181'))).suggestion.reply;
}

beforeAll(async () => {
  stack = await startStack('2026-03-02T02:00:00Z');
  world = await buildWorld(stack);
});
afterAll(() => stack?.stop());

describe('correctSuggestion', () => {
  it('corrects the fields a clerk mistyped and writes one audit entry (who, what, why)', async () => {
    const id = await fileSuggestion(stack, world, { category: '交通' });
    const before = await item(id);
    const staff = await tokens.staff('430181');
    const data = await ok(
      sg(stack),
      CORRECT,
      { id, v: before.version, i: { title: '关于改善农村道路的建议', category: '农业' }, r: '录入时标题和类别有误' },
      staff,
    );
    expect(data.correctSuggestion).toMatchObject({ title: '关于改善农村道路的建议', category: '农业' });
    expect(data.correctSuggestion.content).toBe(before.content);
    expect(data.correctSuggestion.version).toBe(before.version + 1);
    const after = await item(id);
    expect(after.title).toBe('关于改善农村道路的建议');
    expect(after.version).toBe(before.version + 1);

    const log = await ok(sg(stack), LOG, { c: '430181', e: 'Suggestion', id }, staff);
    expect(log.suggestionsAuditLog.totalCount).toBe(1);
    const entry = log.suggestionsAuditLog.edges[0].node;
    expect(entry).toMatchObject({ entity: 'Suggestion', entityId: id, regionCode: '430181', action: 'CORRECT' });
    expect(entry.version).toBe(after.version);
    expect(entry.reason).toBe('录入时标题和类别有误');
    expect(entry.actor.role).toBe('STAFF');
    expect(entry.changes).toEqual([
      { field: 'title', from: before.title, to: '关于改善农村道路的建议' },
      { field: 'category', from: '交通', to: '农业' },
    ]);
  });

  it('a stale version is CONFLICT and changes nothing', async () => {
    const id = await fileSuggestion(stack, world);
    const before = await item(id);
    const staff = await tokens.staff('430181');
    await ok(sg(stack), CORRECT, { id, v: before.version, i: { title: '第一次更正' }, r: '标题有误' }, staff);
    await fails(
      sg(stack),
      'CONFLICT',
      CORRECT,
      { id, v: before.version, i: { title: '第二次更正' }, r: '再改' },
      staff,
    );
    expect((await item(id)).title).toBe('第一次更正');
    const log = await ok(sg(stack), LOG, { c: '430181', id }, staff);
    expect(log.suggestionsAuditLog.totalCount).toBe(1);
  });

  it('without a reason is BAD_USER_INPUT and changes nothing', async () => {
    const id = await fileSuggestion(stack, world);
    const before = await item(id);
    const staff = await tokens.staff('430181');
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      CORRECT,
      { id, v: before.version, i: { title: '新' }, r: ' ' },
      staff,
      'reason',
    );
    expect(await item(id)).toEqual(before);
  });

  it('another role or region is FORBIDDEN', async () => {
    const id = await fileSuggestion(stack, world);
    const before = await item(id);
    const vars = { id, v: before.version, i: { title: '新标题' }, r: '标题有误' };
    await fails(sg(stack), 'FORBIDDEN', CORRECT, vars, await tokens.staff('4306'));
    await fails(sg(stack), 'FORBIDDEN', CORRECT, vars, await tokens.deputy('430181', world.county.deputies[0]!));
    await fails(sg(stack), 'FORBIDDEN', CORRECT, vars, await tokens.handler('430181', world.units.transport));
    expect(await item(id)).toEqual(before);
  });

  it('a replied item is frozen: CONFLICT saying why', async () => {
    const id = await fileSuggestion(stack, world);
    await driveTo(stack, world, id, 'REPLIED');
    const before = await item(id);
    const error = await fails(
      sg(stack),
      'CONFLICT',
      CORRECT,
      { id, v: before.version, i: { title: '新标题' }, r: '标题有误' },
      await tokens.staff('430181'),
    );
    expect(error.message).toMatch(/frozen/);
    expect(await item(id)).toEqual(before);
  });

  it('the audit log is read by staff of the subtree, not by a deputy or staff elsewhere', async () => {
    await ok(sg(stack), LOG, { c: '43' }, await tokens.staff('43'));
    await fails(sg(stack), 'FORBIDDEN', LOG, { c: '430181' }, await tokens.deputy('430181', world.county.deputies[0]!));
    await fails(sg(stack), 'FORBIDDEN', LOG, { c: '430181' }, await tokens.staff('4306'));
  });
});

describe('withdrawSuggestion', () => {
  it('takes an item out of the list and the province and county figures, in the same transaction', async () => {
    const id = await fileSuggestion(stack, world);
    const [province, county] = [await regionTotal('43'), await regionTotal('430181')];
    expect(await listed()).toContain(id);
    const before = await item(id);
    const deputy = await tokens.deputy('430181', world.county.deputies[0]!);
    const data = await ok(sg(stack), WITHDRAW, { id, v: before.version, r: '重复提交，撤回' }, deputy);
    expect(data.withdrawSuggestion.withdrawnAt).not.toBeNull();
    expect(data.withdrawSuggestion.version).toBe(before.version + 1);
    expect(await listed()).not.toContain(id);
    expect(await regionTotal('43')).toBe(province - 1);
    expect(await regionTotal('430181')).toBe(county - 1);
    const log = await ok(sg(stack), LOG, { c: '430181', id }, await tokens.staff('430181'));
    expect(log.suggestionsAuditLog.edges[0].node).toMatchObject({ action: 'WITHDRAW', reason: '重复提交，撤回' });
    expect(log.suggestionsAuditLog.edges[0].node.actor.role).toBe('DEPUTY');
    // A withdrawn item is not changed again.
    await fails(sg(stack), 'CONFLICT', WITHDRAW, { id, v: before.version + 1, r: '再撤回' }, deputy);
  });

  it('an assigned item is not withdrawn; another deputy may not withdraw', async () => {
    const id = await fileSuggestion(stack, world);
    const before = await item(id);
    await fails(
      sg(stack),
      'FORBIDDEN',
      WITHDRAW,
      { id, v: before.version, r: '撤回' },
      await tokens.deputy('430181', world.county.deputies[1]!),
    );
    await driveTo(stack, world, id, 'ASSIGNED');
    const assigned = await item(id);
    const error = await fails(
      sg(stack),
      'CONFLICT',
      WITHDRAW,
      { id, v: assigned.version, r: '撤回' },
      await tokens.staff('430181'),
    );
    expect(error.message).toMatch(/assigned/);
    expect((await item(id)).withdrawnAt).toBeNull();
  });
});

describe('correctReply', () => {
  it("the lead unit corrects its reply's date before the evaluation: timeliness follows, one audit entry", async () => {
    stack.clock.set('2026-03-02T02:00:00Z');
    const id = await fileSuggestion(stack, world);
    await driveTo(stack, world, id, 'HANDLING');
    // Replied on 2026-07-01, after the due date (2026-06-02): late.
    stack.clock.set('2026-07-01T02:00:00Z');
    const handler = await tokens.handler('430181', world.units.transport);
    await ok(
      sg(stack),
      REPLY,
      { id, i: { category: 'SOLVED', content: '已实施。', reviewedBy: '局长 王强' } },
      handler,
    );
    const late = await replyOf(id);
    expect(late.onTime).toBe(false);
    const data = await ok(
      sg(stack),
      CORRECT_REPLY,
      { id: late.id, v: late.version, i: { repliedOn: '2026-05-20' }, r: '答复日期录入有误' },
      handler,
    );
    expect(data.correctReply).toMatchObject({ repliedOn: '2026-05-20', onTime: true, version: late.version + 1 });
    expect((await replyOf(id)).onTime).toBe(true);
    const log = await ok(sg(stack), LOG, { c: '430181', e: 'Reply', id: late.id }, await tokens.staff('430181'));
    expect(log.suggestionsAuditLog.totalCount).toBe(1);
    expect(log.suggestionsAuditLog.edges[0].node.actor.role).toBe('HANDLER');
    // Another unit's handler may not.
    await fails(
      sg(stack),
      'FORBIDDEN',
      CORRECT_REPLY,
      { id: late.id, v: late.version + 1, i: { content: '改' }, r: '内容有误' },
      await tokens.handler('430181', world.units.water),
    );
  });

  it('an evaluated reply is frozen: CONFLICT saying why, nothing changes', async () => {
    stack.clock.set('2026-03-02T02:00:00Z');
    const id = await fileSuggestion(stack, world);
    await driveTo(stack, world, id, 'FOLLOWED_UP');
    const lead = await tokens.deputy('430181', world.county.deputies[0]!);
    await ok(
      sg(stack),
      `mutation($id: ID!) { evaluateSuggestion(id: $id, input: { attitude: SATISFIED, result: SATISFIED }) { id } }`,
      { id },
      lead,
    );
    const before = await replyOf(id);
    const error = await fails(
      sg(stack),
      'CONFLICT',
      CORRECT_REPLY,
      { id: before.id, v: before.version, i: { content: '改过的答复' }, r: '内容有误' },
      await tokens.handler('430181', world.units.transport),
    );
    expect(error.message).toMatch(/evaluated/);
    expect(await replyOf(id)).toEqual(before);
  });
});

// ---- S-9 council hearings of key items ----

const HEARING_FIELDS = 'id version heldOn summary decisions';
const HEAR = `mutation($id: ID!, $i: KeyHearingInput!) { recordKeyHearing(id: $id, input: $i) { ${HEARING_FIELDS} } }`;
const CORRECT_HEARING = `mutation($id: ID!, $v: Int!, $i: CorrectKeyHearingInput!, $r: String!) {
  correctKeyHearing(id: $id, version: $v, input: $i, reason: $r) { ${HEARING_FIELDS} } }`;
const HEARINGS = `query($id: ID!) { suggestion(id: $id) { keyHearings { ${HEARING_FIELDS} } } }`;
const BULLETIN = `query($r: ID!, $from: Date!, $to: Date!) { supervisionBulletin(regionCode: $r, from: $from, to: $to) {
  rows { entry suggestionId on text } } }`;
const COMMITTEE_VOTE = `mutation($id: ID!, $i: CommitteeVoteInput!) { recordCommitteeVote(id: $id, input: $i) { round } }`;

/** A key item in SUPERVISED (a 督办单 issued), or REPLIED, with one council hearing held on 2026-03-02. */
async function heardKeyItem(replied = false): Promise<{ id: string; hearing: any }> {
  const staff = await tokens.staff('430181');
  const id = await fileSuggestion(stack, world);
  await ok(sg(stack), 'mutation($id: ID!) { markKey(id: $id, supervisor: "常委会副主任 陈红") { id } }', { id }, staff);
  await driveTo(stack, world, id, 'HANDLING');
  await ok(
    sg(stack),
    'mutation($id: ID!, $i: IssueSheetInput!) { issueSheet(id: $id, input: $i) { id } }',
    { id, i: { kind: 'SUPERVISION', unitId: world.units.transport, dueOn: '2026-04-15', content: '请按期办理' } },
    staff,
  );
  if (replied)
    await ok(
      sg(stack),
      REPLY,
      { id, i: { category: 'SOLVED', content: '已解决', reviewedBy: '局长' } },
      await tokens.handler('430181', world.units.transport),
    );
  const hearing = (
    await ok(
      sg(stack),
      HEAR,
      { id, i: { heldOn: '2026-03-02', summary: '听取交通局办理情况', decisions: '年底前完工' } },
      staff,
    )
  ).recordKeyHearing;
  return { id, hearing };
}

async function bulletinHearings(on: string, id: string): Promise<number> {
  const data = await ok(sg(stack), BULLETIN, { r: '430181', from: on, to: on }, await tokens.staff('430181'));
  return data.supervisionBulletin.rows.filter(
    (r: { entry: string; suggestionId: string }) => r.suggestionId === id && r.entry === 'HEARING',
  ).length;
}

describe('correctKeyHearing (S-9)', () => {
  it('S-9: a mistyped hearing date is corrected: the hearing moves in the bulletin, one audit entry', async () => {
    const { id, hearing } = await heardKeyItem();
    expect(hearing.version).toBe(1);
    expect(await bulletinHearings('2026-03-02', id)).toBe(1);
    const fixed = (
      await ok(
        sg(stack),
        CORRECT_HEARING,
        { id: hearing.id, v: 1, i: { heldOn: '2026-03-01', decisions: '六月底前完工' }, r: '会议日期和决定录入有误' },
        await tokens.staff('430181'),
      )
    ).correctKeyHearing;
    expect(fixed).toMatchObject({
      version: 2,
      heldOn: '2026-03-01',
      decisions: '六月底前完工',
      summary: '听取交通局办理情况',
    });
    expect(await bulletinHearings('2026-03-02', id)).toBe(0);
    const log = (
      await ok(sg(stack), LOG, { c: '430181', e: 'KeyHearing', id: hearing.id }, await tokens.staff('430181'))
    ).suggestionsAuditLog;
    expect(log.totalCount).toBe(1);
    expect(log.edges[0].node).toMatchObject({
      action: 'CORRECT',
      version: 2,
      reason: '会议日期和决定录入有误',
      actor: { role: 'STAFF' },
      changes: [
        { field: 'heldOn', from: '2026-03-02', to: '2026-03-01' },
        { field: 'decisions', from: '年底前完工', to: '六月底前完工' },
      ],
    });
  });

  it('S-9: a stale version is CONFLICT, no reason or a future date BAD_USER_INPUT, other roles FORBIDDEN; nothing changes', async () => {
    const { id, hearing } = await heardKeyItem();
    const staff = await tokens.staff('430181');
    await ok(
      sg(stack),
      CORRECT_HEARING,
      { id: hearing.id, v: 1, i: { summary: '听取交通运输局办理情况' }, r: '单位名称' },
      staff,
    );
    await fails(
      sg(stack),
      'CONFLICT',
      CORRECT_HEARING,
      { id: hearing.id, v: 1, i: { summary: '再改' }, r: '再改' },
      staff,
    );
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      CORRECT_HEARING,
      { id: hearing.id, v: 2, i: { summary: '再改' }, r: '' },
      staff,
    );
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      CORRECT_HEARING,
      { id: hearing.id, v: 2, i: { heldOn: '2026-03-03' }, r: '改期' },
      staff,
      'input.heldOn',
    );
    for (const token of [
      await tokens.handler('430181', world.units.transport),
      await tokens.deputy('430181', world.county.deputies[0]!),
      await tokens.staff('430602'),
      await tokens.analyst('430181'),
    ]) {
      await fails(
        sg(stack),
        'FORBIDDEN',
        CORRECT_HEARING,
        { id: hearing.id, v: 2, i: { summary: '越权' }, r: '越权更正' },
        token,
      );
    }
    const [row] = (await ok(sg(stack), HEARINGS, { id }, staff)).suggestion.keyHearings;
    expect(row).toMatchObject({ version: 2, summary: '听取交通运输局办理情况', heldOn: '2026-03-02' });
  });

  it('S-9: once the standing committee has voted on the key item, its hearing is frozen and the refusal says why', async () => {
    const { id, hearing } = await heardKeyItem(true);
    const staff = await tokens.staff('430181');
    await ok(
      sg(stack),
      COMMITTEE_VOTE,
      { id, i: { votedOn: '2026-03-02', membersPresent: 30, satisfied: 20, basicallySatisfied: 6, dissatisfied: 2 } },
      staff,
    );
    const refused = await sg(stack).execute(
      CORRECT_HEARING,
      { id: hearing.id, v: 1, i: { summary: '测评后更正' }, r: '测评后发现错字' },
      staff,
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(refused.errors?.[0]?.message).toMatch(/evaluated this key item on 2026-03-02.*frozen/);
    const [row] = (await ok(sg(stack), HEARINGS, { id }, staff)).suggestion.keyHearings;
    expect(row).toMatchObject({ version: 1, summary: '听取交通局办理情况' });
  });
});

// ---- S-5 supervision sheets (三单) of key items ----

const SHEET_FIELDS = 'id version kind unit { id } issuedOn dueOn content overdue answeredOn withdrawnAt';
const ISSUE_SHEET = `mutation($id: ID!, $i: IssueSheetInput!) { issueSheet(id: $id, input: $i) { ${SHEET_FIELDS} } }`;
const ANSWER_SHEET = `mutation($id: ID!) { answerSheet(sheetId: $id) { ${SHEET_FIELDS} } }`;
const CORRECT_SHEET = `mutation($id: ID!, $v: Int!, $i: CorrectSheetInput!, $r: String!) {
  correctSheet(id: $id, version: $v, input: $i, reason: $r) { ${SHEET_FIELDS} } }`;
const SHEETS = `query($id: ID!) { suggestion(id: $id) { stage sheets { ${SHEET_FIELDS} } } }`;
const OVERDUE_SHEETS = `query { overdueSheets(regionCode: "430181") { edges { node { id } } } }`;

/** A key item in SUPERVISED, with the 督办单 that took it there (issued 2026-03-02, due 2026-04-15, to transport). */
async function sheetedKeyItem(): Promise<{ id: string; sheet: any }> {
  stack.clock.set('2026-03-02T02:00:00Z');
  const staff = await tokens.staff('430181');
  const id = await fileSuggestion(stack, world);
  await ok(sg(stack), 'mutation($id: ID!) { markKey(id: $id, supervisor: "常委会副主任 陈红") { id } }', { id }, staff);
  await driveTo(stack, world, id, 'HANDLING');
  const sheet = (
    await ok(
      sg(stack),
      ISSUE_SHEET,
      { id, i: { kind: 'SUPERVISION', unitId: world.units.transport, dueOn: '2026-04-15', content: '请按期办理' } },
      staff,
    )
  ).issueSheet;
  return { id, sheet };
}

async function sheetsOf(id: string) {
  return (await ok(sg(stack), SHEETS, { id }, await tokens.staff('430181'))).suggestion.sheets;
}

async function overdueSheetIds(): Promise<string[]> {
  const data = await ok(sg(stack), OVERDUE_SHEETS, {}, await tokens.staff('430181'));
  return data.overdueSheets.edges.map((e: { node: { id: string } }) => e.node.id);
}

describe('correctSheet (S-5)', () => {
  it('S-5: a mistyped sheet is corrected (kind, unit, due date, content): overdue and who answers follow; one audit entry', async () => {
    const { id, sheet } = await sheetedKeyItem();
    try {
      expect(sheet).toMatchObject({ version: 1, dueOn: '2026-04-15', overdue: false });
      stack.clock.set('2026-03-20T02:00:00Z');
      expect(await overdueSheetIds()).not.toContain(sheet.id);
      const fixed = (
        await ok(
          sg(stack),
          CORRECT_SHEET,
          {
            id: sheet.id,
            v: 1,
            i: { kind: 'REMINDER', unitId: world.units.education, dueOn: '2026-03-15', content: '请于3月15日前办复' },
            r: '限办日期和承办单位录入有误',
          },
          await tokens.staff('430181'),
        )
      ).correctSheet;
      expect(fixed).toMatchObject({
        version: 2,
        kind: 'REMINDER',
        unit: { id: world.units.education },
        issuedOn: '2026-03-02',
        dueOn: '2026-03-15',
        content: '请于3月15日前办复',
        overdue: true,
        answeredOn: null,
      });
      expect(await overdueSheetIds()).toContain(sheet.id);
      const log = (
        await ok(sg(stack), LOG, { c: '430181', e: 'SupervisionSheet', id: sheet.id }, await tokens.staff('430181'))
      ).suggestionsAuditLog;
      expect(log.totalCount).toBe(1);
      expect(log.edges[0].node).toMatchObject({
        action: 'CORRECT',
        version: 2,
        reason: '限办日期和承办单位录入有误',
        actor: { role: 'STAFF' },
        changes: [
          { field: 'kind', from: 'SUPERVISION', to: 'REMINDER' },
          { field: 'unitId', from: world.units.transport, to: world.units.education },
          { field: 'dueOn', from: '2026-04-15', to: '2026-03-15' },
          { field: 'content', from: '请按期办理', to: '请于3月15日前办复' },
        ],
      });
      // The sheet now names education: transport's handlers no longer answer it, education's do.
      await fails(
        sg(stack),
        'FORBIDDEN',
        ANSWER_SHEET,
        { id: sheet.id },
        await tokens.handler('430181', world.units.transport),
      );
      const answered = (
        await ok(sg(stack), ANSWER_SHEET, { id: sheet.id }, await tokens.handler('430181', world.units.education))
      ).answerSheet;
      expect(answered).toMatchObject({ answeredOn: '2026-03-20', overdue: false });
      expect((await sheetsOf(id)).map((s: { id: string }) => s.id)).toEqual([sheet.id]);
    } finally {
      stack.clock.set('2026-03-02T02:00:00Z');
    }
  });

  it('S-5: a stale version is CONFLICT; no reason, a due date before the issue or a unit not handling the item BAD_USER_INPUT; other roles FORBIDDEN; nothing changes', async () => {
    const { id, sheet } = await sheetedKeyItem();
    const staff = await tokens.staff('430181');
    await ok(sg(stack), CORRECT_SHEET, { id: sheet.id, v: 1, i: { content: '请按期办复' }, r: '错字' }, staff);
    await fails(sg(stack), 'CONFLICT', CORRECT_SHEET, { id: sheet.id, v: 1, i: { content: '再改' }, r: '再改' }, staff);
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      CORRECT_SHEET,
      { id: sheet.id, v: 2, i: { content: '再改' }, r: ' ' },
      staff,
      'reason',
    );
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      CORRECT_SHEET,
      { id: sheet.id, v: 2, i: { dueOn: '2026-03-01' }, r: '改期' },
      staff,
      'input.dueOn',
    );
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      CORRECT_SHEET,
      { id: sheet.id, v: 2, i: { unitId: world.units.water }, r: '改单位' },
      staff,
      'input.unitId',
    );
    for (const token of [
      await tokens.handler('430181', world.units.transport),
      await tokens.deputy('430181', world.county.deputies[0]!),
      await tokens.staff('430602'),
      await tokens.analyst('430181'),
    ]) {
      await fails(
        sg(stack),
        'FORBIDDEN',
        CORRECT_SHEET,
        { id: sheet.id, v: 2, i: { content: '越权' }, r: '越权更正' },
        token,
      );
    }
    const [row] = await sheetsOf(id);
    expect(row).toMatchObject({
      version: 2,
      kind: 'SUPERVISION',
      content: '请按期办复',
      dueOn: '2026-04-15',
      unit: { id: world.units.transport },
    });
    const log = (await ok(sg(stack), LOG, { c: '430181', e: 'SupervisionSheet', id: sheet.id }, staff))
      .suggestionsAuditLog;
    expect(log.totalCount).toBe(1);
  });

  it('S-5: an answered sheet is frozen, and a 督办单 does not become a 交办单: CONFLICT saying why, nothing changes', async () => {
    const { id, sheet } = await sheetedKeyItem();
    const staff = await tokens.staff('430181');
    const swap = await sg(stack).execute(
      CORRECT_SHEET,
      { id: sheet.id, v: 1, i: { kind: 'ASSIGNMENT' }, r: '应为交办单' },
      staff,
    );
    expect(swap.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(swap.errors?.[0]?.message).toMatch(/督办 step/);
    await ok(sg(stack), ANSWER_SHEET, { id: sheet.id }, await tokens.handler('430181', world.units.transport));
    const refused = await sg(stack).execute(
      CORRECT_SHEET,
      { id: sheet.id, v: 1, i: { content: '答复后更正' }, r: '答复后发现错字' },
      staff,
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(refused.errors?.[0]?.message).toMatch(/answered this sheet on 2026-03-02.*frozen/);
    const [row] = await sheetsOf(id);
    expect(row).toMatchObject({ version: 1, kind: 'SUPERVISION', content: '请按期办理', answeredOn: '2026-03-02' });
  });
});

// ---- S-9 standing-committee votes on key items ----

const VOTE_FIELDS =
  'id version round votedOn membersPresent satisfied basicallySatisfied dissatisfied abstained satisfactionRate';
const RECORD_VOTE = `mutation($id: ID!, $i: CommitteeVoteInput!) { recordCommitteeVote(id: $id, input: $i) { ${VOTE_FIELDS} } }`;
const CORRECT_VOTE = `mutation($id: ID!, $v: Int!, $i: CorrectCommitteeVoteInput!, $r: String!) {
  correctCommitteeVote(id: $id, version: $v, input: $i, reason: $r) { ${VOTE_FIELDS} } }`;
const VOTES = `query($id: ID!) { suggestion(id: $id) { committeeVotes { ${VOTE_FIELDS} } } }`;
const VOTE_BULLETIN = `query($r: ID!, $from: Date!, $to: Date!) { supervisionBulletin(regionCode: $r, from: $from, to: $to) {
  rows { entry suggestionId on membersPresent satisfied basicallySatisfied dissatisfied } } }`;
const TALLY = { membersPresent: 30, satisfied: 20, basicallySatisfied: 6, dissatisfied: 2 };

/** A key item replied on 2026-03-02, heard that day, and voted on 2026-03-02 with `TALLY`. */
async function votedKeyItem(): Promise<{ id: string; hearing: any; vote: any }> {
  stack.clock.set('2026-03-02T02:00:00Z');
  const { id, hearing } = await heardKeyItem(true);
  const vote = (
    await ok(sg(stack), RECORD_VOTE, { id, i: { votedOn: '2026-03-02', ...TALLY } }, await tokens.staff('430181'))
  ).recordCommitteeVote;
  return { id, hearing, vote };
}

async function votesOf(id: string) {
  return (await ok(sg(stack), VOTES, { id }, await tokens.staff('430181'))).suggestion.committeeVotes;
}

describe('correctCommitteeVote (S-9)', () => {
  it('S-9: a mistyped tally is corrected: abstentions, satisfaction rate and the bulletin follow; one audit entry', async () => {
    const { id, vote } = await votedKeyItem();
    expect(vote).toMatchObject({ version: 1, abstained: 2, satisfactionRate: 26 / 28 });
    const fixed = (
      await ok(
        sg(stack),
        CORRECT_VOTE,
        { id: vote.id, v: 1, i: { membersPresent: 31, dissatisfied: 5 }, r: '不满意票数录入有误' },
        await tokens.staff('430181'),
      )
    ).correctCommitteeVote;
    expect(fixed).toMatchObject({
      version: 2,
      round: 1,
      votedOn: '2026-03-02',
      membersPresent: 31,
      satisfied: 20,
      basicallySatisfied: 6,
      dissatisfied: 5,
      abstained: 0,
      satisfactionRate: 26 / 31,
    });
    expect(await votesOf(id)).toEqual([fixed]);
    const rows = (
      await ok(
        sg(stack),
        VOTE_BULLETIN,
        { r: '430181', from: '2026-03-02', to: '2026-03-02' },
        await tokens.staff('430181'),
      )
    ).supervisionBulletin.rows.filter(
      (r: { entry: string; suggestionId: string }) => r.suggestionId === id && r.entry === 'VOTE',
    );
    expect(rows).toEqual([
      {
        entry: 'VOTE',
        suggestionId: id,
        on: '2026-03-02',
        membersPresent: 31,
        satisfied: 20,
        basicallySatisfied: 6,
        dissatisfied: 5,
      },
    ]);
    const log = (
      await ok(sg(stack), LOG, { c: '430181', e: 'CommitteeVote', id: vote.id }, await tokens.staff('430181'))
    ).suggestionsAuditLog;
    expect(log.totalCount).toBe(1);
    expect(log.edges[0].node).toMatchObject({
      action: 'CORRECT',
      version: 2,
      reason: '不满意票数录入有误',
      actor: { role: 'STAFF' },
      changes: [
        { field: 'membersPresent', from: '30', to: '31' },
        { field: 'dissatisfied', from: '2', to: '5' },
      ],
    });
  });

  it('S-9: a stale version is CONFLICT; no reason, a tally that does not add up or a date before the reply BAD_USER_INPUT; other roles FORBIDDEN; nothing changes', async () => {
    const { id, vote } = await votedKeyItem();
    const staff = await tokens.staff('430181');
    await ok(sg(stack), CORRECT_VOTE, { id: vote.id, v: 1, i: { satisfied: 21 }, r: '满意票数' }, staff);
    await fails(sg(stack), 'CONFLICT', CORRECT_VOTE, { id: vote.id, v: 1, i: { satisfied: 22 }, r: '再改' }, staff);
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      CORRECT_VOTE,
      { id: vote.id, v: 2, i: { satisfied: 22 }, r: '' },
      staff,
      'reason',
    );
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      CORRECT_VOTE,
      { id: vote.id, v: 2, i: { membersPresent: 28 }, r: '出席人数' },
      staff,
      'input.membersPresent',
    );
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      CORRECT_VOTE,
      { id: vote.id, v: 2, i: { votedOn: '2026-03-01' }, r: '测评日期' },
      staff,
      'input.votedOn',
    );
    for (const token of [
      await tokens.handler('430181', world.units.transport),
      await tokens.deputy('430181', world.county.deputies[0]!),
      await tokens.staff('430602'),
      await tokens.analyst('430181'),
    ]) {
      await fails(
        sg(stack),
        'FORBIDDEN',
        CORRECT_VOTE,
        { id: vote.id, v: 2, i: { satisfied: 1 }, r: '越权更正' },
        token,
      );
    }
    expect(await votesOf(id)).toEqual([expect.objectContaining({ version: 2, ...TALLY, satisfied: 21 })]);
  });

  it("S-9: the vote's date decides which hearings are frozen, and follows its correction; a date that would freeze a hearing before its own correction is CONFLICT", async () => {
    stack.clock.set('2026-03-02T02:00:00Z');
    const { id, hearing: first } = await heardKeyItem(true);
    const staff = await tokens.staff('430181');
    try {
      stack.clock.set('2026-03-06T02:00:00Z');
      const second = (
        await ok(sg(stack), HEAR, { id, i: { heldOn: '2026-03-05', summary: '再次听取办理情况' } }, staff)
      ).recordKeyHearing;
      const vote = (await ok(sg(stack), RECORD_VOTE, { id, i: { votedOn: '2026-03-06', ...TALLY } }, staff))
        .recordCommitteeVote;
      await fails(
        sg(stack),
        'CONFLICT',
        CORRECT_HEARING,
        { id: second.id, v: 1, i: { summary: '再次听取交通局办理情况' }, r: '补全单位' },
        staff,
      );
      // The vote was held on 03-04, before the second hearing: that hearing is no longer frozen, the first still is.
      const moved = (
        await ok(
          sg(stack),
          CORRECT_VOTE,
          { id: vote.id, v: 1, i: { votedOn: '2026-03-04' }, r: '测评日期录入有误' },
          staff,
        )
      ).correctCommitteeVote;
      expect(moved).toMatchObject({ version: 2, votedOn: '2026-03-04' });
      await ok(
        sg(stack),
        CORRECT_HEARING,
        { id: second.id, v: 1, i: { summary: '再次听取交通局办理情况' }, r: '补全单位' },
        staff,
      );
      await fails(
        sg(stack),
        'CONFLICT',
        CORRECT_HEARING,
        { id: first.id, v: 1, i: { summary: '更正' }, r: '更正错字' },
        staff,
      );
      // Back to 03-05 would put the vote after the second hearing, which was corrected on 03-06: refused.
      const refused = await sg(stack).execute(
        CORRECT_VOTE,
        { id: vote.id, v: 2, i: { votedOn: '2026-03-05' }, r: '测评日期再改' },
        staff,
      );
      expect(refused.errors?.[0]?.extensions?.code).toBe('CONFLICT');
      expect(refused.errors?.[0]?.message).toMatch(/hearing of 2026-03-05 was corrected on 2026-03-06/);
      expect(await votesOf(id)).toEqual([expect.objectContaining({ version: 2, votedOn: '2026-03-04' })]);
    } finally {
      stack.clock.set('2026-03-02T02:00:00Z');
    }
  });

  it("S-9: a reply cannot be corrected to a date after the committee's vote on it (CONFLICT); once the vote's date is corrected, it can", async () => {
    const { id, vote } = await votedKeyItem();
    const staff = await tokens.staff('430181');
    const reply = await replyOf(id);
    try {
      stack.clock.set('2026-03-05T02:00:00Z');
      const refused = await sg(stack).execute(
        CORRECT_REPLY,
        { id: reply.id, v: reply.version, i: { repliedOn: '2026-03-04' }, r: '答复日期录入有误' },
        staff,
      );
      expect(refused.errors?.[0]?.extensions?.code).toBe('CONFLICT');
      expect(refused.errors?.[0]?.message).toMatch(/voted on this reply on 2026-03-02/);
      expect(await replyOf(id)).toEqual(reply);
      await ok(
        sg(stack),
        CORRECT_VOTE,
        { id: vote.id, v: 1, i: { votedOn: '2026-03-05' }, r: '测评日期录入有误' },
        staff,
      );
      const fixed = (
        await ok(
          sg(stack),
          CORRECT_REPLY,
          { id: reply.id, v: reply.version, i: { repliedOn: '2026-03-04' }, r: '答复日期录入有误' },
          staff,
        )
      ).correctReply;
      expect(fixed).toMatchObject({ repliedOn: '2026-03-04' });
      await fails(
        sg(stack),
        'BAD_USER_INPUT',
        CORRECT_VOTE,
        { id: vote.id, v: 2, i: { votedOn: '2026-03-03' }, r: '再改' },
        staff,
        'input.votedOn',
      );
    } finally {
      stack.clock.set('2026-03-02T02:00:00Z');
    }
  });

  it("S-9: an archived key item's vote is frozen: CONFLICT saying why, nothing changes", async () => {
    const { id, vote } = await votedKeyItem();
    const staff = await tokens.staff('430181');
    const handler = await tokens.handler('430181', world.units.transport);
    await ok(sg(stack), STEP, { id, s: 'INSPECTED' }, staff);
    await ok(sg(stack), STEP, { id, s: 'FOLLOWED_UP' }, handler);
    await ok(
      sg(stack),
      'mutation($id: ID!) { evaluateSuggestion(id: $id, input: {attitude: SATISFIED, result: SATISFIED}) { stage } }',
      { id },
      await tokens.deputy('430181', world.county.deputies[0]!),
    );
    for (const s of ['SUMMARIZED', 'PUBLISHED']) await ok(sg(stack), STEP, { id, s }, staff);
    await ok(sg(stack), CORRECT_VOTE, { id: vote.id, v: 1, i: { satisfied: 21 }, r: '归档前更正' }, staff);
    await ok(sg(stack), STEP, { id, s: 'ARCHIVED' }, staff);
    const refused = await sg(stack).execute(
      CORRECT_VOTE,
      { id: vote.id, v: 2, i: { satisfied: 22 }, r: '归档后更正' },
      staff,
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(refused.errors?.[0]?.message).toMatch(/archived.*frozen/);
    expect(await votesOf(id)).toEqual([expect.objectContaining({ version: 2, satisfied: 21 })]);
  });
});

const WITHDRAW_SHEET = `mutation($id: ID!, $v: Int!, $r: String!) {
  withdrawSheet(id: $id, version: $v, reason: $r) { id version withdrawnAt } }`;
const SHEET_BULLETIN = `query($from: Date!, $to: Date!) { supervisionBulletin(regionCode: "430181", from: $from, to: $to) {
  overdueSheets rows { entry suggestionId } } }`;

async function bulletinSheets(id: string): Promise<{ overdue: number; rows: number }> {
  const data = await ok(
    sg(stack),
    SHEET_BULLETIN,
    { from: '2026-03-02', to: '2026-03-20' },
    await tokens.staff('430181'),
  );
  const rows = data.supervisionBulletin.rows.filter(
    (r: { entry: string; suggestionId: string }) => r.suggestionId === id && r.entry === 'SHEET',
  );
  return { overdue: data.supervisionBulletin.overdueSheets, rows: rows.length };
}

describe('withdrawSheet (S-5)', () => {
  it('S-5: a sheet issued by mistake is withdrawn: it leaves the item, the overdue list and the bulletin; one audit entry; it is not answered or corrected after', async () => {
    const { id, sheet: first } = await sheetedKeyItem();
    const staff = await tokens.staff('430181');
    // A second 催办单 issued twice by mistake; the item is already SUPERVISED, so it took no step.
    const extra = (
      await ok(
        sg(stack),
        ISSUE_SHEET,
        { id, i: { kind: 'REMINDER', unitId: world.units.transport, dueOn: '2026-03-10', content: '请尽快办理' } },
        staff,
      )
    ).issueSheet;
    try {
      stack.clock.set('2026-03-20T02:00:00Z');
      expect(await overdueSheetIds()).toContain(extra.id);
      const before = await bulletinSheets(id);
      expect(before.rows).toBe(2);
      const withdrawn = (await ok(sg(stack), WITHDRAW_SHEET, { id: extra.id, v: 1, r: '重复签发' }, staff))
        .withdrawSheet;
      expect(withdrawn).toMatchObject({ id: extra.id, version: 2, withdrawnAt: '2026-03-20T02:00:00.000Z' });
      expect((await sheetsOf(id)).map((s: { id: string }) => s.id)).toEqual([first.id]);
      expect(await overdueSheetIds()).not.toContain(extra.id);
      expect(await bulletinSheets(id)).toEqual({ overdue: before.overdue - 1, rows: 1 });
      const log = (await ok(sg(stack), LOG, { c: '430181', e: 'SupervisionSheet', id: extra.id }, staff))
        .suggestionsAuditLog;
      expect(log.totalCount).toBe(1);
      expect(log.edges[0].node).toMatchObject({
        action: 'WITHDRAW',
        version: 2,
        reason: '重复签发',
        actor: { role: 'STAFF' },
        changes: [{ field: 'withdrawnAt', from: null, to: '2026-03-20T02:00:00.000Z' }],
      });
      await fails(
        sg(stack),
        'CONFLICT',
        ANSWER_SHEET,
        { id: extra.id },
        await tokens.handler('430181', world.units.transport),
      );
      await fails(
        sg(stack),
        'CONFLICT',
        CORRECT_SHEET,
        { id: extra.id, v: 2, i: { content: '改' }, r: '撤回后更正' },
        staff,
      );
      await fails(sg(stack), 'CONFLICT', WITHDRAW_SHEET, { id: extra.id, v: 2, r: '再撤回' }, staff);
    } finally {
      stack.clock.set('2026-03-02T02:00:00Z');
    }
  });

  it('S-5: a sheet that took the 督办 step, or was answered, is not withdrawn (CONFLICT saying why); stale version CONFLICT, no reason BAD_USER_INPUT, other roles FORBIDDEN; nothing changes', async () => {
    const { id, sheet } = await sheetedKeyItem();
    const staff = await tokens.staff('430181');
    const took = await sg(stack).execute(WITHDRAW_SHEET, { id: sheet.id, v: 1, r: '签发有误' }, staff);
    expect(took.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(took.errors?.[0]?.message).toMatch(/took the item's 督办 step/);
    const extra = (
      await ok(
        sg(stack),
        ISSUE_SHEET,
        { id, i: { kind: 'REMINDER', unitId: world.units.transport, dueOn: '2026-03-10', content: '请尽快办理' } },
        staff,
      )
    ).issueSheet;
    await ok(sg(stack), CORRECT_SHEET, { id: extra.id, v: 1, i: { dueOn: '2026-03-12' }, r: '限办日期' }, staff);
    await fails(sg(stack), 'CONFLICT', WITHDRAW_SHEET, { id: extra.id, v: 1, r: '重复签发' }, staff);
    await fails(sg(stack), 'BAD_USER_INPUT', WITHDRAW_SHEET, { id: extra.id, v: 2, r: '' }, staff, 'reason');
    for (const token of [
      await tokens.handler('430181', world.units.transport),
      await tokens.deputy('430181', world.county.deputies[0]!),
      await tokens.staff('430602'),
      await tokens.analyst('430181'),
    ]) {
      await fails(sg(stack), 'FORBIDDEN', WITHDRAW_SHEET, { id: extra.id, v: 2, r: '越权撤回' }, token);
    }
    await ok(sg(stack), ANSWER_SHEET, { id: extra.id }, await tokens.handler('430181', world.units.transport));
    const answered = await sg(stack).execute(WITHDRAW_SHEET, { id: extra.id, v: 2, r: '重复签发' }, staff);
    expect(answered.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(answered.errors?.[0]?.message).toMatch(/answered this sheet on 2026-03-02.*frozen/);
    const rows = await sheetsOf(id);
    expect(rows).toHaveLength(2);
    expect(rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: sheet.id, version: 1, withdrawnAt: null }),
        expect.objectContaining({ id: extra.id, version: 2, dueOn: '2026-03-12', answeredOn: '2026-03-02' }),
      ]),
    );
  });
});
