import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestStack } from '@renda/testing/services';
import { tokens } from '@renda/testing/tokens';
import { fails, ok } from '@renda/testing/graphql';
import { buildWorld, driveTo, EVALUATE, fileSuggestion, sg, startStack, STEP, type World } from './support.ts';

let stack: TestStack;
let world: World;
beforeAll(async () => {
  stack = await startStack();
  world = await buildWorld(stack);
});
afterAll(() => stack?.stop());

const RATE = `mutation($id: ID!, $i: ProposalEvaluationInput!) { evaluateProposal(id: $id, input: $i) {
  stage round rehandling evaluations { round attitude result raterName enteredBy coercionRisk } } }`;
const BY_KIND = `query($code: ID!) { _entities(representations: [{__typename: "Region", code: $code}]) { ... on Region {
  satisfactionByKind(year: 2026) { kind evaluated satisfied basicallySatisfied dissatisfied satisfactionRate }
  suggestionStats(year: 2026) { evaluated satisfied } } } }`;
const READ = `query($id: ID!) { suggestion(id: $id) { stage evaluations { round result } steps { stage } } }`;

const staff = () => tokens.staff('430181');
async function proposal(region = '430181'): Promise<string> {
  const filed = await ok(
    sg(stack),
    'mutation($r: ID!) { submitSuggestion(input: {kind: CPPCC_PROPOSAL, regionCode: $r, title: "提案", content: "内容", proposerName: "委员 张三"}) { id } }',
    { r: region },
    await tokens.staff(region),
  );
  return filed.submitSuggestion.id;
}
const figures = async (code: string) =>
  (await ok(sg(stack), BY_KIND, { code }, await tokens.analyst(code)))._entities[0];

describe("CPPCC members' ratings of their proposals (政协委员评价)", () => {
  it("S-10: staff enter the proposer's own form; the rating is kept with the member named and counts in the figures by kind", async () => {
    const id = await proposal('430181104');
    await driveTo(stack, world, id, 'FOLLOWED_UP');
    const before = await figures('430181104');
    expect(before.satisfactionByKind).toEqual([]);
    const data = await ok(
      sg(stack),
      RATE,
      {
        id,
        i: { proposerName: '委员 张三', attitude: 'SATISFIED', result: 'BASICALLY_SATISFIED', comment: '基本解决' },
      },
      await staff(),
    );
    expect(data.evaluateProposal).toMatchObject({
      stage: 'EVALUATED',
      evaluations: [
        {
          round: 1,
          attitude: 'SATISFIED',
          result: 'BASICALLY_SATISFIED',
          raterName: '委员 张三',
          enteredBy: 'staff-430181',
          coercionRisk: false,
        },
      ],
    });
    const deputyItem = await fileSuggestion(stack, world, {
      regionCode: '430181104',
      sessionId: world.township.sessionId,
      leadDeputyId: world.township.deputies[0],
    });
    await driveTo(stack, world, deputyItem, 'FOLLOWED_UP');
    await ok(
      sg(stack),
      EVALUATE,
      { id: deputyItem, i: { attitude: 'DISSATISFIED', result: 'SATISFIED' } },
      await tokens.deputy('430181104', world.township.deputies[0]!),
    );
    const after = await figures('430181104');
    expect(after.satisfactionByKind).toEqual([
      {
        kind: 'CPPCC_PROPOSAL',
        evaluated: 1,
        satisfied: 0,
        basicallySatisfied: 1,
        dissatisfied: 0,
        satisfactionRate: 1,
      },
      { kind: 'SUGGESTION', evaluated: 1, satisfied: 1, basicallySatisfied: 0, dissatisfied: 0, satisfactionRate: 1 },
    ]);
    expect(after.suggestionStats).toEqual({ evaluated: 2, satisfied: 1 });
  });

  it('S-10: a dissatisfied member sends the proposal back to handling once, like a deputy', async () => {
    const id = await proposal();
    await driveTo(stack, world, id, 'FOLLOWED_UP', 'EXPLAINED');
    const data = await ok(
      sg(stack),
      RATE,
      { id, i: { proposerName: '委员 张三', attitude: 'BASICALLY_SATISFIED', result: 'DISSATISFIED' } },
      await staff(),
    );
    expect(data.evaluateProposal).toMatchObject({ stage: 'HANDLING', round: 2, rehandling: true });
  });

  it("S-10: handlers (被满意), another member's name, other kinds and a second rating are refused and nothing is kept", async () => {
    const id = await proposal();
    await driveTo(stack, world, id, 'FOLLOWED_UP');
    const i = { proposerName: '委员 张三', attitude: 'SATISFIED', result: 'SATISFIED' };
    await fails(sg(stack), 'FORBIDDEN', RATE, { id, i }, await tokens.handler('430181', world.units.transport));
    await fails(sg(stack), 'FORBIDDEN', RATE, { id, i }, await tokens.analyst('430181'));
    await fails(sg(stack), 'FORBIDDEN', RATE, { id, i }, await tokens.staff('4306'));
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      RATE,
      { id, i: { ...i, proposerName: '委员 李四' } },
      await staff(),
      'input.proposerName',
    );
    await fails(sg(stack), 'CONFLICT', STEP, { id, s: 'EVALUATED', n: '满意' }, await staff());
    const read = async () => (await ok(sg(stack), READ, { id }, await tokens.admin())).suggestion;
    expect(await read()).toMatchObject({ stage: 'FOLLOWED_UP', evaluations: [] });
    const suggestion = await fileSuggestion(stack, world);
    await driveTo(stack, world, suggestion, 'FOLLOWED_UP');
    await fails(sg(stack), 'CONFLICT', RATE, { id: suggestion, i }, await staff());
    await ok(sg(stack), RATE, { id, i }, await staff());
    await fails(sg(stack), 'CONFLICT', RATE, { id, i: { ...i, result: 'DISSATISFIED' } }, await staff());
    expect((await read()).evaluations).toEqual([{ round: 1, result: 'SATISFIED' }]);
  });
});
