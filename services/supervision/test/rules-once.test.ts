// Each supervision rule written once (issue 9): the list a reader checks and the figure a province pulls
// count the same records, because both read one definition (a fact stored at write time, or one SQL
// predicate). Expected values come from the scenario's dates, not from the code's formula.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok } from '@renda/testing/graphql';
import { startTestServices, type TestStack } from '@renda/testing/services';
import { envProblems } from '@renda/server-kit/env';
import { deputiesService } from '@renda/deputies/server';
import { envSchema } from '../src/env.ts';
import { supervisionService } from '../src/server.ts';
import { handlerToken, makeTokens, makeUnits, type Executor, type Tokens, type Units } from './support.ts';

let stack: TestStack;
let sg: Executor;
let t: Tokens;
let u: Units;

beforeAll(async () => {
  // G-6 (local): a pass mark of 80 injected as the service's settings, process.env untouched.
  stack = await startTestServices([deputiesService, supervisionService], {
    settings: { supervision: { examPassScore: 80 } },
  });
  sg = stack.services.supervision!.subgraph;
  t = await makeTokens();
  u = await makeUnits(sg, t.admin);
});
afterAll(() => stack?.stop());

const ref = [{ __typename: 'Region', code: '430181' }];
const STATS = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Region { supervisionStats(year: 2026) {
  documentsFiled filedLate majorMatters reportedBeforeDecision opinionItems opinionItemsOverdue motions examPassRate } } } }`;
const FIGURES = `query($r: [_Any!]!, $asOf: Date) { _entities(representations: $r) { ... on Region {
  supervisionFigures(from: 2026, to: 2026, level: COUNTY, asOf: $asOf) { period { measuredOn } documentsFiled
    filedOnTime { numerator denominator } majorMattersDecided reportedBeforeDecision { numerator denominator }
    opinionItemsDue opinionItemsOverdue examsPassed { numerator denominator } } } } }`;
const ASSESS = `query($d: Date) { unitAssessments(regionCode: "430181", year: 2026, asOf: $d) {
  unit { id } documentsFiled filedLate opinionItems opinionItemsOverdue } }`;

const stats = async () => (await ok(sg, STATS, { r: ref }, t.analyst))._entities[0].supervisionStats;
const figures = async (asOf?: string) =>
  (await ok(sg, FIGURES, { r: ref, asOf }, t.analyst))._entities[0].supervisionFigures[0];
const assessment = async (asOf?: string) =>
  ((await ok(sg, ASSESS, { d: asOf }, t.analyst)).unitAssessments as any[]).find((a) => a.unit.id === u.transport);

describe('supervision rules written once: the list and the figure agree', () => {
  it('G-3: overdue opinion items — the list, the field, the statistics, the figures and the assessment count the same', async () => {
    const report = (
      await ok(
        sg,
        'mutation($i: HearReportInput!) { hearReport(input: $i) { id } }',
        { i: { kind: 'SPECIAL_REPORT', title: '农村公路建设情况的报告', unitId: u.transport, heardOn: '2026-01-10' } },
        t.staff,
      )
    ).hearReport.id;
    const items = [
      { content: 'a 今日前到期，未反馈', unitId: u.transport, dueOn: '2026-06-14' },
      { content: 'b 今日前到期，已反馈未销号', unitId: u.transport, dueOn: '2026-06-14' },
      { content: 'c 今日到期', unitId: u.transport, dueOn: '2026-06-15' },
      { content: 'd 按期销号', unitId: u.transport, dueOn: '2026-03-31' },
      { content: 'e 逾期后销号', unitId: u.transport, dueOn: '2026-03-31' },
    ];
    const added = (
      await ok(
        sg,
        'mutation($r: ID!, $x: [OpinionItemInput!]!) { addReportOpinions(reportId: $r, items: $x) { opinions { id content } } }',
        { r: report, x: items },
        t.staff,
      )
    ).addReportOpinions.opinions as { id: string; content: string }[];
    const id = (letter: string) => added.find((o) => o.content.startsWith(letter))!.id;
    const handler = await handlerToken(u.transport);
    const report_ = (item: string, on: string) =>
      ok(
        sg,
        'mutation($i: ID!, $on: Date!) { reportOpinionItem(itemId: $i, on: $on) { id } }',
        { i: id(item), on },
        handler,
      );
    const close = (item: string, on: string) =>
      ok(
        sg,
        'mutation($i: ID!, $on: Date!) { closeOpinionItem(itemId: $i, on: $on) { id } }',
        { i: id(item), on },
        t.staff,
      );
    await report_('b', '2026-06-01');
    await report_('d', '2026-03-20');
    await close('d', '2026-03-25');
    await report_('e', '2026-04-20');
    await close('e', '2026-05-01');

    // Today (2026-06-15): a and b, due the day before and not closed; c is due today; d and e are closed.
    const overdue = [id('a'), id('b')].sort();
    const list = (await ok(sg, '{ overdueOpinionItems(regionCode: "430181") { id overdue } }', {}, t.analyst))
      .overdueOpinionItems as { id: string; overdue: boolean }[];
    expect(list.map((i) => i.id).sort()).toEqual(overdue);
    expect(list.every((i) => i.overdue)).toBe(true);
    const page = (
      await ok(
        sg,
        '{ overdueOpinionItemsConnection(regionCode: "430181", first: 1) { totalCount edges { node { id } } } }',
        {},
        t.analyst,
      )
    ).overdueOpinionItemsConnection;
    expect(page.totalCount).toBe(2);
    const all = (await ok(sg, '{ opinionItems(regionCode: "430181") { id overdue } }', {}, t.analyst)).opinionItems as {
      id: string;
      overdue: boolean;
    }[];
    expect(
      all
        .filter((i) => i.overdue)
        .map((i) => i.id)
        .sort(),
    ).toEqual(overdue);
    expect((await stats()).opinionItemsOverdue).toBe(2);
    expect(await figures()).toMatchObject({
      period: { measuredOn: '2026-06-15' },
      opinionItemsDue: 5,
      opinionItemsOverdue: 2,
    });
    expect(await assessment()).toMatchObject({ opinionItems: 5, opinionItemsOverdue: 2 });

    // F-1: on 2026-04-15 only e was overdue (due 03-31, closed 05-01); on its due day nothing was.
    expect((await figures('2026-04-15')).opinionItemsOverdue).toBe(1);
    expect((await assessment('2026-04-15')).opinionItemsOverdue).toBe(1);
    expect((await figures('2026-03-31')).opinionItemsOverdue).toBe(0);
  });

  it('G-2: late filings — the documents flagged late are the ones the figures count, before and after a correction', async () => {
    const file = async (n: number, publishedOn: string, filedOn: string) =>
      (
        await ok(
          sg,
          'mutation($i: FileDocumentInput!) { fileDocument(input: $i) { id version filedLate } }',
          {
            i: {
              title: `文件${n}`,
              documentNumber: `浏交发〔2026〕${n}号`,
              kind: 'NORMATIVE_DOCUMENT',
              issuerId: u.transport,
              publishedOn,
              filedOn,
            },
          },
          t.staff,
        )
      ).fileDocument;
    // Published 01-05: due 02-04. Filed on day 30 is on time, on day 31 late.
    await file(1, '2026-01-05', '2026-02-04');
    await file(2, '2026-01-05', '2026-02-05');
    const third = await file(3, '2026-03-01', '2026-03-10');
    const lateInList = async () =>
      (
        (await ok(sg, '{ filedDocuments(regionCode: "430181", year: 2026) { filedLate } }', {})).filedDocuments as any[]
      ).filter((d) => d.filedLate).length;
    expect(await lateInList()).toBe(1);
    expect(await stats()).toMatchObject({ documentsFiled: 3, filedLate: 1 });
    expect((await figures()).filedOnTime).toEqual({ numerator: 2, denominator: 3 });
    expect(await assessment()).toMatchObject({ documentsFiled: 3, filedLate: 1 });

    // A clerk's typo fixed: the third was filed 04-15, after its due date 03-31; the stored lateness follows.
    const fixed = (
      await ok(
        sg,
        'mutation($id: ID!, $v: Int!, $i: CorrectFiledDocumentInput!) { correctFiledDocument(id: $id, version: $v, input: $i, reason: "日期录入错误") { filedLate } }',
        { id: third.id, v: third.version, i: { filedOn: '2026-04-15' } },
        t.staff,
      )
    ).correctFiledDocument;
    expect(fixed.filedLate).toBe(true);
    expect(await lateInList()).toBe(2);
    expect((await stats()).filedLate).toBe(2);
    expect((await figures()).filedOnTime).toEqual({ numerator: 1, denominator: 3 });
    expect((await assessment()).filedLate).toBe(2);
  });

  it('G-1: reported before decision — the matters flagged are the ones the figures count', async () => {
    const register = async (title: string) =>
      (
        await ok(
          sg,
          'mutation($i: MajorMatterInput!) { registerMajorMatter(input: $i) { id } }',
          { i: { title, unitId: u.government, year: 2026 } },
          t.staff,
        )
      ).registerMajorMatter.id as string;
    const first = await register('城区污水处理厂扩建');
    const second = await register('公交线路调整');
    await register('老旧小区改造计划');
    await ok(sg, 'mutation($id: ID!) { reportMajorMatter(id: $id, on: "2026-02-01") { id } }', { id: first }, t.staff);
    await ok(sg, 'mutation($id: ID!) { decideMajorMatter(id: $id, on: "2026-02-10") { id } }', { id: first }, t.staff);
    await ok(sg, 'mutation($id: ID!) { decideMajorMatter(id: $id, on: "2026-03-01") { id } }', { id: second }, t.staff);

    const list = (
      await ok(sg, '{ majorMatters(regionCode: "430181", year: 2026) { id reportedBeforeDecision } }', {}, t.analyst)
    ).majorMatters as { id: string; reportedBeforeDecision: boolean | null }[];
    const flag = (id: string) => list.find((m) => m.id === id)!.reportedBeforeDecision;
    expect([flag(first), flag(second)]).toEqual([true, false]);
    expect(list.filter((m) => m.reportedBeforeDecision === null)).toHaveLength(1);
    expect(await stats()).toMatchObject({ majorMatters: 3, reportedBeforeDecision: 1 });
    expect(await figures()).toMatchObject({
      majorMattersDecided: 2,
      reportedBeforeDecision: { numerator: 1, denominator: 2 },
    });
  });

  it('G-6 (local): exams passed against the injected pass mark (80) — the motions passed are the ones the figures count', async () => {
    const motion = async (n: number, score: number) => {
      const input = {
        kind: 'APPOINT',
        nomineeName: `候选人${n}`,
        position: `副局长${n}`,
        unitId: u.transport,
        submittedBy: '浏阳市人民政府',
        submittedOn: '2026-06-01',
      };
      const { id } = (
        await ok(sg, 'mutation($i: SubmitMotionInput!) { submitMotion(input: $i) { id } }', { i: input }, t.staff)
      ).submitMotion;
      return (
        await ok(
          sg,
          'mutation($id: ID!, $s: Float!) { recordExam(motionId: $id, score: $s) { status } }',
          { id, s: score },
          t.staff,
        )
      ).recordExam.status as string;
    };
    // 75 passes the default mark (60) but not the injected one.
    expect([await motion(1, 85), await motion(2, 75), await motion(3, 80)]).toEqual([
      'EXAM_PASSED',
      'EXAM_FAILED',
      'EXAM_PASSED',
    ]);
    const listed = (await ok(sg, '{ motions(regionCode: "430181", year: 2026) { status } }', {}, t.analyst))
      .motions as { status: string }[];
    expect(listed.filter((m) => m.status === 'EXAM_PASSED')).toHaveLength(2);
    expect(await stats()).toMatchObject({ motions: 3, examPassRate: 0.6667 });
    expect((await figures()).examsPassed).toEqual({ numerator: 2, denominator: 3 });
  });
});

describe('settings', () => {
  it('a wrong EXAM_PASS_SCORE is one line naming the variable, not a ZodError', () => {
    const checked = envProblems(envSchema, { EXAM_PASS_SCORE: '120' });
    expect(checked.problems).toEqual(['EXAM_PASS_SCORE: must be a number from 0 to 100 (got "120")']);
    expect(envProblems(envSchema, { EXAM_PASS_SCORE: 'sixty' }).problems).toEqual([
      'EXAM_PASS_SCORE: must be a number from 0 to 100 (got "sixty")',
    ]);
  });
});
