import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestStack } from '@renda/testing/services';
import { tokens } from '@renda/testing/tokens';
import { fails, ok } from '@renda/testing/graphql';
import { buildWorld, fileSuggestion, ITEM, sg, startStack, type World } from './support.ts';

let stack: TestStack;
let world: World;
const leaders: Record<string, string> = {};
beforeAll(async () => {
  stack = await startStack();
  world = await buildWorld(stack);
  const admin = await tokens.admin();
  for (const [key, regionCode, name, role] of [
    ['mayor', '430181', '王伟', 'MAYOR'],
    ['viceMayor', '430181', '赵刚', 'VICE_MAYOR'],
    ['otherMayor', '4306', '孙立', 'MAYOR'],
  ] as const) {
    const data = await ok(
      stack.services.deputies!.subgraph,
      'mutation($i: CreateGovernmentLeaderInput!) { createGovernmentLeader(input: $i) { id } }',
      { i: { regionCode, name, role } },
      admin,
    );
    leaders[key] = data.createGovernmentLeader.id;
  }
});
afterAll(() => stack?.stop());

const ASSIGN = `mutation($id: ID!, $i: AssignSuggestionInput!) { assignSuggestion(id: $id, input: $i) { stage grade leadOfficial leadOfficialId } }`;
const units = () => [{ unitId: world.units.transport, role: 'LEAD' }];

describe('grades and their lead officials (分级办理)', () => {
  it('S-2: a level 1 item led by the mayor and a level 2 item led by a vice-mayor are accepted with the leader id', async () => {
    const staff = await tokens.staff('430181');
    const a = await fileSuggestion(stack, world);
    const one = await ok(
      sg(stack),
      ASSIGN,
      { id: a, i: { grade: 'LEVEL_1', leadOfficial: '市长 王伟', leadOfficialId: leaders.mayor, units: units() } },
      staff,
    );
    expect(one.assignSuggestion).toEqual({
      stage: 'ASSIGNED',
      grade: 'LEVEL_1',
      leadOfficial: '市长 王伟',
      leadOfficialId: leaders.mayor,
    });
    const b = await fileSuggestion(stack, world);
    const two = await ok(
      sg(stack),
      ASSIGN,
      {
        id: b,
        i: { grade: 'LEVEL_2', leadOfficial: '副市长 赵刚', leadOfficialId: leaders.viceMayor, units: units() },
      },
      staff,
    );
    expect(two.assignSuggestion.leadOfficialId).toBe(leaders.viceMayor);
  });

  it('S-2: a leader who does not fit the grade, region or name is BAD_USER_INPUT and the item stays unassigned', async () => {
    const staff = await tokens.staff('430181');
    const id = await fileSuggestion(stack, world);
    const i = (grade: string, leadOfficial: string, leadOfficialId: string) => ({
      id,
      i: { grade, leadOfficial, leadOfficialId, units: units() },
    });
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      ASSIGN,
      i('LEVEL_1', '副市长 赵刚', leaders.viceMayor!),
      staff,
      'input.leadOfficialId',
    );
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      ASSIGN,
      i('LEVEL_2', '市长 王伟', leaders.mayor!),
      staff,
      'input.leadOfficialId',
    );
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      ASSIGN,
      i('LEVEL_3', '市长 王伟', leaders.mayor!),
      staff,
      'input.leadOfficialId',
    );
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      ASSIGN,
      i('LEVEL_4', '副市长 赵刚', leaders.viceMayor!),
      staff,
      'input.leadOfficialId',
    );
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      ASSIGN,
      i('LEVEL_1', '市长 孙立', leaders.otherMayor!),
      staff,
      'input.leadOfficialId',
    );
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      ASSIGN,
      i('LEVEL_1', '市长 李四', leaders.mayor!),
      staff,
      'input.leadOfficial',
    );
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      ASSIGN,
      i('LEVEL_1', '市长 王伟', '0190a6a0-0000-7000-8000-000000000000'),
      staff,
      'input.leadOfficialId',
    );
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      ASSIGN,
      i('LEVEL_1', '市长 王伟', world.county.deputies[0]!),
      staff,
      'input.leadOfficialId',
    );
    await fails(sg(stack), 'BAD_USER_INPUT', ASSIGN, i('LEVEL_1', '市长 王伟', 'mayor'), staff, 'input.leadOfficialId');
    const item = (await ok(sg(stack), ITEM, { id }, await tokens.admin())).suggestion;
    expect(item.stage).toBe('RECEIVED');
    expect(item.steps.map((s: { stage: string }) => s.stage)).toEqual(['RECEIVED']);
  });

  it('S-2: without a leader id the assignment is taken as before (levels 3 and 4 name the unit head in text)', async () => {
    const id = await fileSuggestion(stack, world);
    const data = await ok(
      sg(stack),
      ASSIGN,
      { id, i: { grade: 'LEVEL_3', leadOfficial: '交通运输局局长 刘强', units: units() } },
      await tokens.staff('430181'),
    );
    expect(data.assignSuggestion).toMatchObject({ grade: 'LEVEL_3', leadOfficialId: null });
  });
});
