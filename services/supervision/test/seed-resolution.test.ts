import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoId } from '@renda/db/ids';
import { ok } from '@renda/testing/graphql';
import type { TestStack } from '@renda/testing/services';
import { supervisionService } from '../src/server.ts';
import { makeTokens, startStack } from './support.ts';
import type { Executor, Tokens } from './support.ts';

let stack: TestStack;
let sg: Executor;
let t: Tokens;

beforeAll(async () => {
  ({ stack, sg } = await startStack());
  t = await makeTokens();
  await supervisionService.seed!(stack.services.supervision!.orm.em.fork(), stack.clock);
});
afterAll(() => stack?.stop());

describe('demo data', () => {
  it("G-1: Liuyang's decision on urban-rural water supply is tracked through three tasks, not yet carried out", async () => {
    const q = `query($id: ID!) { resolution(id: $id) { kind title carriedOut tasks { status unit { name } } } }`;
    const data = await ok(sg, q, { id: demoId('resolution:430181:water-supply') }, t.analyst);
    expect(data.resolution).toMatchObject({ kind: 'DECISION', carriedOut: false });
    expect(data.resolution.tasks.map((x: any) => [x.unit.name, x.status])).toEqual([
      ['浏阳市水利局', 'CLOSED'],
      ['浏阳市住房和城乡建设局', 'REPORTED'],
      ['浏阳市人民政府', 'OPEN'],
    ]);
  });
});
