import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestStack } from '@renda/testing/services';
import { tokens } from '@renda/testing/tokens';
import { fails, ok } from '@renda/testing/graphql';
import {
  buildWorld,
  driveTo,
  EVALUATE,
  fileSuggestion,
  ITEM,
  REPLY,
  sg,
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
const satisfied = { attitude: 'SATISFIED', result: 'SATISFIED' };
const leadToken = () => tokens.deputy('430181', world.county.deputies[0]!);

describe('evaluation (考评) by the lead deputy alone', () => {
  it('S-7: the lead deputy rates attitude and result with their own token', async () => {
    const id = await fileSuggestion(stack, world, { coSignerIds: [world.county.deputies[1]] });
    await driveTo(stack, world, id, 'FOLLOWED_UP');
    const data = await ok(
      sg(stack),
      EVALUATE,
      { id, i: { attitude: 'SATISFIED', result: 'BASICALLY_SATISFIED', comment: '办理认真' } },
      await leadToken(),
    );
    expect(data.evaluateSuggestion).toMatchObject({
      stage: 'EVALUATED',
      round: 1,
      rehandling: false,
      evaluations: [{ round: 1, attitude: 'SATISFIED', result: 'BASICALLY_SATISFIED', coercionRisk: false }],
    });
  });

  it('S-7: staff, handlers, admins, analysts, co-signers and other deputies get FORBIDDEN (被满意), and nothing is recorded', async () => {
    const id = await fileSuggestion(stack, world, { coSignerIds: [world.county.deputies[1]] });
    await driveTo(stack, world, id, 'FOLLOWED_UP');
    for (const token of [
      await tokens.staff('430181'),
      await tokens.handler('430181', world.units.transport),
      await tokens.admin(),
      await tokens.analyst('430181'),
      await tokens.deputy('430181', world.county.deputies[1]!),
      await tokens.deputy('430181', world.county.deputies[5]!),
    ]) {
      await fails(sg(stack), 'FORBIDDEN', EVALUATE, { id, i: satisfied }, token);
    }
    await fails(sg(stack), 'UNAUTHENTICATED', EVALUATE, { id, i: satisfied });
    await fails(sg(stack), 'FORBIDDEN', STEP, { id, s: 'EVALUATED' }, await tokens.staff('430181'));
    const item = await read(id);
    expect(item.stage).toBe('FOLLOWED_UP');
    expect(item.evaluations).toEqual([]);
  });

  it('S-7: a satisfied rating of an EXPLAINED (C) reply is flagged as a coercion risk', async () => {
    const a = await fileSuggestion(stack, world);
    await driveTo(stack, world, a, 'FOLLOWED_UP', 'EXPLAINED');
    const risky = await ok(
      sg(stack),
      EVALUATE,
      { id: a, i: { attitude: 'SATISFIED', result: 'BASICALLY_SATISFIED' } },
      await leadToken(),
    );
    expect(risky.evaluateSuggestion.evaluations[0].coercionRisk).toBe(true);
    const b = await fileSuggestion(stack, world);
    await driveTo(stack, world, b, 'FOLLOWED_UP', 'PLANNED');
    const fine = await ok(sg(stack), EVALUATE, { id: b, i: satisfied }, await leadToken());
    expect(fine.evaluateSuggestion.evaluations[0].coercionRisk).toBe(false);
  });

  it('S-7: DISSATISFIED sends the item back to handling once, with a new reply and a second round', async () => {
    const id = await fileSuggestion(stack, world);
    await driveTo(stack, world, id, 'FOLLOWED_UP', 'EXPLAINED');
    const back = await ok(
      sg(stack),
      EVALUATE,
      { id, i: { attitude: 'BASICALLY_SATISFIED', result: 'DISSATISFIED', comment: '未解决' } },
      await leadToken(),
    );
    expect(back.evaluateSuggestion).toMatchObject({
      stage: 'HANDLING',
      round: 2,
      rehandling: true,
      reply: null,
      replyDueOn: '2026-09-15',
    });
    const handler = await tokens.handler('430181', world.units.transport);
    await fails(sg(stack), 'CONFLICT', EVALUATE, { id, i: satisfied }, await leadToken());
    const second = await ok(
      sg(stack),
      REPLY,
      { id, i: { category: 'SOLVED', content: '重新办理，已解决', reviewedBy: '局长' } },
      handler,
    );
    expect(second.replySuggestion.reply).toMatchObject({ category: 'SOLVED', round: 2, onTime: true });
    await ok(sg(stack), STEP, { id, s: 'FOLLOWED_UP' }, handler);
    const again = await ok(
      sg(stack),
      EVALUATE,
      { id, i: { attitude: 'DISSATISFIED', result: 'DISSATISFIED' } },
      await leadToken(),
    );
    expect(again.evaluateSuggestion).toMatchObject({ stage: 'EVALUATED', round: 2 });
    expect(
      again.evaluateSuggestion.evaluations.map((e: { round: number; result: string }) => [e.round, e.result]),
    ).toEqual([
      [1, 'DISSATISFIED'],
      [2, 'DISSATISFIED'],
    ]);
    const item = await read(id);
    expect(item.steps.map((s: { stage: string; round: number }) => `${s.stage}/${s.round}`)).toEqual([
      'RECEIVED/1',
      'ASSIGNED/1',
      'HANDLING/1',
      'REVIEWED/1',
      'REPLIED/1',
      'FOLLOWED_UP/1',
      'EVALUATED/1',
      'HANDLING/2',
      'REVIEWED/2',
      'REPLIED/2',
      'FOLLOWED_UP/2',
      'EVALUATED/2',
    ]);
    const replies = await ok(
      sg(stack),
      'query($id: ID!) { suggestion(id: $id) { replies { round category } } }',
      { id },
      await tokens.staff('430181'),
    );
    expect(replies.suggestion.replies).toEqual([
      { round: 1, category: 'EXPLAINED' },
      { round: 2, category: 'SOLVED' },
    ]);
  });

  it('S-7: a second evaluation of a closed round is CONFLICT and changes nothing', async () => {
    const id = await fileSuggestion(stack, world);
    await driveTo(stack, world, id, 'FOLLOWED_UP');
    await ok(sg(stack), EVALUATE, { id, i: satisfied }, await leadToken());
    await fails(
      sg(stack),
      'CONFLICT',
      EVALUATE,
      { id, i: { attitude: 'DISSATISFIED', result: 'DISSATISFIED' } },
      await leadToken(),
    );
    const item = await read(id);
    expect(item.evaluations).toEqual([{ round: 1, result: 'SATISFIED', coercionRisk: false }]);
    expect(item.stage).toBe('EVALUATED');
  });

  it('S-7: an evaluation before the follow-up is CONFLICT', async () => {
    const id = await fileSuggestion(stack, world);
    await driveTo(stack, world, id, 'REPLIED');
    await fails(sg(stack), 'CONFLICT', EVALUATE, { id, i: satisfied }, await leadToken());
    expect((await read(id)).evaluations).toEqual([]);
  });

  it('S-7: an anonymous voter opinion (no lead deputy) records the evaluation as a note-only step by staff', async () => {
    const staff = await tokens.staff('430181');
    const filed = await ok(
      sg(stack),
      'mutation { submitSuggestion(input: {kind: VOTER_OPINION, regionCode: "430181", title: "选民意见", content: "内容"}) { id leadDeputy { id } } }',
      {},
      staff,
    );
    const id = filed.submitSuggestion.id;
    expect(filed.submitSuggestion.leadDeputy).toBeNull();
    await driveTo(stack, world, id, 'FOLLOWED_UP');
    await fails(sg(stack), 'FORBIDDEN', EVALUATE, { id, i: satisfied }, await leadToken());
    const done = await ok(sg(stack), STEP, { id, s: 'EVALUATED', n: '选民反馈: 满意' }, staff);
    expect(done.recordStep.stage).toBe('EVALUATED');
  });
});
