import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fails, ok } from '@renda/testing/graphql';
import type { TestStack } from '@renda/testing/services';
import { handlerToken, makeTokens, makeUnits, startStack } from './support.ts';
import type { Executor, Tokens, Units } from './support.ts';

let stack: TestStack;
let sg: Executor;
let t: Tokens;
let u: Units;

beforeAll(async () => {
  ({ stack, sg } = await startStack());
  t = await makeTokens();
  u = await makeUnits(sg, t.admin);
});
afterAll(() => stack?.stop());

const R = 'id kind title adoptedOn region { code } carriedOut tasks { id content dueOn status unit { id } }';
const ADOPT = `mutation($i: AdoptResolutionInput!) { adoptResolution(input: $i) { ${R} } }`;
const ADD = `mutation($id: ID!, $t: [OpinionItemInput!]!) {
  addResolutionTasks(resolutionId: $id, tasks: $t) { ${R} } }`;
const LIST = `query($c: ID!, $y: Int) { resolutions(regionCode: $c, year: $y) { ${R} } }`;
const READ = `query($id: ID!) { resolution(id: $id) { ${R} } }`;
const REPORT = `mutation($id: ID!, $on: Date!) { reportOpinionItem(itemId: $id, on: $on) { id status } }`;
const CLOSE = `mutation($id: ID!, $on: Date!) { closeOpinionItem(itemId: $id, on: $on) { id status } }`;

describe('G-1 resolutions tracked to their implementation', () => {
  it('G-1: bad resolutions are BAD_USER_INPUT naming the field (or FORBIDDEN) and record nothing', async () => {
    const task = (extra: Record<string, unknown> = {}) => ({
      content: '落实任务',
      unitId: u.transport,
      dueOn: '2026-09-30',
      ...extra,
    });
    const input = (extra: Record<string, unknown> = {}) => ({
      regionCode: '430181',
      kind: 'RESOLUTION',
      title: '关于加强农村公路建设的决议',
      adoptedOn: '2026-03-20',
      tasks: [task()],
      ...extra,
    });
    const bad: [Record<string, unknown>, string][] = [
      [input({ tasks: [] }), 'input.tasks'],
      [input({ title: ' ' }), 'input.title'],
      [input({ adoptedOn: '2026-07-01' }), 'input.adoptedOn'], // after today (2026-06-15)
      [input({ regionCode: '4301811' }), 'input.regionCode'],
      [input({ tasks: [task(), task({ dueOn: '2026-03-01' })] }), 'input.tasks[1].dueOn'],
      [input({ tasks: [task({ unitId: 'x' })] }), 'input.tasks[0].unitId'],
      // A township's resolution cannot task the county's departments.
      [input({ regionCode: '430181104', tasks: [task()] }), 'input.tasks[0].unitId'],
    ];
    for (const [i, field] of bad) await fails(sg, 'BAD_USER_INPUT', ADOPT, { i }, t.staff, field);
    await fails(sg, 'FORBIDDEN', ADOPT, { i: input() }, t.staffOther);
    await fails(sg, 'FORBIDDEN', ADOPT, { i: input() }, t.analyst);
    await fails(sg, 'UNAUTHENTICATED', ADOPT, { i: input() });
    expect((await ok(sg, LIST, { c: '43' }, t.admin)).resolutions).toEqual([]);
    const items = await ok(sg, `{ opinionItems(regionCode: "43") { id } }`, {}, t.admin);
    expect(items.opinionItems).toEqual([]);
  });

  it('G-1: a resolution is carried out once every task is reported by its unit and closed', async () => {
    const adopted = (
      await ok(
        sg,
        ADOPT,
        {
          i: {
            regionCode: '430181',
            kind: 'DECISION',
            title: '关于实施城乡供水一体化的决定',
            adoptedOn: '2026-03-20',
            tasks: [
              { content: '完成城区管网改造', unitId: u.housing, dueOn: '2026-05-31' },
              { content: '完成通村公路配套', unitId: u.transport, dueOn: '2026-09-30' },
            ],
          },
        },
        t.staff,
      )
    ).adoptResolution;
    expect(adopted).toMatchObject({ kind: 'DECISION', region: { code: '430181' }, carriedOut: false });
    const [housing, transport] = adopted.tasks;
    expect([housing.unit.id, transport.unit.id]).toEqual([u.housing, u.transport]);
    // The tasks are checklist items: overdue like any other (today 2026-06-15 is after 05-31).
    const overdue = await ok(sg, `{ overdueOpinionItems(regionCode: "430181") { id } }`, {}, t.staff);
    expect(overdue.overdueOpinionItems.map((x: any) => x.id)).toEqual([housing.id]);
    // A later task; then the units report and the committee closes, item by item, in order.
    const more = (
      await ok(
        sg,
        ADD,
        { id: adopted.id, t: [{ content: '镇级水厂并网', unitId: u.township, dueOn: '2026-12-31' }] },
        t.staff,
      )
    ).addResolutionTasks;
    expect(more.tasks).toHaveLength(3);
    await fails(
      sg,
      'BAD_USER_INPUT',
      ADD,
      { id: adopted.id, t: [{ content: '外区任务', unitId: u.otherCounty, dueOn: '2026-12-31' }] },
      t.admin,
      'tasks[0].unitId',
    );
    await fails(sg, 'CONFLICT', CLOSE, { id: housing.id, on: '2026-06-01' }, t.staff);
    await fails(sg, 'FORBIDDEN', REPORT, { id: housing.id, on: '2026-06-01' }, await handlerToken(u.transport));
    for (const task of more.tasks) {
      const unit = task.unit.id === u.township ? '430181104' : '430181';
      await ok(sg, REPORT, { id: task.id, on: '2026-06-01' }, await handlerToken(task.unit.id, unit));
    }
    expect((await ok(sg, READ, { id: adopted.id }, t.staff)).resolution.carriedOut).toBe(false);
    for (const task of more.tasks.slice(0, 2)) await ok(sg, CLOSE, { id: task.id, on: '2026-06-10' }, t.staff);
    expect((await ok(sg, READ, { id: adopted.id }, t.analyst)).resolution.carriedOut).toBe(false);
    await ok(sg, CLOSE, { id: more.tasks[2].id, on: '2026-06-10' }, t.staff);
    const done = (await ok(sg, READ, { id: adopted.id }, t.analyst)).resolution;
    expect(done.carriedOut).toBe(true);
    expect(done.tasks.map((x: any) => x.status)).toEqual(['CLOSED', 'CLOSED', 'CLOSED']);
    // Listed by year for readers of the region; the public and other regions read nothing.
    expect((await ok(sg, LIST, { c: '430181', y: 2026 }, t.analyst)).resolutions.map((x: any) => x.id)).toContain(
      adopted.id,
    );
    expect((await ok(sg, LIST, { c: '430181', y: 2025 }, t.analyst)).resolutions).toEqual([]);
    expect((await ok(sg, READ, { id: adopted.id })).resolution).toBeNull();
    expect((await ok(sg, READ, { id: adopted.id }, t.analystOther)).resolution).toBeNull();
    await fails(sg, 'FORBIDDEN', LIST, { c: '430181' }, t.analystOther);
  });
});
