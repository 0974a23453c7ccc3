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

const Q = `query($c: ID!, $y: Int!, $d: Date) {
  unitAssessments(regionCode: $c, year: $y, asOf: $d) { unit { id } year asOf
  documentsFiled filedLate lateFilingRate opinionItems opinionItemsOverdue overdueRate
  reportsHeard reportsRated satisfied basicallySatisfied dissatisfied reportSatisfactionRate } }`;

async function file(issuerId: string, n: number, publishedOn: string, filedOn: string) {
  const input = {
    title: `文件${n}`,
    documentNumber: `浏政发〔2026〕${n}号`,
    kind: 'NORMATIVE_DOCUMENT',
    issuerId,
    publishedOn,
    filedOn,
  };
  await ok(sg, 'mutation($i: FileDocumentInput!) { fileDocument(input: $i) { id } }', { i: input }, t.staff);
}

describe('G-7 per-unit supervision assessment', () => {
  it('G-7: late filings, overdue items, report tallies per unit; null rates if nothing counts; F-1', async () => {
    // Transport: 3 filings, 1 late (published 01-05, due 02-04, filed 02-10); housing: none.
    await file(u.transport, 1, '2026-01-05', '2026-01-20');
    await file(u.transport, 2, '2026-01-05', '2026-02-10');
    await file(u.transport, 3, '2026-03-01', '2026-03-20');
    // A report of transport: rated 30/5/5 and 3 opinion items, one closed, two due before today (06-15).
    const report = (
      await ok(
        sg,
        'mutation($i: HearReportInput!) { hearReport(input: $i) { id } }',
        {
          i: { kind: 'SPECIAL_REPORT', title: '农村公路建设情况的报告', unitId: u.transport, heardOn: '2026-03-25' },
        },
        t.staff,
      )
    ).hearReport.id;
    await ok(
      sg,
      'mutation($r: ID!, $t: SatisfactionTallyInput!) { recordReportTally(reportId: $r, tally: $t) { id } }',
      {
        r: report,
        t: { satisfied: 30, basicallySatisfied: 5, dissatisfied: 5 },
      },
      t.staff,
    );
    const items = [
      { content: '一', unitId: u.transport, dueOn: '2026-04-30' },
      { content: '二', unitId: u.transport, dueOn: '2026-05-31' },
      { content: '三', unitId: u.transport, dueOn: '2026-11-30' },
    ];
    const added = await ok(
      sg,
      `mutation($r: ID!, $x: [OpinionItemInput!]!) {
        addReportOpinions(reportId: $r, items: $x) { opinions { id dueOn } } }`,
      { r: report, x: items },
      t.staff,
    );
    const first = added.addReportOpinions.opinions.find((o: any) => o.dueOn === '2026-04-30').id;
    await ok(
      sg,
      'mutation($id: ID!) { reportOpinionItem(itemId: $id, on: "2026-05-10") { id } }',
      { id: first },
      await handlerToken(u.transport),
    );
    await ok(
      sg,
      'mutation($id: ID!) { closeOpinionItem(itemId: $id, on: "2026-05-20") { id } }',
      { id: first },
      t.staff,
    );

    const now = (await ok(sg, Q, { c: '430181', y: 2026 }, t.analyst)).unitAssessments;
    expect(now[0]).toEqual({
      unit: { id: u.transport },
      year: 2026,
      asOf: '2026-06-15',
      documentsFiled: 3,
      filedLate: 1,
      lateFilingRate: 0.3333,
      opinionItems: 3,
      opinionItemsOverdue: 1,
      overdueRate: 0.3333,
      reportsHeard: 1,
      reportsRated: 1,
      satisfied: 30,
      basicallySatisfied: 5,
      dissatisfied: 5,
      reportSatisfactionRate: 0.875,
    });
    // Every unit of the subtree, township included; nothing to count → null rates, not 0.
    expect(now.map((a: any) => a.unit.id).sort()).toEqual(
      [u.government, u.transport, u.housing, u.court, u.township].sort(),
    );
    const housing = now.find((a: any) => a.unit.id === u.housing);
    expect(housing).toMatchObject({
      documentsFiled: 0,
      lateFilingRate: null,
      opinionItems: 0,
      overdueRate: null,
      reportSatisfactionRate: null,
    });
    // F-1: on 05-15 the first item (closed 05-20) was overdue and the second not yet due.
    const may = (await ok(sg, Q, { c: '430181', y: 2026, d: '2026-05-15' }, t.analyst)).unitAssessments[0];
    expect(may).toMatchObject({ unit: { id: u.transport }, asOf: '2026-05-15', opinionItemsOverdue: 1 });
    const april = (await ok(sg, Q, { c: '430181', y: 2026, d: '2026-04-15' }, t.analyst)).unitAssessments;
    expect(april.find((a: any) => a.unit.id === u.transport).opinionItemsOverdue).toBe(0);
    // Another year: nothing; another region's reader: FORBIDDEN; the public: UNAUTHENTICATED.
    const last = (await ok(sg, Q, { c: '430181', y: 2025 }, t.analyst)).unitAssessments;
    expect(last.find((a: any) => a.unit.id === u.transport)).toMatchObject({
      asOf: '2025-12-31',
      documentsFiled: 0,
      lateFilingRate: null,
    });
    await fails(sg, 'FORBIDDEN', Q, { c: '430181', y: 2026 }, t.analystOther);
    await fails(sg, 'UNAUTHENTICATED', Q, { c: '430181', y: 2026 });
    await fails(sg, 'BAD_USER_INPUT', Q, { c: '430181', y: 2026, d: '1900-01-01' }, t.analyst, 'asOf');
  });
});
