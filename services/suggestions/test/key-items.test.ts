import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestStack } from '@renda/testing/services';
import { tokenFor, tokens } from '@renda/testing/tokens';
import { fails, ok } from '@renda/testing/graphql';
import { buildWorld, driveTo, fileSuggestion, REPLY, sg, startStack, type World } from './support.ts';

let stack: TestStack;
let world: World;
beforeAll(async () => {
  stack = await startStack();
  world = await buildWorld(stack);
});
afterAll(() => stack?.stop());

const HEARING = `mutation($id: ID!, $i: KeyHearingInput!) { recordKeyHearing(id: $id, input: $i) { id heldOn summary decisions actor { name role } } }`;
const VOTE = `mutation($id: ID!, $i: CommitteeVoteInput!) { recordCommitteeVote(id: $id, input: $i) {
  round votedOn membersPresent satisfied basicallySatisfied dissatisfied abstained satisfactionRate actor { name role } } }`;
const ISSUE = `mutation($id: ID!, $i: IssueSheetInput!) { issueSheet(id: $id, input: $i) { id } }`;
const RECORD = `query($id: ID!) { suggestion(id: $id) { keyHearings { heldOn summary } committeeVotes { round satisfied membersPresent } } }`;
const OVERDUE = `query($r: ID!, $first: Int, $after: String) { overdueSheets(regionCode: $r, first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { node { id kind dueOn overdue answeredOn suggestion { id } } } } }`;
const BULLETIN = `query($r: ID!, $from: Date!, $to: Date!) { supervisionBulletin(regionCode: $r, from: $from, to: $to) {
  regionCode from to keyItems overdueSheets rows { entry suggestionId serial on sheetKind dueOn answeredOn overdue percent text detail
  membersPresent satisfied basicallySatisfied dissatisfied } } }`;

const staff = () => tokens.staff('430181');
const lead = () => tokens.handler('430181', world.units.transport);
const record = async (id: string) => (await ok(sg(stack), RECORD, { id }, await tokens.admin())).suggestion;
const markKey = async (id: string) =>
  ok(
    sg(stack),
    'mutation($id: ID!) { markKey(id: $id, supervisor: "常委会副主任 陈红") { id } }',
    { id },
    await staff(),
  );
const sheet = async (id: string, kind: string, dueOn: string, unitId = world.units.transport) =>
  (await ok(sg(stack), ISSUE, { id, i: { kind, unitId, dueOn, content: '请按期办理' } }, await staff())).issueSheet
    .id as string;

/** A key item in SUPERVISED (a 督办单 due `dueOn`), or REPLIED when `reply` is set. */
async function keyItem(options: { reply?: boolean; dueOn?: string } = {}): Promise<string> {
  const id = await fileSuggestion(stack, world);
  await markKey(id);
  await driveTo(stack, world, id, 'HANDLING');
  await sheet(id, 'SUPERVISION', options.dueOn ?? '2026-07-15');
  if (options.reply)
    await ok(sg(stack), REPLY, { id, i: { category: 'SOLVED', content: '已解决', reviewedBy: '局长' } }, await lead());
  return id;
}

describe('council hearings and committee votes on key items', () => {
  it('S-9: staff record the council of chairpersons hearing a key item, with who recorded it', async () => {
    const id = await keyItem();
    const named = await tokenFor({ role: 'STAFF', region: '430181', sub: 's-9', name: '人大办 周敏' });
    const data = await ok(
      sg(stack),
      HEARING,
      { id, i: { heldOn: '2026-06-10', summary: '听取交通局办理情况汇报', decisions: '年底前完工' } },
      named,
    );
    expect(data.recordKeyHearing).toMatchObject({
      heldOn: '2026-06-10',
      decisions: '年底前完工',
      actor: { name: '人大办 周敏', role: 'STAFF' },
    });
    expect((await record(id)).keyHearings).toEqual([{ heldOn: '2026-06-10', summary: '听取交通局办理情况汇报' }]);
  });

  it('S-9: a hearing of an item that is not key is CONFLICT; other roles are FORBIDDEN; a future date is BAD_USER_INPUT', async () => {
    const plain = await fileSuggestion(stack, world);
    await driveTo(stack, world, plain, 'HANDLING');
    const i = { heldOn: '2026-06-10', summary: '听取' };
    await fails(sg(stack), 'CONFLICT', HEARING, { id: plain, i }, await staff());
    const id = await keyItem();
    await fails(sg(stack), 'FORBIDDEN', HEARING, { id, i }, await lead());
    await fails(sg(stack), 'FORBIDDEN', HEARING, { id, i }, await tokens.analyst('430181'));
    await fails(sg(stack), 'FORBIDDEN', HEARING, { id, i }, await tokens.staff('4306'));
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      HEARING,
      { id, i: { ...i, heldOn: '2026-06-16' } },
      await staff(),
      'input.heldOn',
    );
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      HEARING,
      { id, i: { ...i, summary: ' ' } },
      await staff(),
      'input.summary',
    );
    expect((await record(plain)).keyHearings).toEqual([]);
    expect((await record(id)).keyHearings).toEqual([]);
  });

  it('S-9: the standing committee votes satisfaction on a replied key item: a tally within the members present', async () => {
    const id = await keyItem({ reply: true });
    const data = await ok(
      sg(stack),
      VOTE,
      { id, i: { votedOn: '2026-06-15', membersPresent: 30, satisfied: 20, basicallySatisfied: 6, dissatisfied: 2 } },
      await staff(),
    );
    expect(data.recordCommitteeVote).toMatchObject({
      round: 1,
      membersPresent: 30,
      satisfied: 20,
      abstained: 2,
      actor: { role: 'STAFF' },
    });
    expect(data.recordCommitteeVote.satisfactionRate).toBeCloseTo(26 / 28, 10);
    await fails(
      sg(stack),
      'CONFLICT',
      VOTE,
      { id, i: { votedOn: '2026-06-15', membersPresent: 30, satisfied: 30, basicallySatisfied: 0, dissatisfied: 0 } },
      await staff(),
    );
    expect((await record(id)).committeeVotes).toEqual([{ round: 1, satisfied: 20, membersPresent: 30 }]);
  });

  it('S-9: counts beyond the members present, negative counts, items not key or not replied are refused and nothing is kept', async () => {
    const id = await keyItem({ reply: true });
    const i = (extra: Record<string, unknown>) => ({
      votedOn: '2026-06-15',
      membersPresent: 10,
      satisfied: 5,
      basicallySatisfied: 3,
      dissatisfied: 2,
      ...extra,
    });
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      VOTE,
      { id, i: i({ dissatisfied: 3 }) },
      await staff(),
      'input.membersPresent',
    );
    await fails(sg(stack), 'BAD_USER_INPUT', VOTE, { id, i: i({ satisfied: -1 }) }, await staff(), 'input.satisfied');
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      VOTE,
      { id, i: i({ membersPresent: 0, satisfied: 0, basicallySatisfied: 0, dissatisfied: 0 }) },
      await staff(),
      'input.membersPresent',
    );
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      VOTE,
      { id, i: i({ votedOn: '2026-06-16' }) },
      await staff(),
      'input.votedOn',
    );
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      VOTE,
      { id, i: i({ votedOn: '2026-06-14' }) },
      await staff(),
      'input.votedOn',
    );
    await fails(sg(stack), 'FORBIDDEN', VOTE, { id, i: i({}) }, await lead());
    await fails(
      sg(stack),
      'FORBIDDEN',
      VOTE,
      { id, i: i({}) },
      await tokens.deputy('430181', world.county.deputies[0]!),
    );
    const unreplied = await keyItem();
    await fails(sg(stack), 'CONFLICT', VOTE, { id: unreplied, i: i({}) }, await staff());
    const plain = await fileSuggestion(stack, world);
    await driveTo(stack, world, plain, 'REPLIED');
    await fails(sg(stack), 'CONFLICT', VOTE, { id: plain, i: i({}) }, await staff());
    for (const item of [id, unreplied, plain]) expect((await record(item)).committeeVotes).toEqual([]);
    const exact = await ok(sg(stack), VOTE, { id, i: i({}) }, await staff());
    expect(exact.recordCommitteeVote.abstained).toBe(0);
  });
});

describe('sheets past due and the supervision bulletin', () => {
  it('S-5: unanswered sheets past their due date are listed and counted by region subtree; answered ones drop out', async () => {
    stack.clock.set('2026-03-01T02:00:00Z');
    let late: string;
    let onTime: string;
    let answered: string;
    try {
      late = await keyItem({ dueOn: '2026-03-10' });
      onTime = await keyItem({ dueOn: '2026-07-01' });
      answered = await keyItem({ dueOn: '2026-03-10' });
    } finally {
      stack.clock.set('2026-06-15T02:00:00Z');
    }
    const answeredSheet = (
      await ok(sg(stack), 'query($id: ID!) { suggestion(id: $id) { sheets { id } } }', { id: answered }, await staff())
    ).suggestion.sheets[0].id;
    await ok(sg(stack), 'mutation($s: ID!) { answerSheet(sheetId: $s) { id } }', { s: answeredSheet }, await lead());
    // 2026-03-10 is past at 2026-06-15; the sheet due 2026-07-01 is not; the answered one is not listed.
    const data = await ok(sg(stack), OVERDUE, { r: '4301' }, await tokens.analyst('43'));
    const ids = data.overdueSheets.edges.map((e: { node: { suggestion: { id: string } } }) => e.node.suggestion.id);
    expect(ids).toContain(late);
    expect(ids).not.toContain(onTime);
    expect(ids).not.toContain(answered);
    expect(data.overdueSheets.totalCount).toBe(ids.length);
    expect(
      data.overdueSheets.edges.every(
        (e: { node: { overdue: boolean; answeredOn: null } }) => e.node.overdue && e.node.answeredOn === null,
      ),
    ).toBe(true);
    // The last day is not yet overdue (Asia/Shanghai): at 2026-07-01 23:30 local the sheet due that day is still open.
    stack.clock.set('2026-07-01T15:30:00Z');
    try {
      const dueToday = await ok(sg(stack), OVERDUE, { r: '430181' }, await staff());
      expect(
        dueToday.overdueSheets.edges.map((e: { node: { suggestion: { id: string } } }) => e.node.suggestion.id),
      ).not.toContain(onTime);
      stack.clock.set('2026-07-01T16:30:00Z');
      const nextDay = await ok(sg(stack), OVERDUE, { r: '430181' }, await staff());
      expect(
        nextDay.overdueSheets.edges.map((e: { node: { suggestion: { id: string } } }) => e.node.suggestion.id),
      ).toContain(onTime);
    } finally {
      stack.clock.set('2026-06-15T02:00:00Z');
    }
    expect((await ok(sg(stack), OVERDUE, { r: '4306' }, await tokens.admin())).overdueSheets.totalCount).toBe(0);
  });

  it('S-5: overdue sheets page by due date; a foreign cursor or region is refused', async () => {
    stack.clock.set('2026-03-01T02:00:00Z');
    try {
      await keyItem({ dueOn: '2026-03-20' });
      await keyItem({ dueOn: '2026-03-05' });
    } finally {
      stack.clock.set('2026-06-15T02:00:00Z');
    }
    const all = await ok(sg(stack), OVERDUE, { r: '430181' }, await staff());
    const first = await ok(sg(stack), OVERDUE, { r: '430181', first: 1 }, await staff());
    expect(first.overdueSheets.totalCount).toBe(all.overdueSheets.totalCount);
    expect(all.overdueSheets.totalCount).toBeGreaterThanOrEqual(2);
    const dues = all.overdueSheets.edges.map((e: { node: { dueOn: string } }) => e.node.dueOn);
    expect(dues).toEqual([...dues].sort());
    expect(first.overdueSheets.pageInfo.hasNextPage).toBe(true);
    const next = await ok(
      sg(stack),
      OVERDUE,
      { r: '430181', first: 100, after: first.overdueSheets.pageInfo.endCursor },
      await staff(),
    );
    expect([
      first.overdueSheets.edges[0].node.id,
      ...next.overdueSheets.edges.map((e: { node: { id: string } }) => e.node.id),
    ]).toEqual(all.overdueSheets.edges.map((e: { node: { id: string } }) => e.node.id));
    await fails(sg(stack), 'BAD_USER_INPUT', OVERDUE, { r: '430181', after: 'bm9wZQ' }, await staff(), 'after');
    await fails(sg(stack), 'FORBIDDEN', OVERDUE, { r: '4306' }, await staff());
    await fails(sg(stack), 'FORBIDDEN', OVERDUE, { r: '430181' }, await lead());
    await fails(sg(stack), 'UNAUTHENTICATED', OVERDUE, { r: '430181' });
  });

  it('S-5: the bulletin lists a key item with its sheets, progress, hearing and vote of the period as flat rows', async () => {
    const id = await keyItem({ dueOn: '2026-06-20' });
    await ok(
      sg(stack),
      `mutation($id: ID!) { reportHandlingProgress(id: $id, input: {percent: 60, content: "路基完成", difficulties: "雨季"}) { id } }`,
      { id },
      await lead(),
    );
    await ok(
      sg(stack),
      HEARING,
      { id, i: { heldOn: '2026-06-15', summary: '听取汇报', decisions: '加快进度' } },
      await staff(),
    );
    await ok(sg(stack), REPLY, { id, i: { category: 'SOLVED', content: '已完工', reviewedBy: '局长' } }, await lead());
    await ok(
      sg(stack),
      VOTE,
      { id, i: { votedOn: '2026-06-15', membersPresent: 25, satisfied: 20, basicallySatisfied: 4, dissatisfied: 1 } },
      await staff(),
    );
    const data = await ok(
      sg(stack),
      BULLETIN,
      { r: '430181', from: '2026-06-01', to: '2026-06-30' },
      await tokens.analyst('4301'),
    );
    const bulletin = data.supervisionBulletin;
    const mine = bulletin.rows.filter((r: { suggestionId: string }) => r.suggestionId === id);
    expect(mine.map((r: { entry: string }) => r.entry)).toEqual(['KEY_ITEM', 'SHEET', 'PROGRESS', 'HEARING', 'VOTE']);
    expect(mine[1]).toMatchObject({
      sheetKind: 'SUPERVISION',
      dueOn: '2026-06-20',
      answeredOn: null,
      overdue: false,
      on: '2026-06-15',
    });
    expect(mine[2]).toMatchObject({ percent: 60, text: '路基完成', detail: '雨季' });
    expect(mine[3]).toMatchObject({ text: '听取汇报', detail: '加快进度' });
    expect(mine[4]).toMatchObject({ membersPresent: 25, satisfied: 20, basicallySatisfied: 4, dissatisfied: 1 });
    expect(mine[0]).toMatchObject({ text: 'SOLVED', overdue: false });
    expect(bulletin.keyItems).toBe(new Set(bulletin.rows.map((r: { suggestionId: string }) => r.suggestionId)).size);
    const overdue = await ok(sg(stack), OVERDUE, { r: '430181' }, await staff());
    expect(bulletin.overdueSheets).toBe(overdue.overdueSheets.totalCount);
    // The item was assigned after January: a January bulletin does not list it.
    const earlier = await ok(sg(stack), BULLETIN, { r: '430181', from: '2026-01-01', to: '2026-01-31' }, await staff());
    expect(earlier.supervisionBulletin.rows.filter((r: { suggestionId: string }) => r.suggestionId === id)).toEqual([]);
  });

  it('S-5: the bulletin refuses a reversed or over-long period and callers outside the region', async () => {
    const q = (from: string, to: string) => ({ r: '430181', from, to });
    await fails(sg(stack), 'BAD_USER_INPUT', BULLETIN, q('2026-06-30', '2026-06-01'), await staff(), 'from');
    await fails(sg(stack), 'BAD_USER_INPUT', BULLETIN, q('2025-01-01', '2026-06-01'), await staff(), 'to');
    await fails(sg(stack), 'FORBIDDEN', BULLETIN, q('2026-06-01', '2026-06-30'), await tokens.staff('4306'));
    await fails(sg(stack), 'FORBIDDEN', BULLETIN, q('2026-06-01', '2026-06-30'), await lead());
  });
});

describe('readable actors', () => {
  it('S-3: steps, sheets and replies say who acted by name, role and unit, keeping the token subject in `by`', async () => {
    const id = await fileSuggestion(stack, world);
    await markKey(id);
    const named = await tokenFor({ role: 'STAFF', region: '430181', sub: 'staff-x', name: '人大办 周敏' });
    await ok(
      sg(stack),
      `mutation($id: ID!, $u: ID!) { assignSuggestion(id: $id, input: {grade: LEVEL_4, leadOfficial: "副局长", units: [{unitId: $u, role: LEAD}]}) { id } }`,
      { id, u: world.units.transport },
      named,
    );
    const handler = await tokenFor({
      role: 'HANDLER',
      region: '430181',
      unit: world.units.transport,
      sub: 'h-x',
      name: '交通局 李华',
    });
    await ok(sg(stack), 'mutation($id: ID!) { startHandling(id: $id) { id } }', { id }, handler);
    const sheetId = (
      await ok(
        sg(stack),
        ISSUE,
        { id, i: { kind: 'SUPERVISION', unitId: world.units.transport, dueOn: '2026-07-01', content: '督办' } },
        named,
      )
    ).issueSheet.id;
    await ok(sg(stack), 'mutation($s: ID!) { answerSheet(sheetId: $s) { id } }', { s: sheetId }, handler);
    await ok(sg(stack), REPLY, { id, i: { category: 'PLANNED', content: '计划实施', reviewedBy: '局长' } }, handler);
    const q = `query($id: ID!) { suggestion(id: $id) { steps { stage by actor { name role unitId } }
      sheets { issuedBy { name role unitId } answeredBy { name role unitId } } reply { repliedBy { name role unitId } } } }`;
    const item = (await ok(sg(stack), q, { id }, await tokens.admin())).suggestion;
    const staffActor = { name: '人大办 周敏', role: 'STAFF', unitId: null };
    const handlerActor = { name: '交通局 李华', role: 'HANDLER', unitId: world.units.transport };
    expect(item.steps.map((s: { stage: string; by: string; actor: unknown }) => [s.stage, s.by, s.actor])).toEqual([
      [
        'RECEIVED',
        `deputy-${world.county.deputies[0]}`,
        { name: `deputy-${world.county.deputies[0]}`, role: 'DEPUTY', unitId: null },
      ],
      ['ASSIGNED', 'staff-x', staffActor],
      ['HANDLING', 'h-x', handlerActor],
      ['SUPERVISED', 'staff-x', staffActor],
      ['REVIEWED', 'h-x', handlerActor],
      ['REPLIED', 'h-x', handlerActor],
    ]);
    expect(item.sheets).toEqual([{ issuedBy: staffActor, answeredBy: handlerActor }]);
    expect(item.reply.repliedBy).toEqual(handlerActor);
  });
});
