import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServices, type TestStack } from '@renda/testing/services';
import { tokens } from '@renda/testing/tokens';
import { ok, fails } from '@renda/testing/graphql';
import { deputiesService } from '../src/server.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestServices([deputiesService]);
});
afterAll(() => stack?.stop());

describe('smoke', () => {
  it('creates a region and reads it', async () => {
    const sg = stack.services.deputies!.subgraph;
    const admin = await tokens.admin();
    const data = await ok(sg, 'mutation { createRegion(input: {code: "43", name: "湖南省", level: PROVINCE}) { code name level } }', {}, admin);
    expect(data.createRegion).toEqual({ code: '43', name: '湖南省', level: 'PROVINCE' });
    await fails(sg, 'BAD_USER_INPUT', 'mutation { createRegion(input: {code: "4x", name: "x", level: PROVINCE}) { code } }', {}, admin, 'input.code');
    const r = await ok(sg, '{ region(code: "43") { code name children { code } } }');
    expect(r.region.name).toBe('湖南省');
  });
});
