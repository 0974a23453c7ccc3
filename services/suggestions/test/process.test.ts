import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestStack } from '@renda/testing/services';
import { tokens } from '@renda/testing/tokens';
import { fails, ok } from '@renda/testing/graphql';
import {
  ASSIGN,
  buildWorld,
  driveTo,
  fileSuggestion,
  ITEM,
  REPLY,
  sg,
  START,
  startStack,
  STEP,
  type World,
} from './support.ts';

let stack: TestStack;
let world: World;
beforeAll(async () => {
  stack = await startStack();
  world = await buildWorld(stack);
});
afterAll(() => stack?.stop());

const read = async (id: string) => (await ok(sg(stack), ITEM, { id }, await tokens.admin())).suggestion;
const units = () => [
  { unitId: world.units.transport, role: 'LEAD' },
  { unitId: world.units.education, role: 'CO_HANDLER' },
];
const ISSUE = `mutation($id: ID!, $i: IssueSheetInput!) { issueSheet(id: $id, input: $i) { id kind unit { id } issuedOn dueOn answeredOn suggestion { stage } } }`;

describe('assignment (交办)', () => {
  it('S-2: grade, lead official, one lead unit and co-handlers are recorded', async () => {
    const id = await fileSuggestion(stack, world);
    const data = await ok(
      sg(stack),
      ASSIGN,
      { id, i: { grade: 'LEVEL_2', leadOfficial: '副市长 赵刚', units: units() } },
      await tokens.staff('430181'),
    );
    expect(data.assignSuggestion).toMatchObject({ stage: 'ASSIGNED', grade: 'LEVEL_2', leadOfficial: '副市长 赵刚' });
    expect(data.assignSuggestion.units).toEqual([
      { unit: { id: world.units.transport }, role: 'LEAD' },
      { unit: { id: world.units.education }, role: 'CO_HANDLER' },
    ]);
  });

  it('S-4: exactly one LEAD unit; unknown, malformed or wrong-kind unit ids are BAD_USER_INPUT and nothing changes', async () => {
    const id = await fileSuggestion(stack, world);
    const staff = await tokens.staff('430181');
    const i = (u: unknown[]) => ({ grade: 'LEVEL_4', leadOfficial: '副局长', units: u });
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      ASSIGN,
      { id, i: i([{ unitId: world.units.transport, role: 'CO_HANDLER' }]) },
      staff,
      'input.units',
    );
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      ASSIGN,
      {
        id,
        i: i([
          { unitId: world.units.transport, role: 'LEAD' },
          { unitId: world.units.education, role: 'LEAD' },
        ]),
      },
      staff,
      'input.units',
    );
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      ASSIGN,
      {
        id,
        i: i([
          { unitId: world.units.transport, role: 'LEAD' },
          { unitId: world.units.transport, role: 'CO_HANDLER' },
        ]),
      },
      staff,
      'input.units',
    );
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      ASSIGN,
      { id, i: i([{ unitId: '0190a6a0-0000-7000-8000-000000000000', role: 'LEAD' }]) },
      staff,
      'input.units[0].unitId',
    );
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      ASSIGN,
      { id, i: i([{ unitId: 'transport', role: 'LEAD' }]) },
      staff,
      'input.units[0].unitId',
    );
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      ASSIGN,
      {
        id,
        i: i([
          { unitId: world.units.transport, role: 'LEAD' },
          { unitId: world.county.deputies[0], role: 'CO_HANDLER' },
        ]),
      },
      staff,
      'input.units[1].unitId',
    );
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      ASSIGN,
      { id, i: i([{ unitId: world.units.yueyang, role: 'LEAD' }]) },
      staff,
      'input.units[0].unitId',
    );
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      ASSIGN,
      { id, i: { ...i(units()), leadOfficial: ' ' } },
      staff,
      'input.leadOfficial',
    );
    const item = await read(id);
    expect(item.stage).toBe('RECEIVED');
    expect(item.steps.map((s: { stage: string }) => s.stage)).toEqual(['RECEIVED']);
  });

  it('S-4: the reply is due 3 months after assignment, 6 for complex items, clamped to the month end', async () => {
    stack.clock.set('2026-11-30T02:00:00Z');
    try {
      const staff = await tokens.staff('430181');
      const a = await fileSuggestion(stack, world);
      const b = await fileSuggestion(stack, world);
      const plain = await ok(
        sg(stack),
        ASSIGN,
        { id: a, i: { grade: 'LEVEL_4', leadOfficial: '副局长', units: units() } },
        staff,
      );
      expect(plain.assignSuggestion).toMatchObject({ assignedOn: '2026-11-30', replyDueOn: '2027-02-28' });
      const complex = await ok(
        sg(stack),
        ASSIGN,
        { id: b, i: { grade: 'LEVEL_1', leadOfficial: '市长', units: units(), complex: true } },
        staff,
      );
      expect(complex.assignSuggestion.replyDueOn).toBe('2027-05-30');
    } finally {
      stack.clock.set('2026-06-15T02:00:00Z');
    }
  });

  it('S-4: an item is overdue once its due date passes without a reply; a late reply is not on time', async () => {
    const id = await fileSuggestion(stack, world);
    await driveTo(stack, world, id, 'HANDLING');
    expect((await read(id)).overdue).toBe(false);
    stack.clock.set('2026-09-15T02:00:00Z');
    expect((await read(id)).overdue).toBe(false);
    stack.clock.set('2026-09-16T02:00:00Z');
    try {
      expect((await read(id)).overdue).toBe(true);
      const overdueList = await ok(
        sg(stack),
        '{ suggestions(filter: {overdue: true}) { edges { node { id } } } }',
        {},
        await tokens.staff('430181'),
      );
      expect(overdueList.suggestions.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(id);
      const replied = await ok(
        sg(stack),
        REPLY,
        { id, i: { category: 'PLANNED', content: '列入明年计划', reviewedBy: '局长' } },
        await tokens.handler('430181', world.units.transport),
      );
      expect(replied.replySuggestion.reply).toMatchObject({
        category: 'PLANNED',
        onTime: false,
        repliedOn: '2026-09-16',
      });
      expect((await read(id)).overdue).toBe(false);
    } finally {
      stack.clock.set('2026-06-15T02:00:00Z');
    }
  });
});

describe('the 12 steps', () => {
  it('S-3: an ordinary item goes through the steps in order, each recorded with who and when', async () => {
    const id = await fileSuggestion(stack, world);
    await driveTo(stack, world, id, 'REPLIED');
    const handler = await tokens.handler('430181', world.units.transport);
    const staff = await tokens.staff('430181');
    await ok(sg(stack), STEP, { id, s: 'FOLLOWED_UP', n: '上门回访' }, handler);
    await ok(
      sg(stack),
      'mutation($id: ID!) { evaluateSuggestion(id: $id, input: {attitude: SATISFIED, result: SATISFIED}) { stage } }',
      { id },
      await tokens.deputy('430181', world.county.deputies[0]!),
    );
    await ok(sg(stack), STEP, { id, s: 'SUMMARIZED' }, handler);
    await ok(sg(stack), STEP, { id, s: 'PUBLISHED' }, staff);
    const archived = await ok(sg(stack), STEP, { id, s: 'ARCHIVED' }, staff);
    expect(archived.recordStep).toMatchObject({ stage: 'ARCHIVED', published: true });
    const item = await read(id);
    expect(item.steps.map((s: { stage: string }) => s.stage)).toEqual([
      'RECEIVED',
      'ASSIGNED',
      'HANDLING',
      'REVIEWED',
      'REPLIED',
      'FOLLOWED_UP',
      'EVALUATED',
      'SUMMARIZED',
      'PUBLISHED',
      'ARCHIVED',
    ]);
    expect(item.steps[0].by).toBe(`deputy-${world.county.deputies[0]}`);
    expect(item.steps[1].by).toBe('staff-430181');
    expect(item.steps[2].by).toBe(`handler-${world.units.transport}`);
    expect(item.steps[3].note).toBe('审核: 局长 王强');
    const at = await ok(sg(stack), 'query($id: ID!) { suggestion(id: $id) { steps { at } } }', { id }, staff);
    expect(at.suggestion.steps[0].at).toBe('2026-06-15T02:00:00.000Z');
  });

  it('S-3: a step out of order is CONFLICT and changes nothing', async () => {
    const id = await fileSuggestion(stack, world);
    const staff = await tokens.staff('430181');
    const handler = await tokens.handler('430181', world.units.transport);
    await fails(sg(stack), 'CONFLICT', START, { id }, staff);
    await driveTo(stack, world, id, 'ASSIGNED');
    await fails(
      sg(stack),
      'CONFLICT',
      REPLY,
      { id, i: { category: 'SOLVED', content: '已解决', reviewedBy: '局长' } },
      handler,
    );
    await fails(sg(stack), 'CONFLICT', STEP, { id, s: 'PUBLISHED' }, staff);
    await fails(
      sg(stack),
      'CONFLICT',
      ASSIGN,
      { id, i: { grade: 'LEVEL_4', leadOfficial: '副局长', units: units() } },
      staff,
    );
    await ok(sg(stack), START, { id }, handler);
    await fails(sg(stack), 'CONFLICT', START, { id }, handler);
    await fails(sg(stack), 'CONFLICT', STEP, { id, s: 'INSPECTED' }, staff);
    await fails(sg(stack), 'BAD_USER_INPUT', STEP, { id, s: 'REPLIED' }, staff, 'stage');
    const item = await read(id);
    expect(item.stage).toBe('HANDLING');
    expect(item.steps).toHaveLength(3);
    expect(item.reply).toBeNull();
  });

  it('S-3: two racing requests for the same step: one takes it, the other gets CONFLICT', async () => {
    const id = await fileSuggestion(stack, world);
    await driveTo(stack, world, id, 'ASSIGNED');
    const handler = await tokens.handler('430181', world.units.transport);
    const results = await Promise.all([0, 1, 2].map(() => sg(stack).execute(START, { id }, handler)));
    const codes = results.map((r) => (r.errors?.length ? r.errors[0]!.extensions?.code : 'OK')).sort();
    expect(codes).toEqual(['CONFLICT', 'CONFLICT', 'OK']);
    expect((await read(id)).steps.map((s: { stage: string }) => s.stage)).toEqual(['RECEIVED', 'ASSIGNED', 'HANDLING']);
  });

  it('S-3: optional 督办 and 视察 may be taken by ordinary items', async () => {
    const id = await fileSuggestion(stack, world);
    await driveTo(stack, world, id, 'HANDLING');
    const staff = await tokens.staff('430181');
    await ok(sg(stack), STEP, { id, s: 'SUPERVISED', n: '电话督办' }, staff);
    await ok(sg(stack), REPLY, { id, i: { category: 'SOLVED', content: '已解决', reviewedBy: '局长' } }, staff);
    await ok(sg(stack), STEP, { id, s: 'INSPECTED', n: '人大视察' }, staff);
    await ok(sg(stack), STEP, { id, s: 'FOLLOWED_UP' }, staff);
    expect((await read(id)).steps.map((s: { stage: string }) => s.stage)).toEqual([
      'RECEIVED',
      'ASSIGNED',
      'HANDLING',
      'SUPERVISED',
      'REVIEWED',
      'REPLIED',
      'INSPECTED',
      'FOLLOWED_UP',
    ]);
  });

  it('S-6: the reply carries its category; review and reply are two steps', async () => {
    const id = await fileSuggestion(stack, world);
    await driveTo(stack, world, id, 'REPLIED', 'EXPLAINED');
    const item = await read(id);
    expect(item.reply).toEqual({ category: 'EXPLAINED', onTime: true });
    expect(item.steps.slice(-2).map((s: { stage: string }) => s.stage)).toEqual(['REVIEWED', 'REPLIED']);
  });

  it('S-6: an empty reply is BAD_USER_INPUT and changes nothing', async () => {
    const id = await fileSuggestion(stack, world);
    await driveTo(stack, world, id, 'HANDLING');
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      REPLY,
      { id, i: { category: 'SOLVED', content: ' ', reviewedBy: '局长' } },
      await tokens.staff('430181'),
      'input.content',
    );
    expect((await read(id)).stage).toBe('HANDLING');
  });
});

describe('key items and the three sheets', () => {
  it('S-5: a key item may not skip 督办 or 视察', async () => {
    const id = await fileSuggestion(stack, world);
    const staff = await tokens.staff('430181');
    const handler = await tokens.handler('430181', world.units.transport);
    const marked = await ok(
      sg(stack),
      'mutation($id: ID!) { markKey(id: $id, supervisor: "常委会副主任 陈红") { isKey keySupervisor } }',
      { id },
      staff,
    );
    expect(marked.markKey).toEqual({ isKey: true, keySupervisor: '常委会副主任 陈红' });
    await fails(
      sg(stack),
      'CONFLICT',
      'mutation($id: ID!) { markKey(id: $id, supervisor: "x") { isKey } }',
      { id },
      staff,
    );
    await driveTo(stack, world, id, 'HANDLING');
    await fails(
      sg(stack),
      'CONFLICT',
      REPLY,
      { id, i: { category: 'SOLVED', content: '已解决', reviewedBy: '局长' } },
      handler,
    );
    const sheet = await ok(
      sg(stack),
      ISSUE,
      { id, i: { kind: 'SUPERVISION', unitId: world.units.transport, dueOn: '2026-07-15', content: '请加快办理' } },
      staff,
    );
    expect(sheet.issueSheet).toMatchObject({
      kind: 'SUPERVISION',
      unit: { id: world.units.transport },
      issuedOn: '2026-06-15',
      answeredOn: null,
      suggestion: { stage: 'SUPERVISED' },
    });
    await ok(sg(stack), REPLY, { id, i: { category: 'SOLVED', content: '已解决', reviewedBy: '局长' } }, handler);
    await fails(sg(stack), 'CONFLICT', STEP, { id, s: 'FOLLOWED_UP' }, handler);
    await ok(sg(stack), STEP, { id, s: 'INSPECTED', n: '主任会议成员视察' }, staff);
    await ok(sg(stack), STEP, { id, s: 'FOLLOWED_UP' }, handler);
    expect((await read(id)).steps.map((s: { stage: string }) => s.stage)).toEqual([
      'RECEIVED',
      'ASSIGNED',
      'HANDLING',
      'SUPERVISED',
      'REVIEWED',
      'REPLIED',
      'INSPECTED',
      'FOLLOWED_UP',
    ]);
  });

  it('S-5: the three sheets are issued by staff and answered by the unit they name', async () => {
    const id = await fileSuggestion(stack, world);
    const staff = await tokens.staff('430181');
    await fails(
      sg(stack),
      'CONFLICT',
      ISSUE,
      { id, i: { kind: 'ASSIGNMENT', unitId: world.units.transport, dueOn: '2026-07-01', content: '交办' } },
      staff,
    );
    await ok(sg(stack), 'mutation($id: ID!) { markKey(id: $id, supervisor: "陈红") { isKey } }', { id }, staff);
    await driveTo(stack, world, id, 'ASSIGNED');
    const assignment = await ok(
      sg(stack),
      ISSUE,
      { id, i: { kind: 'ASSIGNMENT', unitId: world.units.transport, dueOn: '2026-07-01', content: '交办' } },
      staff,
    );
    const reminder = await ok(
      sg(stack),
      ISSUE,
      { id, i: { kind: 'REMINDER', unitId: world.units.education, dueOn: '2026-06-20', content: '催办' } },
      staff,
    );
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      ISSUE,
      { id, i: { kind: 'REMINDER', unitId: world.units.water, dueOn: '2026-07-01', content: '催办' } },
      staff,
      'input.unitId',
    );
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      ISSUE,
      { id, i: { kind: 'REMINDER', unitId: world.units.transport, dueOn: '2026-06-01', content: '催办' } },
      staff,
      'input.dueOn',
    );
    await fails(
      sg(stack),
      'FORBIDDEN',
      ISSUE,
      { id, i: { kind: 'REMINDER', unitId: world.units.transport, dueOn: '2026-07-01', content: '催办' } },
      await tokens.handler('430181', world.units.transport),
    );
    const ANSWER = 'mutation($s: ID!) { answerSheet(sheetId: $s) { id answeredOn } }';
    await fails(
      sg(stack),
      'FORBIDDEN',
      ANSWER,
      { s: reminder.issueSheet.id },
      await tokens.handler('430181', world.units.transport),
    );
    const answered = await ok(
      sg(stack),
      ANSWER,
      { s: reminder.issueSheet.id },
      await tokens.handler('430181', world.units.education),
    );
    expect(answered.answerSheet.answeredOn).toBe('2026-06-15');
    await fails(sg(stack), 'CONFLICT', ANSWER, { s: reminder.issueSheet.id }, staff);
    await ok(sg(stack), ANSWER, { s: assignment.issueSheet.id }, staff);
    await fails(sg(stack), 'NOT_FOUND', ANSWER, { s: '0190a6a0-0000-7000-8000-000000000000' }, staff);
    const sheets = await ok(
      sg(stack),
      'query($id: ID!) { suggestion(id: $id) { stage sheets { kind answeredOn } } }',
      { id },
      staff,
    );
    expect(sheets.suggestion.stage).toBe('ASSIGNED');
    expect(sheets.suggestion.sheets.map((s: { kind: string }) => s.kind)).toEqual(['ASSIGNMENT', 'REMINDER']);
  });
});

describe('who may take which step', () => {
  it('access: staff assign in their subtree only; handlers, deputies and analysts may not assign', async () => {
    const id = await fileSuggestion(stack, world);
    const i = { grade: 'LEVEL_4', leadOfficial: '副局长', units: units() };
    await fails(sg(stack), 'FORBIDDEN', ASSIGN, { id, i }, await tokens.staff('4306'));
    await fails(sg(stack), 'FORBIDDEN', ASSIGN, { id, i }, await tokens.handler('430181', world.units.transport));
    await fails(sg(stack), 'FORBIDDEN', ASSIGN, { id, i }, await tokens.deputy('430181', world.county.deputies[0]!));
    await fails(sg(stack), 'FORBIDDEN', ASSIGN, { id, i }, await tokens.analyst('43'));
    await fails(sg(stack), 'UNAUTHENTICATED', ASSIGN, { id, i });
    await fails(
      sg(stack),
      'NOT_FOUND',
      ASSIGN,
      { id: '0190a6a0-0000-7000-8000-000000000000', i },
      await tokens.staff('430181'),
    );
    const crowd = [
      units()[0]!,
      ...Array.from({ length: 20 }, (_, n) => ({
        unitId: `0190a6a0-0000-7000-8000-${String(n).padStart(12, '0')}`,
        role: 'CO_HANDLER',
      })),
    ];
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      ASSIGN,
      { id, i: { ...i, units: crowd } },
      await tokens.staff('430181'),
      'input.units',
    );
    expect((await read(id)).stage).toBe('RECEIVED');
  });

  it('access: only the lead unit handles and replies; a co-handler may not', async () => {
    const id = await fileSuggestion(stack, world);
    await driveTo(stack, world, id, 'ASSIGNED');
    await fails(sg(stack), 'FORBIDDEN', START, { id }, await tokens.handler('430181', world.units.education));
    await fails(sg(stack), 'FORBIDDEN', START, { id }, await tokens.analyst('430181'));
    await ok(sg(stack), START, { id }, await tokens.handler('430181', world.units.transport));
    await fails(
      sg(stack),
      'FORBIDDEN',
      REPLY,
      { id, i: { category: 'SOLVED', content: 'x', reviewedBy: 'y' } },
      await tokens.handler('430181', world.units.education),
    );
    await fails(
      sg(stack),
      'FORBIDDEN',
      STEP,
      { id, s: 'SUPERVISED' },
      await tokens.handler('430181', world.units.transport),
    );
  });
});

describe('review: bad input writes nothing', () => {
  it('S-5: a sheet due far in the future (beyond a year) is BAD_USER_INPUT on input.dueOn and issues nothing', async () => {
    const id = await fileSuggestion(stack, world);
    const staff = await tokens.staff('430181');
    await ok(sg(stack), 'mutation($id: ID!) { markKey(id: $id, supervisor: "陈红") { isKey } }', { id }, staff);
    await driveTo(stack, world, id, 'ASSIGNED');
    for (const dueOn of ['9999-12-31', '2027-06-16']) {
      await fails(
        sg(stack),
        'BAD_USER_INPUT',
        ISSUE,
        { id, i: { kind: 'ASSIGNMENT', unitId: world.units.transport, dueOn, content: '交办' } },
        staff,
        'input.dueOn',
      );
    }
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      ISSUE,
      { id, i: { kind: 'ASSIGNMENT', unitId: world.units.transport, dueOn: '0001-01-01', content: '交办' } },
      staff,
    );
    const sheets = await ok(sg(stack), 'query($id: ID!) { suggestion(id: $id) { sheets { id } } }', { id }, staff);
    expect(sheets.suggestion.sheets).toEqual([]);
    await ok(
      sg(stack),
      ISSUE,
      { id, i: { kind: 'ASSIGNMENT', unitId: world.units.transport, dueOn: '2027-06-15', content: '交办' } },
      staff,
    );
  });

  it('access: an over-long search text is BAD_USER_INPUT on filter.text', async () => {
    const staff = await tokens.staff('430181');
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      'query($t: String) { suggestions(filter: { text: $t }) { totalCount } }',
      { t: '路'.repeat(100_000) },
      staff,
      'filter.text',
    );
    await ok(sg(stack), 'query($t: String) { suggestions(filter: { text: $t }) { totalCount } }', { t: '公路' }, staff);
  });

  it('D-7: Deputy.suggestions and GovernmentUnit.handledSuggestions refuse an absurd year (BAD_USER_INPUT, not an empty list)', async () => {
    const admin = await tokens.admin();
    const q =
      'query($r: [_Any!]!, $y: Int) { _entities(representations: $r) { ... on Deputy { suggestions(year: $y) { id } } ... on GovernmentUnit { handledSuggestions(year: $y) { id } } } }';
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      q,
      { r: [{ __typename: 'Deputy', id: world.county.deputies[0] }], y: -5 },
      admin,
      'year',
    );
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      q,
      { r: [{ __typename: 'GovernmentUnit', id: world.units.transport }], y: 99999 },
      admin,
      'year',
    );
    await ok(
      sg(stack),
      q,
      {
        r: [
          { __typename: 'Deputy', id: world.county.deputies[0] },
          { __typename: 'GovernmentUnit', id: world.units.transport },
        ],
        y: 2026,
      },
      admin,
    );
  });
});
