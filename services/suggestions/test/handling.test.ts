import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestStack } from '@renda/testing/services';
import { tokenFor, tokens } from '@renda/testing/tokens';
import { fails, ok } from '@renda/testing/graphql';
import { countStatements } from '@renda/db/orm';
import { buildWorld, driveTo, fileSuggestion, sg, startStack, type World } from './support.ts';

let stack: TestStack;
let world: World;
beforeAll(async () => {
  stack = await startStack();
  world = await buildWorld(stack);
});
afterAll(() => stack?.stop());

const PROGRESS = `mutation($id: ID!, $i: HandlingProgressInput!) { reportHandlingProgress(id: $id, input: $i) {
  id round percent content difficulties reportedOn unit { id } actor { name role unitId } } }`;
const CONTRIBUTE = `mutation($id: ID!, $c: String!) { contributeToLead(id: $id, content: $c) {
  unit { id } leadUnit { id } content sentOn actor { name role unitId } } }`;
const CONTACT = `mutation($id: ID!, $i: DeputyContactInput!) { logDeputyContact(id: $id, input: $i) {
  id phase method summary contactedOn unit { id } actor { name role unitId } deputyReply } }`;
const ANSWER = `mutation($c: ID!, $r: String!) { answerDeputyContact(contactId: $c, reply: $r) { id deputyReply deputyRepliedAt } }`;
const RECORD = `query($id: ID!) { suggestion(id: $id) {
  progressReports { percent content difficulties actor { name role unitId } }
  contributions { unit { id } leadUnit { id } content }
  deputyContacts { id phase method summary deputyReply actor { name role } } } }`;

const record = async (id: string) => (await ok(sg(stack), RECORD, { id }, await tokens.admin())).suggestion;
const lead = () => tokens.handler('430181', world.units.transport);
const coHandler = () => tokens.handler('430181', world.units.education);
const leadDeputy = () => tokens.deputy('430181', world.county.deputies[0]!);

describe('progress reports (办理进度)', () => {
  it('S-10: the lead unit reports percent, progress and difficulties; the record names the person, role and unit', async () => {
    const id = await fileSuggestion(stack, world);
    await driveTo(stack, world, id, 'HANDLING');
    const named = await tokenFor({
      role: 'HANDLER',
      region: '430181',
      unit: world.units.transport,
      sub: 'h-1',
      name: '交通局 李华',
    });
    const data = await ok(
      sg(stack),
      PROGRESS,
      { id, i: { percent: 40, content: '已完成勘测设计', difficulties: '资金缺口 200 万元' } },
      named,
    );
    expect(data.reportHandlingProgress).toMatchObject({
      round: 1,
      percent: 40,
      content: '已完成勘测设计',
      difficulties: '资金缺口 200 万元',
      reportedOn: '2026-06-15',
      unit: { id: world.units.transport },
      actor: { name: '交通局 李华', role: 'HANDLER', unitId: world.units.transport },
    });
    await ok(sg(stack), PROGRESS, { id, i: { percent: 70, content: '开工建设' } }, await tokens.staff('430181'));
    const item = await record(id);
    expect(item.progressReports.map((p: { percent: number }) => p.percent)).toEqual([40, 70]);
    expect(item.progressReports[1].actor).toEqual({ name: 'staff-430181', role: 'STAFF', unitId: null });
  });

  it("S-10: a co-handler reporting progress on the lead unit's behalf is FORBIDDEN, as are other roles, and nothing is kept", async () => {
    const id = await fileSuggestion(stack, world);
    await driveTo(stack, world, id, 'HANDLING');
    const i = { percent: 50, content: '进展' };
    await fails(sg(stack), 'FORBIDDEN', PROGRESS, { id, i }, await coHandler());
    await fails(sg(stack), 'FORBIDDEN', PROGRESS, { id, i }, await tokens.handler('430181', world.units.water));
    await fails(sg(stack), 'FORBIDDEN', PROGRESS, { id, i }, await leadDeputy());
    await fails(sg(stack), 'FORBIDDEN', PROGRESS, { id, i }, await tokens.analyst('430181'));
    await fails(sg(stack), 'UNAUTHENTICATED', PROGRESS, { id, i });
    expect((await record(id)).progressReports).toEqual([]);
  });

  it('S-10: percent outside 0-100, empty text, or an item not in handling is refused and nothing is kept', async () => {
    const id = await fileSuggestion(stack, world);
    await driveTo(stack, world, id, 'ASSIGNED');
    await fails(sg(stack), 'CONFLICT', PROGRESS, { id, i: { percent: 10, content: '尚未开始' } }, await lead());
    await ok(sg(stack), 'mutation($id: ID!) { startHandling(id: $id) { id } }', { id }, await lead());
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      PROGRESS,
      { id, i: { percent: 101, content: 'x' } },
      await lead(),
      'input.percent',
    );
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      PROGRESS,
      { id, i: { percent: -1, content: 'x' } },
      await lead(),
      'input.percent',
    );
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      PROGRESS,
      { id, i: { percent: 20, content: '  ' } },
      await lead(),
      'input.content',
    );
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      PROGRESS,
      { id: 'nope', i: { percent: 20, content: 'x' } },
      await lead(),
      'id',
    );
    expect((await record(id)).progressReports).toEqual([]);
    await ok(sg(stack), PROGRESS, { id, i: { percent: 100, content: '完成' } }, await lead());
    await ok(sg(stack), PROGRESS, { id, i: { percent: 0, content: '重新评估' } }, await lead());
    expect((await record(id)).progressReports.map((p: { percent: number }) => p.percent)).toEqual([100, 0]);
  });
});

describe("co-handlers' contributions (协办意见)", () => {
  it('S-10: a co-handler sends its part to the lead unit', async () => {
    const id = await fileSuggestion(stack, world);
    await driveTo(stack, world, id, 'HANDLING');
    const data = await ok(sg(stack), CONTRIBUTE, { id, c: '教育局意见: 沿线学校路段需设减速带' }, await coHandler());
    expect(data.contributeToLead).toMatchObject({
      unit: { id: world.units.education },
      leadUnit: { id: world.units.transport },
      sentOn: '2026-06-15',
      actor: { role: 'HANDLER', unitId: world.units.education },
    });
    expect((await record(id)).contributions).toEqual([
      {
        unit: { id: world.units.education },
        leadUnit: { id: world.units.transport },
        content: '教育局意见: 沿线学校路段需设减速带',
      },
    ]);
  });

  it("S-10: the lead unit, staff and strangers cannot send a co-handler's part; after the reply it is CONFLICT", async () => {
    const id = await fileSuggestion(stack, world);
    await driveTo(stack, world, id, 'HANDLING');
    await fails(sg(stack), 'FORBIDDEN', CONTRIBUTE, { id, c: 'x' }, await lead());
    await fails(sg(stack), 'FORBIDDEN', CONTRIBUTE, { id, c: 'x' }, await tokens.staff('430181'));
    await fails(sg(stack), 'FORBIDDEN', CONTRIBUTE, { id, c: 'x' }, await tokens.handler('430181', world.units.water));
    await fails(sg(stack), 'BAD_USER_INPUT', CONTRIBUTE, { id, c: ' ' }, await coHandler(), 'content');
    const other = await fileSuggestion(stack, world);
    await driveTo(stack, world, other, 'REPLIED');
    await fails(sg(stack), 'CONFLICT', CONTRIBUTE, { id: other, c: '迟到的意见' }, await coHandler());
    expect((await record(id)).contributions).toEqual([]);
    expect((await record(other)).contributions).toEqual([]);
  });
});

describe('contacts with the deputy (前期、中期、后期沟通)', () => {
  it('S-10: the unit logs contacts before, during and after handling; the lead deputy sees them and answers', async () => {
    const id = await fileSuggestion(stack, world);
    await driveTo(stack, world, id, 'ASSIGNED');
    const before = await ok(
      sg(stack),
      CONTACT,
      { id, i: { phase: 'BEFORE', method: 'VISIT', summary: '上门了解诉求', contactedOn: '2026-06-15' } },
      await lead(),
    );
    expect(before.logDeputyContact).toMatchObject({
      phase: 'BEFORE',
      method: 'VISIT',
      unit: { id: world.units.transport },
      actor: { role: 'HANDLER' },
      deputyReply: null,
    });
    await ok(sg(stack), 'mutation($id: ID!) { startHandling(id: $id) { id } }', { id }, await lead());
    await ok(
      sg(stack),
      CONTACT,
      { id, i: { phase: 'DURING', method: 'PHONE', summary: '通报进展', contactedOn: '2026-06-15' } },
      await lead(),
    );
    await ok(
      sg(stack),
      'mutation($id: ID!) { replySuggestion(id: $id, input: {category: SOLVED, content: "已实施", reviewedBy: "局长"}) { id } }',
      { id },
      await lead(),
    );
    await ok(
      sg(stack),
      CONTACT,
      { id, i: { phase: 'AFTER', method: 'MEETING', summary: '听取代表意见', contactedOn: '2026-06-15' } },
      await tokens.staff('430181'),
    );

    const seen = await ok(sg(stack), RECORD, { id }, await leadDeputy());
    expect(seen.suggestion.deputyContacts.map((c: { phase: string }) => c.phase)).toEqual([
      'BEFORE',
      'DURING',
      'AFTER',
    ]);
    const answered = await ok(
      sg(stack),
      ANSWER,
      { c: before.logDeputyContact.id, r: '感谢沟通，请尽快施工' },
      await leadDeputy(),
    );
    expect(answered.answerDeputyContact).toMatchObject({
      deputyReply: '感谢沟通，请尽快施工',
      deputyRepliedAt: '2026-06-15T02:00:00.000Z',
    });
  });

  it('S-10: only the lead deputy answers, once; a phase that does not match the stage or a date out of range changes nothing', async () => {
    const id = await fileSuggestion(stack, world, { coSignerIds: [world.county.deputies[1]] });
    await driveTo(stack, world, id, 'HANDLING');
    const c = await ok(
      sg(stack),
      CONTACT,
      { id, i: { phase: 'DURING', method: 'PHONE', summary: '电话沟通', contactedOn: '2026-06-15' } },
      await lead(),
    );
    const contactId = c.logDeputyContact.id;
    await fails(
      sg(stack),
      'FORBIDDEN',
      ANSWER,
      { c: contactId, r: '代答' },
      await tokens.deputy('430181', world.county.deputies[1]!),
    );
    await fails(sg(stack), 'FORBIDDEN', ANSWER, { c: contactId, r: '代答' }, await lead());
    await fails(sg(stack), 'FORBIDDEN', ANSWER, { c: contactId, r: '代答' }, await tokens.staff('430181'));
    await fails(
      sg(stack),
      'NOT_FOUND',
      ANSWER,
      { c: '0190a6a0-0000-7000-8000-000000000000', r: 'x' },
      await leadDeputy(),
      'contactId',
    );
    await fails(sg(stack), 'BAD_USER_INPUT', ANSWER, { c: 'x', r: 'x' }, await leadDeputy(), 'contactId');
    await ok(sg(stack), ANSWER, { c: contactId, r: '好的' }, await leadDeputy());
    await fails(sg(stack), 'CONFLICT', ANSWER, { c: contactId, r: '改口' }, await leadDeputy());

    const i = (extra: Record<string, unknown>) => ({
      phase: 'DURING',
      method: 'PHONE',
      summary: '沟通',
      contactedOn: '2026-06-15',
      ...extra,
    });
    await fails(sg(stack), 'CONFLICT', CONTACT, { id, i: i({ phase: 'AFTER' }) }, await lead());
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      CONTACT,
      { id, i: i({ contactedOn: '2026-06-16' }) },
      await lead(),
      'input.contactedOn',
    );
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      CONTACT,
      { id, i: i({ contactedOn: '2026-06-14' }) },
      await lead(),
      'input.contactedOn',
    );
    await fails(sg(stack), 'FORBIDDEN', CONTACT, { id, i: i({}) }, await coHandler());
    await fails(sg(stack), 'FORBIDDEN', CONTACT, { id, i: i({}) }, await leadDeputy());
    const item = await record(id);
    expect(item.deputyContacts).toEqual([
      {
        id: contactId,
        phase: 'DURING',
        method: 'PHONE',
        summary: '电话沟通',
        deputyReply: '好的',
        actor: { name: `handler-${world.units.transport}`, role: 'HANDLER' },
      },
    ]);
  });

  it('S-10: a co-signer and handlers of other units do not read the contacts', async () => {
    const id = await fileSuggestion(stack, world, { coSignerIds: [world.county.deputies[1]] });
    await driveTo(stack, world, id, 'HANDLING');
    const outsider = await tokens.handler('430181', world.units.water);
    const res = await sg(stack).execute(RECORD, { id }, outsider);
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('reading the handling record in batches', () => {
  it('S-10: the record of many items loads in a bounded number of statements, whatever the number of items', async () => {
    const q = `query($n: Int) { suggestions(first: $n) { edges { node { id progressReports { percent } contributions { content }
      deputyContacts { phase } keyHearings { heldOn } committeeVotes { round } steps { actor { name } } } } } }`;
    const admin = await tokens.admin();
    const statements = async (n: number) => {
      const counter = countStatements(stack.services.suggestions!.orm);
      try {
        const data = await ok(sg(stack), q, { n }, admin);
        expect(data.suggestions.edges.length).toBe(n);
        return counter.count();
      } finally {
        counter.stop();
      }
    };
    const few = await statements(2);
    const many = await statements(8);
    expect(many).toBe(few);
    expect(many).toBeLessThanOrEqual(11);
  });
});
