import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fails, ok } from '@renda/testing/graphql';
import type { TestStack } from '@renda/testing/services';
import { handlerToken, makeTokens, makeUnits, registerCommittee, startStack } from './support.ts';
import type { Executor, Tokens, Units } from './support.ts';

let stack: TestStack;
let sg: Executor;
let t: Tokens;
let u: Units;
let deputyIds: string[];

beforeAll(async () => {
  let deputies: Executor;
  ({ stack, sg, deputies } = await startStack());
  t = await makeTokens();
  u = await makeUnits(sg, t.admin);
  const congressId = await registerCommittee(deputies, t.admin, '430181', 0);
  deputyIds = [];
  for (const n of [1, 2]) {
    const i = {
      congressId,
      regionCode: '430181',
      name: `代表${n}`,
      gender: 'FEMALE',
      workUnit: '村委会',
      position: '主任',
      constituency: `第${n}选区`,
    };
    const d = await ok(deputies, 'mutation($i: CreateDeputyInput!) { createDeputy(input: $i) { id } }', { i }, t.admin);
    deputyIds.push(d.createDeputy.id);
  }
});
afterAll(() => stack?.stop());

const A = `id kind subject heldOn region { code } deputies { id } governmentUnits { id } findings
  opinions { id content status unit { id } }`;
const HOLD = `mutation($i: HoldActivityInput!) { holdActivity(input: $i) { ${A} } }`;
const OPINIONS = `mutation($id: ID!, $f: String!, $x: [OpinionItemInput!]!) {
  addActivityOpinions(activityId: $id, findings: $f, items: $x) { ${A} } }`;
const LIST = `query($c: ID!, $k: ActivityKind, $y: Int) { activities(regionCode: $c, kind: $k, year: $y) { ${A} } }`;

describe('G-7 visits, research and special inquiries', () => {
  it('G-7: bad activities are BAD_USER_INPUT naming the field and record nothing', async () => {
    const input = (extra: Record<string, unknown> = {}) => ({
      regionCode: '430181',
      kind: 'VISIT',
      subject: '视察农村公路建设',
      heldOn: '2026-05-20',
      deputyIds,
      governmentUnitIds: [u.transport],
      ...extra,
    });
    const bad: [Record<string, unknown>, string][] = [
      [input({ deputyIds: [] }), 'input.deputyIds'],
      [input({ deputyIds: ['0190a0b0-0000-7000-8000-00000000dead'] }), 'input.deputyIds'],
      [input({ governmentUnitIds: [] }), 'input.governmentUnitIds'],
      [input({ governmentUnitIds: [u.otherCounty] }), 'input.governmentUnitIds[0]'],
      [input({ governmentUnitIds: [u.transport, 'x'] }), 'input.governmentUnitIds[1]'],
      [input({ heldOn: '2026-07-01' }), 'input.heldOn'],
      [input({ subject: '' }), 'input.subject'],
    ];
    for (const [i, field] of bad) await fails(sg, 'BAD_USER_INPUT', HOLD, { i }, t.staff, field);
    await fails(sg, 'FORBIDDEN', HOLD, { i: input() }, t.staffOther);
    await fails(sg, 'FORBIDDEN', HOLD, { i: input() }, t.analyst);
    expect((await ok(sg, LIST, { c: '43' }, t.admin)).activities).toEqual([]);
  });

  it('G-7: a special inquiry with deputies and the government; its opinions are checklist items', async () => {
    const held = (
      await ok(
        sg,
        HOLD,
        {
          i: {
            regionCode: '430181',
            kind: 'SPECIAL_INQUIRY',
            subject: '城乡供水专题询问',
            heldOn: '2026-05-20',
            deputyIds,
            governmentUnitIds: [u.housing, u.government, u.housing],
          },
        },
        t.staff,
      )
    ).holdActivity;
    expect(held).toMatchObject({ kind: 'SPECIAL_INQUIRY', region: { code: '430181' }, findings: null, opinions: [] });
    expect(held.deputies.map((d: any) => d.id).sort()).toEqual([...deputyIds].sort());
    expect(held.governmentUnits.map((x: any) => x.id).sort()).toEqual([u.government, u.housing].sort());
    // Opinion items: due not before the inquiry; recorded once.
    const x = [{ content: '加快管网改造', unitId: u.housing, dueOn: '2026-10-31' }];
    await fails(
      sg,
      'BAD_USER_INPUT',
      OPINIONS,
      { id: held.id, f: '询问情况', x: [{ ...x[0], dueOn: '2026-05-01' }] },
      t.staff,
      'items[0].dueOn',
    );
    const added = (await ok(sg, OPINIONS, { id: held.id, f: '询问情况报告', x }, t.staff)).addActivityOpinions;
    expect(added.findings).toBe('询问情况报告');
    expect(added.opinions).toMatchObject([{ content: '加快管网改造', status: 'OPEN', unit: { id: u.housing } }]);
    await fails(sg, 'CONFLICT', OPINIONS, { id: held.id, f: '再次', x }, t.staff);
    // The unit's handler finds and reports the item like any other opinion item.
    const handler = await handlerToken(u.housing);
    const mine = await ok(sg, `{ opinionItems(regionCode: "430181") { id } }`, {}, handler);
    expect(mine.opinionItems.map((i: any) => i.id)).toEqual([added.opinions[0].id]);
    const reported = await ok(
      sg,
      `mutation($id: ID!) { reportOpinionItem(itemId: $id, on: "2026-06-01") { status } }`,
      { id: added.opinions[0].id },
      handler,
    );
    expect(reported.reportOpinionItem.status).toBe('REPORTED');
    const listed = (await ok(sg, LIST, { c: '430181', k: 'SPECIAL_INQUIRY', y: 2026 }, t.analyst)).activities;
    expect(listed.map((a: any) => a.id)).toEqual([held.id]);
    expect((await ok(sg, LIST, { c: '430181', k: 'VISIT' }, t.analyst)).activities).toEqual([]);
    expect((await ok(sg, `query($id: ID!) { activity(id: $id) { id } }`, { id: held.id })).activity).toBeNull();
  });
});
