import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestStack } from '@renda/testing/services';
import { tokens } from '@renda/testing/tokens';
import { fails, ok } from '@renda/testing/graphql';
import { buildWorld, driveTo, fileSuggestion, REPLY, sg, startStack, type World } from './support.ts';

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
