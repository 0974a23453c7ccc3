import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestStack } from '@renda/testing/services';
import { tokens } from '@renda/testing/tokens';
import { fails, ok } from '@renda/testing/graphql';
import { buildWorld, fileSuggestion, sg, startStack, SUBMIT, type World } from './support.ts';

let stack: TestStack;
let world: World;
beforeAll(async () => {
  stack = await startStack();
  world = await buildWorld(stack);
});
afterAll(() => stack?.stop());

const count = async () =>
  (await ok(sg(stack), '{ suggestions(first: 0) { totalCount } }', {}, await tokens.admin())).suggestions
    .totalCount as number;

describe('submitting (承接)', () => {
  it('S-1: a deputy files a suggestion they lead, numbered in the session register', async () => {
    const lead = world.county.deputies[0]!;
    const token = await tokens.deputy('430181', lead);
    const data = await ok(
      sg(stack),
      SUBMIT,
      {
        i: {
          kind: 'SUGGESTION',
          regionCode: '430181',
          sessionId: world.county.sessionId,
          title: '关于修缮校舍的建议',
          content: '部分校舍老旧。',
          coSignerIds: [world.county.deputies[1]],
        },
      },
      token,
    );
    expect(data.submitSuggestion).toMatchObject({
      kind: 'SUGGESTION',
      stage: 'RECEIVED',
      leadDeputy: { id: lead },
      coSigners: [{ id: world.county.deputies[1] }],
    });
    expect(data.submitSuggestion.serial).toMatch(/^第\d+号$/);
  });

  it('S-1: serials are unique per session and kind, and each kind counts from 1', async () => {
    const staff = await tokens.staff('430181');
    const serials: string[] = [];
    for (let i = 0; i < 3; i++)
      serials.push(
        (
          await ok(
            sg(stack),
            SUBMIT,
            {
              i: {
                kind: 'CPPCC_PROPOSAL',
                regionCode: '430181',
                title: `提案${i}`,
                content: '内容',
                proposerName: '政协委员 张三',
              },
            },
            staff,
          )
        ).submitSuggestion.serial,
      );
    expect(serials).toEqual(['第1号', '第2号', '第3号']);
    const a = await fileSuggestion(stack, world);
    const b = await fileSuggestion(stack, world);
    const read = async (id: string) =>
      (await ok(sg(stack), 'query($id: ID!) { suggestion(id: $id) { serial } }', { id }, staff)).suggestion.serial;
    expect(await read(a)).not.toBe(await read(b));
  });

  it('S-1: serials stay unique under concurrent filing (one atomic counter per register)', async () => {
    const ids = await Promise.all(Array.from({ length: 6 }, () => fileSuggestion(stack, world)));
    const staff = await tokens.staff('430181');
    const serials = await Promise.all(
      ids.map(
        async (id) =>
          (await ok(sg(stack), 'query($id: ID!) { suggestion(id: $id) { serial } }', { id }, staff)).suggestion.serial,
      ),
    );
    expect(new Set(serials).size).toBe(6);
  });

  it('S-1: a county motion needs 10 co-signers; 9 is BAD_USER_INPUT and writes nothing', async () => {
    const [lead, ...others] = world.county.deputies;
    const token = await tokens.deputy('430181', lead!);
    const before = await count();
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      SUBMIT,
      { i: { kind: 'MOTION', regionCode: '430181', title: '议案', content: '内容', coSignerIds: others.slice(0, 9) } },
      token,
      'input.coSignerIds',
    );
    expect(await count()).toBe(before);
    const data = await ok(
      sg(stack),
      SUBMIT,
      {
        i: {
          kind: 'MOTION',
          regionCode: '430181',
          sessionId: world.county.sessionId,
          title: '议案',
          content: '内容',
          coSignerIds: others.slice(0, 10),
        },
      },
      token,
    );
    expect(data.submitSuggestion.coSigners).toHaveLength(10);
    expect(data.submitSuggestion.serial).toBe('第1号');
  });

  it('S-1: a township motion needs 5 co-signers', async () => {
    const [lead, ...others] = world.township.deputies;
    const token = await tokens.deputy('430181104', lead!);
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      SUBMIT,
      {
        i: { kind: 'MOTION', regionCode: '430181104', title: '议案', content: '内容', coSignerIds: others.slice(0, 4) },
      },
      token,
      'input.coSignerIds',
    );
    const data = await ok(
      sg(stack),
      SUBMIT,
      {
        i: {
          kind: 'MOTION',
          regionCode: '430181104',
          sessionId: world.township.sessionId,
          title: '议案',
          content: '内容',
          coSignerIds: others.slice(0, 5),
        },
      },
      token,
    );
    expect(data.submitSuggestion.coSigners).toHaveLength(5);
  });

  it('S-1: CPPCC proposals have a proposer and no lead deputy; voter opinions are registered by staff', async () => {
    const staff = await tokens.staff('430181');
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      SUBMIT,
      { i: { kind: 'CPPCC_PROPOSAL', regionCode: '430181', title: '提案', content: '内容' } },
      staff,
      'input.proposerName',
    );
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      SUBMIT,
      {
        i: {
          kind: 'CPPCC_PROPOSAL',
          regionCode: '430181',
          title: '提案',
          content: '内容',
          proposerName: '委员',
          leadDeputyId: world.county.deputies[0],
        },
      },
      staff,
      'input.leadDeputyId',
    );
    const opinion = await ok(
      sg(stack),
      SUBMIT,
      {
        i: {
          kind: 'VOTER_OPINION',
          regionCode: '430181104',
          title: '选民意见',
          content: '路灯不亮',
          leadDeputyId: world.township.deputies[0],
          proposerName: '选民 刘某',
        },
      },
      staff,
    );
    expect(opinion.submitSuggestion).toMatchObject({
      kind: 'VOTER_OPINION',
      leadDeputy: { id: world.township.deputies[0] },
    });
    await fails(
      sg(stack),
      'FORBIDDEN',
      SUBMIT,
      { i: { kind: 'VOTER_OPINION', regionCode: '430181', title: '意见', content: '内容' } },
      await tokens.deputy('430181', world.county.deputies[0]!),
    );
  });
});

describe('bad input changes nothing', () => {
  const base = () => ({
    kind: 'SUGGESTION',
    regionCode: '430181',
    title: '标题',
    content: '内容',
    leadDeputyId: world.county.deputies[0],
  });

  it('S-1: an empty title is BAD_USER_INPUT on input.title', async () => {
    const before = await count();
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      SUBMIT,
      { i: { ...base(), title: '   ' } },
      await tokens.staff('430181'),
      'input.title',
    );
    expect(await count()).toBe(before);
  });

  it('S-1: unknown and malformed deputy ids are BAD_USER_INPUT', async () => {
    const staff = await tokens.staff('430181');
    const before = await count();
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      SUBMIT,
      { i: { ...base(), leadDeputyId: '0190a6a0-0000-7000-8000-000000000000' } },
      staff,
      'input.leadDeputyId',
    );
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      SUBMIT,
      { i: { ...base(), leadDeputyId: 'deputy-1' } },
      staff,
      'input.leadDeputyId',
    );
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      SUBMIT,
      { i: { ...base(), coSignerIds: ['0190a6a0-0000-7000-8000-000000000001'] } },
      staff,
      'input.coSignerIds',
    );
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      SUBMIT,
      { i: { ...base(), sessionId: '0190a6a0-0000-7000-8000-000000000002' } },
      staff,
      'input.sessionId',
    );
    expect(await count()).toBe(before);
  });

  it('S-1: the wrong kind of id (a unit or a session where a deputy is expected) is BAD_USER_INPUT', async () => {
    const staff = await tokens.staff('430181');
    const before = await count();
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      SUBMIT,
      { i: { ...base(), leadDeputyId: world.units.transport } },
      staff,
      'input.leadDeputyId',
    );
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      SUBMIT,
      { i: { ...base(), coSignerIds: [world.county.sessionId] } },
      staff,
      'input.coSignerIds',
    );
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      SUBMIT,
      { i: { ...base(), sessionId: world.county.deputies[3] } },
      staff,
      'input.sessionId',
    );
    expect(await count()).toBe(before);
  });

  it('S-1: an absurdly long co-signer list is BAD_USER_INPUT on input.coSignerIds and writes nothing', async () => {
    const lead = world.county.deputies[0]!;
    const many = Array.from({ length: 3001 }, (_, i) => `0190a6a0-0000-7000-8000-${String(i).padStart(12, '0')}`);
    const before = await ok(sg(stack), '{ suggestions { totalCount } }', {}, await tokens.admin());
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      SUBMIT,
      { i: { kind: 'MOTION', regionCode: '430181', title: 't', content: 'c', leadDeputyId: lead, coSignerIds: many } },
      await tokens.deputy('430181', lead),
      'input.coSignerIds',
    );
    expect(await ok(sg(stack), '{ suggestions { totalCount } }', {}, await tokens.admin())).toEqual(before);
  });

  it('S-1: a deputy no longer in office, a deputy of another congress, or a duplicate co-signer is refused', async () => {
    const staff = await tokens.staff('430181');
    const before = await count();
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      SUBMIT,
      { i: { ...base(), leadDeputyId: world.county.resigned } },
      staff,
      'input.leadDeputyId',
    );
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      SUBMIT,
      { i: { ...base(), coSignerIds: [world.county.resigned] } },
      staff,
      'input.coSignerIds',
    );
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      SUBMIT,
      { i: { ...base(), coSignerIds: [world.stranger] } },
      staff,
      'input.coSignerIds',
    );
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      SUBMIT,
      { i: { ...base(), coSignerIds: [world.county.deputies[1], world.county.deputies[1]] } },
      staff,
      'input.coSignerIds',
    );
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      SUBMIT,
      { i: { ...base(), sessionId: world.township.sessionId } },
      staff,
      'input.sessionId',
    );
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      SUBMIT,
      { i: { ...base(), regionCode: '4306' } },
      await tokens.staff('43'),
      'input.regionCode',
    );
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      SUBMIT,
      { i: { ...base(), regionCode: '43x' } },
      staff,
      'input.regionCode',
    );
    expect(await count()).toBe(before);
  });
});

describe('who may submit', () => {
  it('access: a deputy files only items they lead', async () => {
    const token = await tokens.deputy('430181', world.county.deputies[0]!);
    await fails(
      sg(stack),
      'FORBIDDEN',
      SUBMIT,
      {
        i: {
          kind: 'SUGGESTION',
          regionCode: '430181',
          title: 't',
          content: 'c',
          leadDeputyId: world.county.deputies[1],
        },
      },
      token,
    );
  });

  it('access: handlers and analysts write nothing; the public must sign in; staff only in their subtree', async () => {
    const i = {
      kind: 'SUGGESTION',
      regionCode: '430181',
      title: 't',
      content: 'c',
      leadDeputyId: world.county.deputies[0],
    };
    await fails(sg(stack), 'FORBIDDEN', SUBMIT, { i }, await tokens.handler('430181', world.units.transport));
    await fails(sg(stack), 'FORBIDDEN', SUBMIT, { i }, await tokens.analyst('43'));
    await fails(sg(stack), 'UNAUTHENTICATED', SUBMIT, { i });
    await fails(sg(stack), 'FORBIDDEN', SUBMIT, { i }, await tokens.staff('4306'));
  });
});
