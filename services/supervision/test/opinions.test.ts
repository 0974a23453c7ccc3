import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fails, ok } from '@renda/testing/graphql';
import type { TestStack } from '@renda/testing/services';
import { tokens } from '@renda/testing/tokens';
import { devSubgraphSecret } from '@renda/server-kit/env';
import { subgraphSecretHeader } from '@renda/server-kit/http';
import { handlerToken, makeTokens, makeUnits, startStack, type Executor, type Tokens, type Units } from './support.ts';

let stack: TestStack;
let sg: Executor;
let deputies: Executor;
let t: Tokens;
let u: Units;
let deputyIds: string[];
let memberIds: string[];
let transportHandler: string;

/** A county congress with three deputies and two committee members, in the deputies subgraph. */
async function makePeople(): Promise<void> {
  for (const [code, name, level] of [
    ['43', '湖南省', 'PROVINCE'],
    ['4301', '长沙市', 'CITY'],
    ['430181', '浏阳市', 'COUNTY'],
  ] as const) {
    await ok(
      deputies,
      'mutation($input: CreateRegionInput!) { createRegion(input: $input) { code } }',
      { input: { code, name, level } },
      t.admin,
    );
  }
  const congress = (
    await ok(
      deputies,
      'mutation($input: CreateCongressInput!) { createCongress(input: $input) { id } }',
      { input: { regionCode: '430181', termNumber: 17, name: '浏阳市第十七届人民代表大会', startsOn: '2021-10-01' } },
      t.admin,
    )
  ).createCongress.id;
  deputyIds = [];
  for (const n of [1, 2, 3]) {
    const input = {
      congressId: congress,
      regionCode: '430181',
      name: `代表${n}`,
      gender: 'FEMALE',
      workUnit: '浏阳市某单位',
      position: '职员',
      constituency: `第${n}选区`,
    };
    deputyIds.push(
      (
        await ok(
          deputies,
          'mutation($input: CreateDeputyInput!) { createDeputy(input: $input) { id } }',
          { input },
          t.admin,
        )
      ).createDeputy.id,
    );
  }
  memberIds = [];
  for (const n of [1, 2]) {
    const input = { congressId: congress, name: `委员${n}`, role: 'MEMBER', fullTime: true };
    memberIds.push(
      (
        await ok(
          deputies,
          'mutation($input: CreateCommitteeMemberInput!) { createCommitteeMember(input: $input) { id } }',
          { input },
          t.admin,
        )
      ).createCommitteeMember.id,
    );
  }
}

beforeAll(async () => {
  ({ stack, sg, deputies } = await startStack());
  t = await makeTokens();
  u = await makeUnits(sg, t.admin);
  transportHandler = await handlerToken(u.transport);
  await makePeople();
});
afterAll(() => stack?.stop());

const I = 'id content unit { id } dueOn status reportedOn closedOn overdue';
const HEAR = 'mutation($input: HearReportInput!) { hearReport(input: $input) { id title heardOn tally { rate } } }';
const ADD = `mutation($id: ID!, $items: [OpinionItemInput!]!) { addReportOpinions(reportId: $id, items: $items) { id opinions { ${I} } } }`;
const REPORT_ITEM = `mutation($id: ID!, $on: Date!) { reportOpinionItem(itemId: $id, on: $on) { ${I} } }`;
const CLOSE_ITEM = `mutation($id: ID!, $on: Date!) { closeOpinionItem(itemId: $id, on: $on) { ${I} } }`;
const REPORT = `query($id: ID!) { report(id: $id) { id kind title unit { id } heardOn tally { satisfied basicallySatisfied dissatisfied rate } opinions { ${I} } } }`;

async function hear(unitId = u.government, heardOn = '2026-04-28'): Promise<string> {
  return (
    await ok(
      sg,
      HEAR,
      { input: { kind: 'SPECIAL_REPORT', title: '关于农村饮水安全工作情况的报告', unitId, heardOn } },
      t.staff,
    )
  ).hearReport.id;
}
async function items(reportId: string, list: { unitId: string; dueOn: string; content?: string }[]): Promise<any[]> {
  const res = await ok(
    sg,
    ADD,
    { id: reportId, items: list.map((x, i) => ({ content: x.content ?? `意见${i + 1}`, ...x })) },
    t.staff,
  );
  return res.addReportOpinions.opinions;
}

describe('G-3 deliberation opinions as a checklist (清单制)', () => {
  it('G-3: a report gets its satisfaction vote and opinion items, each with a unit and a due date', async () => {
    const id = await hear();
    const TALLY =
      'mutation($id: ID!, $tally: SatisfactionTallyInput!) { recordReportTally(reportId: $id, tally: $tally) { tally { satisfied basicallySatisfied dissatisfied rate } } }';
    const tallied = await ok(
      sg,
      TALLY,
      { id, tally: { satisfied: 20, basicallySatisfied: 8, dissatisfied: 4 } },
      t.staff,
    );
    expect(tallied.recordReportTally.tally).toEqual({
      satisfied: 20,
      basicallySatisfied: 8,
      dissatisfied: 4,
      rate: 0.875,
    });
    await fails(
      sg,
      'CONFLICT',
      TALLY,
      { id, tally: { satisfied: 1, basicallySatisfied: 0, dissatisfied: 0 } },
      t.staff,
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      TALLY,
      { id, tally: { satisfied: 0, basicallySatisfied: 0, dissatisfied: 0 } },
      t.staff,
      'tally',
    );
    // Int-max counts would overflow the statistics' integer sums (a SQL error); they are refused on input.
    const other = await hear();
    await fails(
      sg,
      'BAD_USER_INPUT',
      TALLY,
      { id: other, tally: { satisfied: 2147483647, basicallySatisfied: 2147483647, dissatisfied: 0 } },
      t.staff,
      'tally.satisfied',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      TALLY,
      { id: other, tally: { satisfied: 1, basicallySatisfied: 0, dissatisfied: -1 } },
      t.staff,
      'tally.dissatisfied',
    );
    expect((await ok(sg, REPORT, { id: other }, t.staff)).report.tally).toBeNull();
    const stats = await ok(
      sg,
      'query { _entities(representations: [{ __typename: "Region", code: "430181" }]) { ... on Region { supervisionStats(year: 2026) { reportSatisfactionRate } } } }',
      {},
      t.analyst,
    );
    expect(stats._entities[0].supervisionStats.reportSatisfactionRate).toBeGreaterThan(0);
    const list = await items(id, [
      { unitId: u.transport, dueOn: '2026-09-30' },
      { unitId: u.housing, dueOn: '2026-10-31' },
    ]);
    expect(list).toHaveLength(2);
    expect(list[0]).toMatchObject({ unit: { id: u.transport }, dueOn: '2026-09-30', status: 'OPEN', overdue: false });
  });

  it('G-3: items are checked before any is written (unit known, due after the hearing, at least one)', async () => {
    const id = await hear();
    await fails(
      sg,
      'BAD_USER_INPUT',
      ADD,
      {
        id,
        items: [
          { content: 'a', unitId: u.transport, dueOn: '2026-09-30' },
          { content: 'b', unitId: '0190a0b0-0000-7000-8000-00000000ffff', dueOn: '2026-09-30' },
        ],
      },
      t.staff,
      'items[1].unitId',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      ADD,
      { id, items: [{ content: 'a', unitId: u.transport, dueOn: '2026-04-27' }] },
      t.staff,
      'items[0].dueOn',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      ADD,
      { id, items: [{ content: ' ', unitId: u.transport, dueOn: '2026-09-30' }] },
      t.staff,
      'items[0].content',
    );
    await fails(sg, 'BAD_USER_INPUT', ADD, { id, items: [] }, t.staff, 'items');
    await fails(
      sg,
      'BAD_USER_INPUT',
      ADD,
      { id, items: [{ content: 'a', unitId: u.transport, dueOn: '9999-12-31' }] },
      t.staff,
      'items[0].dueOn',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      ADD,
      { id, items: [{ content: 'a'.repeat(5000), unitId: u.transport, dueOn: '2026-09-30' }] },
      t.staff,
      'items[0].content',
    );
    await fails(
      sg,
      'FORBIDDEN',
      ADD,
      { id, items: [{ content: 'a', unitId: u.otherCounty, dueOn: '2026-09-30' }] },
      t.staff,
    );
    expect((await ok(sg, REPORT, { id }, t.staff)).report.opinions).toEqual([]);
  });

  it("G-3: OPEN → REPORTED by the unit's handler → CLOSED (销号) by staff", async () => {
    const [item] = await items(await hear(), [{ unitId: u.transport, dueOn: '2026-09-30' }]);
    const reported = await ok(sg, REPORT_ITEM, { id: item.id, on: '2026-06-10' }, transportHandler);
    expect(reported.reportOpinionItem).toMatchObject({ status: 'REPORTED', reportedOn: '2026-06-10' });
    await fails(sg, 'FORBIDDEN', CLOSE_ITEM, { id: item.id, on: '2026-06-12' }, transportHandler);
    await fails(sg, 'BAD_USER_INPUT', CLOSE_ITEM, { id: item.id, on: '2026-06-09' }, t.staff, 'on');
    const closed = await ok(sg, CLOSE_ITEM, { id: item.id, on: '2026-06-12' }, t.staff);
    expect(closed.closeOpinionItem).toMatchObject({ status: 'CLOSED', closedOn: '2026-06-12', overdue: false });
  });

  it('G-3: staff may report for the unit; a handler of another unit, an analyst and the public may not', async () => {
    const [item] = await items(await hear(), [{ unitId: u.transport, dueOn: '2026-09-30' }]);
    await fails(sg, 'FORBIDDEN', REPORT_ITEM, { id: item.id, on: '2026-06-10' }, await handlerToken(u.housing));
    await fails(sg, 'FORBIDDEN', REPORT_ITEM, { id: item.id, on: '2026-06-10' }, t.analyst);
    await fails(sg, 'FORBIDDEN', REPORT_ITEM, { id: item.id, on: '2026-06-10' }, t.staffOther);
    await fails(sg, 'UNAUTHENTICATED', REPORT_ITEM, { id: item.id, on: '2026-06-10' });
    await fails(sg, 'BAD_USER_INPUT', REPORT_ITEM, { id: item.id, on: '2026-06-16' }, t.staff, 'on');
    expect((await ok(sg, REPORT_ITEM, { id: item.id, on: '2026-06-10' }, t.staff)).reportOpinionItem.status).toBe(
      'REPORTED',
    );
  });

  it('G-3: every refused item transition is CONFLICT (close an OPEN item, report twice, anything after CLOSED)', async () => {
    const [a, b] = await items(await hear(), [
      { unitId: u.transport, dueOn: '2026-09-30' },
      { unitId: u.transport, dueOn: '2026-09-30' },
    ]);
    await fails(sg, 'CONFLICT', CLOSE_ITEM, { id: a.id, on: '2026-06-10' }, t.staff);
    await ok(sg, REPORT_ITEM, { id: a.id, on: '2026-06-10' }, transportHandler);
    await fails(sg, 'CONFLICT', REPORT_ITEM, { id: a.id, on: '2026-06-11' }, transportHandler);
    await ok(sg, CLOSE_ITEM, { id: a.id, on: '2026-06-12' }, t.staff);
    await fails(sg, 'CONFLICT', CLOSE_ITEM, { id: a.id, on: '2026-06-13' }, t.staff);
    await fails(sg, 'CONFLICT', REPORT_ITEM, { id: a.id, on: '2026-06-13' }, t.staff);
    const open = await ok(
      sg,
      `query($code: ID!) { opinionItems(regionCode: $code, status: OPEN) { id } }`,
      { code: '430181' },
      t.staff,
    );
    expect(open.opinionItems.map((x: any) => x.id)).toContain(b.id);
    await fails(sg, 'NOT_FOUND', CLOSE_ITEM, { id: '0190a0b0-0000-7000-8000-00000000ffff', on: '2026-06-13' }, t.staff);
  });

  it('G-3: an item is overdue when not closed and today (injected clock) is after its due date', async () => {
    const [item, done] = await items(await hear(u.housing), [
      { unitId: u.housing, dueOn: '2026-06-20' },
      { unitId: u.housing, dueOn: '2026-06-20' },
    ]);
    await ok(sg, REPORT_ITEM, { id: done.id, on: '2026-06-15' }, t.staff);
    await ok(sg, CLOSE_ITEM, { id: done.id, on: '2026-06-15' }, t.staff);
    const OVERDUE = `query($code: ID!) { overdueOpinionItems(regionCode: $code) { ${I} } }`;
    try {
      stack.clock.set('2026-06-20T15:59:00Z'); // 23:59 on the due date in Asia/Shanghai
      expect(
        (await ok(sg, OVERDUE, { code: '430181' }, t.analyst)).overdueOpinionItems.map((x: any) => x.id),
      ).not.toContain(item.id);
      stack.clock.set('2026-06-20T16:00:00Z'); // 00:00 on the next day in Asia/Shanghai
      const overdue = (await ok(sg, OVERDUE, { code: '430181' }, t.analyst)).overdueOpinionItems;
      expect(overdue.find((x: any) => x.id === item.id)).toMatchObject({ overdue: true, status: 'OPEN' });
      expect(overdue.map((x: any) => x.id)).not.toContain(done.id);
      await ok(sg, REPORT_ITEM, { id: item.id, on: '2026-06-21' }, t.staff);
      expect(
        (await ok(sg, OVERDUE, { code: '430181' }, t.analyst)).overdueOpinionItems.map((x: any) => x.id),
      ).toContain(item.id);
      await ok(sg, CLOSE_ITEM, { id: item.id, on: '2026-06-21' }, t.staff);
      expect(
        (await ok(sg, OVERDUE, { code: '430181' }, t.analyst)).overdueOpinionItems.map((x: any) => x.id),
      ).not.toContain(item.id);
      expect((await ok(sg, OVERDUE, { code: '430602' }, t.admin)).overdueOpinionItems).toEqual([]);
    } finally {
      stack.clock.set('2026-06-15T02:00:00Z');
    }
  });

  it('reports and opinion items are not public; a handler reads their own unit; analysts their subtree', async () => {
    const id = await hear(u.transport);
    await items(id, [{ unitId: u.transport, dueOn: '2026-09-30' }]);
    await fails(sg, 'UNAUTHENTICATED', 'query { reports(regionCode: "430181") { id } }', {});
    await fails(sg, 'UNAUTHENTICATED', 'query { overdueOpinionItems(regionCode: "430181") { id } }', {});
    await fails(sg, 'FORBIDDEN', 'query { reports(regionCode: "430181") { id } }', {}, t.analystOther);
    await fails(sg, 'FORBIDDEN', 'query { reports(regionCode: "430181") { id } }', {}, t.deputy);
    await fails(sg, 'BAD_USER_INPUT', 'query { reports(regionCode: "4301x") { id } }', {}, t.analyst, 'regionCode');
    expect((await ok(sg, REPORT, { id })).report).toBeNull();
    expect((await ok(sg, REPORT, { id }, await handlerToken(u.housing))).report).toBeNull();
    expect((await ok(sg, REPORT, { id }, transportHandler)).report.unit.id).toBe(u.transport);
    // Through a report of their own unit a handler sees their unit's items only, not other units'.
    await items(id, [{ unitId: u.housing, dueOn: '2026-09-30', content: '住建局的意见' }]);
    const viaReport = (await ok(sg, REPORT, { id }, transportHandler)).report.opinions;
    expect(viaReport.length).toBeGreaterThan(0);
    expect(viaReport.every((o: any) => o.unit.id === u.transport)).toBe(true);
    expect((await ok(sg, REPORT, { id }, t.analyst)).report.opinions.map((o: any) => o.unit.id)).toContain(u.housing);
    const viaEntities = await ok(
      sg,
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Report { opinions { unit { id } } } } }',
      { r: [{ __typename: 'Report', id }] },
      transportHandler,
    );
    expect(viaEntities._entities[0].opinions.every((o: any) => o.unit.id === u.transport)).toBe(true);
    const mine = (
      await ok(sg, 'query { reports(regionCode: "430181", year: 2026) { unit { id } } }', {}, transportHandler)
    ).reports;
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((r: any) => r.unit.id === u.transport)).toBe(true);
    const myItems = (await ok(sg, 'query { opinionItems(regionCode: "430181") { unit { id } } }', {}, transportHandler))
      .opinionItems;
    expect(myItems.every((r: any) => r.unit.id === u.transport)).toBe(true);
    expect((await ok(sg, 'query { reports(regionCode: "430181", year: 2025) { id } }', {}, t.analyst)).reports).toEqual(
      [],
    );
    await fails(
      sg,
      'FORBIDDEN',
      HEAR,
      { input: { kind: 'WORK_REPORT', title: 'x', unitId: u.government, heardOn: '2026-04-28' } },
      t.analyst,
    );
    await fails(
      sg,
      'FORBIDDEN',
      HEAR,
      { input: { kind: 'WORK_REPORT', title: 'x', unitId: u.government, heardOn: '2026-04-28' } },
      transportHandler,
    );
  });
});

describe('G-4 law-enforcement inspections and work evaluations', () => {
  const START =
    'mutation($input: InspectionInput!) { startInspection(input: $input) { id lawName region { code } startsOn endsOn committeeMembers { id } deputies { id } findings opinions { id } } }';
  const FINDINGS = `mutation($id: ID!, $findings: String!, $items: [OpinionItemInput!]!) { addInspectionOpinions(inspectionId: $id, findings: $findings, items: $items) { id findings opinions { ${I} } } }`;
  const base = () => ({
    lawName: '中华人民共和国水污染防治法',
    regionCode: '430181',
    startsOn: '2026-03-16',
    endsOn: '2026-03-20',
    committeeMemberIds: memberIds,
    deputyIds: deputyIds.slice(0, 2),
  });

  it('G-4: an inspection names committee members and deputies the deputies subgraph knows, then records findings and items', async () => {
    const started = (await ok(sg, START, { input: base() }, t.staff)).startInspection;
    expect(started).toMatchObject({ region: { code: '430181' }, findings: null, opinions: [] });
    expect(started.committeeMembers.map((m: any) => m.id).sort()).toEqual([...memberIds].sort());
    expect(started.deputies.map((d: any) => d.id).sort()).toEqual(deputyIds.slice(0, 2).sort());
    const done = await ok(
      sg,
      FINDINGS,
      {
        id: started.id,
        findings: '部分支流污水直排',
        items: [{ content: '排查入河排污口', unitId: u.government, dueOn: '2026-09-30' }],
      },
      t.staff,
    );
    expect(done.addInspectionOpinions).toMatchObject({
      findings: '部分支流污水直排',
      opinions: [{ content: '排查入河排污口', status: 'OPEN' }],
    });
    await fails(sg, 'CONFLICT', FINDINGS, { id: started.id, findings: 'again', items: [] }, t.staff);
    const list = (await ok(sg, 'query { inspections(regionCode: "430181", year: 2026) { id lawName } }', {}, t.analyst))
      .inspections;
    expect(list.map((x: any) => x.id)).toContain(started.id);
  });

  it('G-4: unknown or malformed deputy and committee-member ids are BAD_USER_INPUT and start nothing', async () => {
    const before = (await ok(sg, 'query { inspections(regionCode: "430181") { id } }', {}, t.analyst)).inspections
      .length;
    const unknown = '0190a0b0-0000-7000-8000-00000000ffff';
    await fails(
      sg,
      'BAD_USER_INPUT',
      START,
      { input: { ...base(), deputyIds: [deputyIds[0], unknown] } },
      t.staff,
      'input.deputyIds',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      START,
      { input: { ...base(), committeeMemberIds: [unknown] } },
      t.staff,
      'input.committeeMemberIds',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      START,
      { input: { ...base(), committeeMemberIds: ['nope'] } },
      t.staff,
      'input.committeeMemberIds',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      START,
      { input: { ...base(), committeeMemberIds: [deputyIds[0]] } },
      t.staff,
      'input.committeeMemberIds',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      START,
      { input: { ...base(), committeeMemberIds: [] } },
      t.staff,
      'input.committeeMemberIds',
    );
    await fails(sg, 'BAD_USER_INPUT', START, { input: { ...base(), endsOn: '2026-03-01' } }, t.staff, 'input.endsOn');
    await fails(sg, 'FORBIDDEN', START, { input: base() }, t.staffOther);
    expect(
      (await ok(sg, 'query { inspections(regionCode: "430181") { id } }', {}, t.analyst)).inspections,
    ).toHaveLength(before);
  });

  it('G-4: Deputy.inspections and CommitteeMember.inspections list the inspections they took part in, by year', async () => {
    const other = (
      await ok(
        sg,
        START,
        { input: { ...base(), startsOn: '2025-05-10', endsOn: null, deputyIds: [deputyIds[2]] } },
        t.staff,
      )
    ).startInspection;
    const Q = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Deputy { id inspections(year: 2026) { id lawName } all: inspections { id } } ... on CommitteeMember { id inspections(year: 2025) { id } } } }`;
    const r = [
      { __typename: 'Deputy', id: deputyIds[0] },
      { __typename: 'Deputy', id: deputyIds[2] },
      { __typename: 'CommitteeMember', id: memberIds[0] },
    ];
    const data = (await ok(sg, Q, { r }, t.analyst))._entities;
    expect(data[0].inspections.length).toBeGreaterThan(0);
    expect(data[1].inspections).toEqual([]);
    expect(data[1].all).toEqual([{ id: other.id }]);
    expect(data[2].inspections).toEqual([{ id: other.id }]);
    const own = await ok(
      sg,
      Q,
      { r: [{ __typename: 'Deputy', id: deputyIds[2] }] },
      await tokens.deputy('430181', deputyIds[2]!),
    );
    expect(own._entities[0].all).toEqual([{ id: other.id }]);
    const otherDeputy = await ok(
      sg,
      Q,
      { r: [{ __typename: 'Deputy', id: deputyIds[2] }] },
      await tokens.deputy('430181', deputyIds[0]!),
    );
    expect(otherDeputy._entities[0].all).toEqual([]);
    const pub = await sg.execute(Q, { r: [{ __typename: 'Deputy', id: deputyIds[2] }] });
    expect(pub.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('G-4: a work evaluation of a unit takes one satisfaction vote and may assign items', async () => {
    const START_E =
      'mutation($input: StartEvaluationInput!) { startEvaluation(input: $input) { id year subject unit { id } tally { rate } } }';
    const TALLY = `mutation($id: ID!, $tally: SatisfactionTallyInput!, $items: [OpinionItemInput!]) { recordEvaluationTally(evaluationId: $id, tally: $tally, items: $items) { id tally { satisfied rate } opinions { ${I} } } }`;
    await fails(
      sg,
      'BAD_USER_INPUT',
      START_E,
      { input: { unitId: u.housing, year: 1800, subject: 's' } },
      t.staff,
      'input.year',
    );
    const e = (
      await ok(sg, START_E, { input: { unitId: u.housing, year: 2026, subject: '老旧小区改造工作评议' } }, t.staff)
    ).startEvaluation;
    expect(e).toMatchObject({ year: 2026, unit: { id: u.housing }, tally: null });
    await fails(
      sg,
      'BAD_USER_INPUT',
      TALLY,
      {
        id: e.id,
        tally: { satisfied: 1, basicallySatisfied: 0, dissatisfied: 0 },
        items: [{ content: 'x', unitId: 'bad', dueOn: '2026-09-30' }],
      },
      t.staff,
      'items[0].unitId',
    );
    const tallied = (
      await ok(
        sg,
        TALLY,
        {
          id: e.id,
          tally: { satisfied: 15, basicallySatisfied: 10, dissatisfied: 5 },
          items: [{ content: '加强工程质量监管', unitId: u.housing, dueOn: '2026-12-31' }],
        },
        t.staff,
      )
    ).recordEvaluationTally;
    expect(tallied.tally).toEqual({ satisfied: 15, rate: 25 / 30 });
    expect(tallied.opinions).toHaveLength(1);
    await fails(
      sg,
      'CONFLICT',
      TALLY,
      { id: e.id, tally: { satisfied: 1, basicallySatisfied: 0, dissatisfied: 0 } },
      t.staff,
    );
    const mine = (
      await ok(sg, 'query { evaluations(regionCode: "430181", year: 2026) { id } }', {}, await handlerToken(u.housing))
    ).evaluations;
    expect(mine).toEqual([{ id: e.id }]);
    expect(
      (await ok(sg, 'query { evaluations(regionCode: "430181") { id } }', {}, transportHandler)).evaluations,
    ).toEqual([]);
    await fails(sg, 'UNAUTHENTICATED', 'query { evaluations(regionCode: "430181") { id } }', {});
  });
});

describe('G-4 inquiries (质询案)', () => {
  const FILE =
    'mutation($input: InquiryInput!) { fileInquiry(input: $input) { id status signers filedOn answerDueOn answeredOn answer unit { id } } }';
  const ANSWER =
    'mutation($id: ID!, $answer: String!, $on: Date!) { answerInquiry(id: $id, answer: $answer, on: $on) { id status answer answeredOn } }';
  const CONCLUDE = 'mutation($id: ID!, $s: Boolean!) { concludeInquiry(id: $id, satisfied: $s) { id status } }';
  const input = (signers: number) => ({
    unitId: u.housing,
    subject: '老旧小区改造工程质量问题',
    signers,
    filedOn: '2026-06-01',
    answerDueOn: '2026-06-30',
  });
  const fileOne = async () => (await ok(sg, FILE, { input: input(5) }, t.staff)).fileInquiry;

  it('G-4: an inquiry needs at least 5 signers; 4 is BAD_USER_INPUT and files nothing', async () => {
    const before = (await ok(sg, 'query { inquiries(regionCode: "430181") { id } }', {}, t.analyst)).inquiries.length;
    await fails(sg, 'BAD_USER_INPUT', FILE, { input: input(4) }, t.staff, 'input.signers');
    await fails(
      sg,
      'BAD_USER_INPUT',
      FILE,
      { input: { ...input(5), answerDueOn: '2026-05-01' } },
      t.staff,
      'input.answerDueOn',
    );
    await fails(sg, 'BAD_USER_INPUT', FILE, { input: input(2147483647) }, t.staff, 'input.signers');
    await fails(
      sg,
      'BAD_USER_INPUT',
      FILE,
      { input: { ...input(5), answerDueOn: '9999-12-31' } },
      t.staff,
      'input.answerDueOn',
    );
    await fails(sg, 'BAD_USER_INPUT', FILE, { input: { ...input(5), subject: '   ' } }, t.staff, 'input.subject');
    expect((await ok(sg, 'query { inquiries(regionCode: "430181") { id } }', {}, t.analyst)).inquiries).toHaveLength(
      before,
    );
    expect(await fileOne()).toMatchObject({ status: 'FILED', signers: 5, unit: { id: u.housing } });
  });

  it("G-4: FILED → ANSWERED (by the unit's handler) → REANSWER_REQUIRED → ANSWERED → CLOSED", async () => {
    const q = await fileOne();
    const housing = await handlerToken(u.housing);
    await fails(sg, 'FORBIDDEN', ANSWER, { id: q.id, answer: 'x', on: '2026-06-05' }, transportHandler);
    await fails(sg, 'BAD_USER_INPUT', ANSWER, { id: q.id, answer: 'x', on: '2026-05-30' }, housing, 'on');
    expect(
      (await ok(sg, ANSWER, { id: q.id, answer: '已整改', on: '2026-06-05' }, housing)).answerInquiry,
    ).toMatchObject({ status: 'ANSWERED', answer: '已整改', answeredOn: '2026-06-05' });
    await fails(sg, 'FORBIDDEN', CONCLUDE, { id: q.id, s: false }, housing);
    expect((await ok(sg, CONCLUDE, { id: q.id, s: false }, t.staff)).concludeInquiry.status).toBe('REANSWER_REQUIRED');
    expect(
      (await ok(sg, ANSWER, { id: q.id, answer: '全面返工', on: '2026-06-12' }, t.staff)).answerInquiry,
    ).toMatchObject({ status: 'ANSWERED', answer: '全面返工' });
    expect((await ok(sg, CONCLUDE, { id: q.id, s: true }, t.staff)).concludeInquiry.status).toBe('CLOSED');
  });

  it('G-4: every refused inquiry transition is CONFLICT', async () => {
    const filed = await fileOne();
    await fails(sg, 'CONFLICT', CONCLUDE, { id: filed.id, s: true }, t.staff);
    await fails(sg, 'CONFLICT', CONCLUDE, { id: filed.id, s: false }, t.staff);
    const answered = await fileOne();
    await ok(sg, ANSWER, { id: answered.id, answer: 'a', on: '2026-06-05' }, t.staff);
    await fails(sg, 'CONFLICT', ANSWER, { id: answered.id, answer: 'b', on: '2026-06-06' }, t.staff);
    await ok(sg, CONCLUDE, { id: answered.id, s: false }, t.staff);
    await fails(sg, 'CONFLICT', CONCLUDE, { id: answered.id, s: true }, t.staff);
    await fails(sg, 'CONFLICT', CONCLUDE, { id: answered.id, s: false }, t.staff);
    await ok(sg, ANSWER, { id: answered.id, answer: 'c', on: '2026-06-07' }, t.staff);
    await ok(sg, CONCLUDE, { id: answered.id, s: true }, t.staff);
    await fails(sg, 'CONFLICT', ANSWER, { id: answered.id, answer: 'd', on: '2026-06-08' }, t.staff);
    await fails(sg, 'CONFLICT', CONCLUDE, { id: answered.id, s: true }, t.staff);
    await fails(sg, 'CONFLICT', CONCLUDE, { id: answered.id, s: false }, t.staff);
  });

  it('G-4: inquiries are not public; the unit handler sees their own', async () => {
    await fails(sg, 'UNAUTHENTICATED', 'query { inquiries(regionCode: "430181") { id } }', {});
    await fails(sg, 'FORBIDDEN', FILE, { input: input(6) }, t.analyst);
    const own = (
      await ok(
        sg,
        'query { inquiries(regionCode: "430181", year: 2026) { unit { id } } }',
        {},
        await handlerToken(u.housing),
      )
    ).inquiries;
    expect(own.length).toBeGreaterThan(0);
    expect((await ok(sg, 'query { inquiries(regionCode: "430181") { id } }', {}, transportHandler)).inquiries).toEqual(
      [],
    );
  });
});

describe('robustness: ids are checked before any query starts', () => {
  const post = async (query: string, variables: Record<string, unknown>, token?: string) => {
    const res = await fetch(stack.services.supervision!.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [subgraphSecretHeader]: devSubgraphSecret,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    return {
      status: res.status,
      body: (await res.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] },
    };
  };
  const tally = { satisfied: 1, basicallySatisfied: 0, dissatisfied: 0 };
  const items = [{ content: '整改', unitId: '0190a0b0-0000-7000-8000-00000000abcd', dueOn: '2026-07-01' }];
  const mutations: [string, string, Record<string, unknown>][] = [
    [
      'recordReportTally',
      'mutation($id: ID!, $t: SatisfactionTallyInput!) { recordReportTally(reportId: $id, tally: $t) { id } }',
      { t: tally },
    ],
    [
      'addReportOpinions',
      'mutation($id: ID!, $i: [OpinionItemInput!]!) { addReportOpinions(reportId: $id, items: $i) { id } }',
      { i: items },
    ],
    ['reportOpinionItem', 'mutation($id: ID!) { reportOpinionItem(itemId: $id, on: "2026-06-01") { id } }', {}],
    ['closeOpinionItem', 'mutation($id: ID!) { closeOpinionItem(itemId: $id, on: "2026-06-01") { id } }', {}],
    [
      'addInspectionOpinions',
      'mutation($id: ID!, $i: [OpinionItemInput!]!) { addInspectionOpinions(inspectionId: $id, findings: "f", items: $i) { id } }',
      { i: items },
    ],
    [
      'recordEvaluationTally',
      'mutation($id: ID!, $t: SatisfactionTallyInput!) { recordEvaluationTally(evaluationId: $id, tally: $t) { id } }',
      { t: tally },
    ],
  ];

  it('the six mutations, unauthenticated and with malformed or unknown ids, answer coded errors and the service keeps serving', async () => {
    const seen: string[] = [];
    for (const [name, query, variables] of mutations) {
      for (const id of ['not-an-id', "1' or '1'='1", '', '0190a0b0-0000-7000-8000-00000000dead']) {
        for (const token of [undefined, t.staff]) {
          const { status, body } = await post(query, { ...variables, id }, token);
          expect(status, name).toBe(200);
          const code = body.errors?.[0]?.extensions?.code;
          expect(
            ['BAD_USER_INPUT', 'NOT_FOUND', 'UNAUTHENTICATED', 'FORBIDDEN'],
            `${name}(${JSON.stringify(id)}): ${body.errors?.[0]?.message}`,
          ).toContain(code);
          seen.push(code!);
        }
      }
    }
    expect(seen).toContain('BAD_USER_INPUT');
    expect(seen).toContain('NOT_FOUND');
    // Any query started before a refusal would reject now, unheard; give it the time to.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = await post('query { reports(regionCode: "430181") { id } }', {}, t.staff);
    expect(after.status).toBe(200);
    expect(after.body.errors).toBeUndefined();
  });

  it('impossible dates, years outside 1900–2200, control characters and oversized lists are BAD_USER_INPUT naming the path, with HTTP 200, and change nothing', async () => {
    const id = await hear();
    const ADD_ITEMS =
      'mutation($id: ID!, $items: [OpinionItemInput!]!) { addReportOpinions(reportId: $id, items: $items) { id } }';
    const item = (patch: Record<string, unknown>) => ({
      content: '整改',
      unitId: u.transport,
      dueOn: '2026-09-30',
      ...patch,
    });
    const cases: [Record<string, unknown>, string][] = [
      [{ items: [item({}), item({ dueOn: '2026-02-30' })] }, 'items[1].dueOn'],
      [{ items: [item({ dueOn: '0000-01-01' })] }, 'items[0].dueOn'],
      [{ items: [item({ dueOn: '2201-01-01' })] }, 'items[0].dueOn'],
      [{ items: [item({ dueOn: '2026-9-30' })] }, 'items[0].dueOn'],
      [{ items: [item({ content: '整改\u0000' })] }, 'items[0].content'],
      [{ items: [item({ content: 'a\u001bb' })] }, 'items[0].content'],
      [{ items: [item({ unitId: `${u.transport}\u0000` })] }, 'items[0].unitId'],
      [{ items: Array.from({ length: 5001 }, () => item({})) }, 'items'],
    ];
    for (const [variables, field] of cases) {
      const { status, body } = await post(ADD_ITEMS, { id, ...variables }, t.staff);
      expect(status, field).toBe(200);
      expect(body.errors?.[0]?.extensions, body.errors?.[0]?.message).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    // Literals in the document are checked the same way as variables.
    for (const on of ['2026-02-29', '1899-12-31', '9999-12-31', '2026-06-31']) {
      const { status, body } = await post(
        `mutation { reportOpinionItem(itemId: "0190a0b0-0000-7000-8000-00000000dead", on: "${on}") { id } }`,
        {},
        t.staff,
      );
      expect(status, on).toBe(200);
      expect(body.errors?.[0]?.extensions, on).toMatchObject({ code: 'BAD_USER_INPUT', field: 'on' });
    }
    // Tab, line feed and carriage return are text.
    const ok1 = await post(ADD_ITEMS, { id, items: [item({ content: '第一条\t说明\r\n第二行' })] }, t.staff);
    expect(ok1.body.errors).toBeUndefined();
    expect((await ok(sg, REPORT, { id }, t.staff)).report.opinions).toHaveLength(1);
  });

  it('the same record sent by concurrent requests: one is written, the others are CONFLICT (never an internal error)', async () => {
    const CREATE = 'mutation($input: CreateUnitInput!) { createUnit(input: $input) { id } }';
    const input = {
      regionCode: '430181',
      name: '浏阳市并发测试局',
      kind: 'GOVERNMENT_DEPARTMENT',
      parentId: u.government,
    };
    const answers = await Promise.all(Array.from({ length: 10 }, () => post(CREATE, { input }, t.staff)));
    const codes = answers.map((a) => a.body.errors?.[0]?.extensions?.code ?? 'OK');
    expect(codes.filter((c) => c === 'OK')).toHaveLength(1);
    expect(
      codes.filter((c) => c !== 'OK').every((c) => c === 'CONFLICT'),
      codes.join(' '),
    ).toBe(true);
    const units = (await ok(sg, 'query { units(regionCode: "430181") { name } }', {}, t.staff)).units;
    expect(units.filter((x: { name: string }) => x.name === input.name)).toHaveLength(1);
  });

  it('a field the public may not use is UNAUTHENTICATED in a 200 answer; a present but invalid token refuses the whole request (401)', async () => {
    const publicCall = await post('query { reports(regionCode: "430181") { id } }', {});
    expect(publicCall.status).toBe(200);
    expect(publicCall.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const forged = await post('query { reports(regionCode: "430181") { id } }', {}, `${t.staff.slice(0, -4)}AAAA`);
    expect(forged.status).toBe(401);
    expect(forged.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
