import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServices, type TestStack } from '@renda/testing/services';
import { tokens } from '@renda/testing/tokens';
import { fails, ok } from '@renda/testing/graphql';
import { readSettings } from '../src/env.ts';
import { deputiesService } from '../src/server.ts';
import { createCongress, createDeputies, createRegions, subgraphOf } from './fixtures.ts';

let stack: TestStack;
let sg: ReturnType<typeof subgraphOf>;
let admin: string;
let staff: string;
let county: string;
let d: string[];
let reportA: string;
let voterContact: string;
/** The service's settings, injected (not read from process.env): a test changes the frequency in force. */
const settings = readSettings({});

const recordMutation = `mutation($i: RecordContactInput!) { recordContact(input: $i) { id } }`;
const evaluateMutation = `mutation($id: ID!, $t: VoterEvaluationInput!) { recordDutyReportEvaluation(contactId: $id, tally: $t) { voterEvaluation { satisfied basicallySatisfied dissatisfied rated satisfactionRate } } }`;
const dueQuery = `query($id: ID!, $year: Int!) { congress(id: $id) { deputiesDueDutyReport(year: $year) { name } } }`;
const evaluationQuery = `query($id: ID!) { deputy(id: $id) { contacts(year: 2025, kind: DUTY_REPORT) { voterEvaluation { satisfied basicallySatisfied dissatisfied rated satisfactionRate } } } }`;

async function due(year: number): Promise<string[]> {
  return (await ok(sg, dueQuery, { id: county, year }, staff)).congress.deputiesDueDutyReport.map(
    (x: { name: string }) => x.name,
  );
}

beforeAll(async () => {
  stack = await startTestServices([deputiesService], { settings: { deputies: settings } });
  sg = subgraphOf(stack);
  admin = await tokens.admin();
  staff = await tokens.staff('430181');
  await createRegions(sg, admin);
  county = await createCongress(sg, admin, {
    regionCode: '430181',
    termNumber: 18,
    name: '浏阳市第十八届人民代表大会',
    startsOn: '2024-01-10',
    endsOn: '2029-01-09',
  });
  d = await createDeputies(
    sg,
    admin,
    ['甲', '乙', '丙'].map((name) => ({ congressId: county, regionCode: '430181', name })),
  );
  const report = (deputyId: string, occurredOn: string) =>
    ok(
      sg,
      recordMutation,
      {
        i: {
          kind: 'DUTY_REPORT',
          method: 'MEETING',
          deputyId,
          occurredOn,
          summary: '向原选区选民述职',
          participants: 40,
        },
      },
      staff,
    );
  reportA = (await report(d[0]!, '2025-05-01')).recordContact.id;
  await report(d[1]!, '2026-03-01');
  voterContact = (
    await ok(
      sg,
      recordMutation,
      {
        i: {
          kind: 'VOTER',
          method: 'MEETING',
          deputyId: d[0],
          occurredOn: '2025-06-01',
          summary: '接待选民',
          participants: 9,
        },
      },
      staff,
    )
  ).recordContact.id;
}, 120_000);

afterEach(() => {
  settings.dutyReportFrequency = 'TERM';
});
afterAll(() => stack?.stop());

describe('duty reports to the voters (D-6, D-15)', () => {
  it('D-15: with reports once a term, those who have not reported since the term began are due', async () => {
    expect(await due(2026)).toEqual(['丙']);
    expect((await due(2025)).sort()).toEqual(['丙', '乙'].sort());
  });

  it('D-15: with reports every year (a local setting), those who have not reported in the year are due', async () => {
    settings.dutyReportFrequency = 'YEAR';
    expect((await due(2026)).sort()).toEqual(['丙', '甲'].sort());
    expect((await due(2025)).sort()).toEqual(['丙', '乙'].sort());
  });

  it('D-15: voters evaluate a duty report; the tally and its rate are kept with the report', async () => {
    const data = await ok(
      sg,
      evaluateMutation,
      { id: reportA, t: { satisfied: 30, basicallySatisfied: 8, dissatisfied: 2 } },
      staff,
    );
    expect(data.recordDutyReportEvaluation.voterEvaluation).toEqual({
      satisfied: 30,
      basicallySatisfied: 8,
      dissatisfied: 2,
      rated: 40,
      satisfactionRate: 0.95,
    });
    const zero = await ok(
      sg,
      evaluateMutation,
      { id: reportA, t: { satisfied: 0, basicallySatisfied: 0, dissatisfied: 0 } },
      staff,
    );
    expect(zero.recordDutyReportEvaluation.voterEvaluation.satisfactionRate).toBeNull();
    await ok(
      sg,
      evaluateMutation,
      { id: reportA, t: { satisfied: 30, basicallySatisfied: 8, dissatisfied: 2 } },
      staff,
    );
  });

  it('D-15: a tally larger than the audience, on another kind of contact, or from another region is refused, changing nothing', async () => {
    const before = (await ok(sg, evaluationQuery, { id: d[0] }, staff)).deputy.contacts;
    await fails(
      sg,
      'BAD_USER_INPUT',
      evaluateMutation,
      { id: reportA, t: { satisfied: 40, basicallySatisfied: 1, dissatisfied: 0 } },
      staff,
      'tally',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      evaluateMutation,
      { id: reportA, t: { satisfied: -1, basicallySatisfied: 1, dissatisfied: 0 } },
      staff,
      'tally.satisfied',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      evaluateMutation,
      { id: voterContact, t: { satisfied: 1, basicallySatisfied: 0, dissatisfied: 0 } },
      staff,
      'contactId',
    );
    await fails(
      sg,
      'FORBIDDEN',
      evaluateMutation,
      { id: reportA, t: { satisfied: 1, basicallySatisfied: 0, dissatisfied: 0 } },
      await tokens.staff('4306'),
    );
    await fails(
      sg,
      'FORBIDDEN',
      evaluateMutation,
      { id: reportA, t: { satisfied: 1, basicallySatisfied: 0, dissatisfied: 0 } },
      await tokens.deputy('430181', d[0]!),
    );
    expect((await ok(sg, evaluationQuery, { id: d[0] }, staff)).deputy.contacts).toEqual(before);
    const sql = stack.services.deputies!.orm.em.fork().getConnection();
    await expect(
      sql.execute(`update deputies.contact_records set voter_satisfied = 99 where id = '${reportA}'`),
    ).rejects.toThrow(/check constraint/);
  });

  it('D-15: who is due is for staff and analysts of the region', async () => {
    await fails(sg, 'UNAUTHENTICATED', dueQuery, { id: county, year: 2026 });
    await fails(sg, 'FORBIDDEN', dueQuery, { id: county, year: 2026 }, await tokens.staff('4306'));
  });
});
