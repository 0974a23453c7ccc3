import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countStatements } from '@renda/db/orm';
import { demoId } from '@renda/db/ids';
import { fails, ok } from '@renda/testing/graphql';
import type { TestStack } from '@renda/testing/services';
import { supervisionService } from '../src/server.ts';
import { handlerToken, makeTokens, startStack, type Executor, type Tokens } from './support.ts';

let stack: TestStack;
let sg: Executor;
let t: Tokens;
const unit = (slug: string, region = '430181') => demoId(`unit:${region}:${slug}`);

beforeAll(async () => {
  ({ stack, sg } = await startStack());
  t = await makeTokens();
  const orm = stack.services.supervision!.orm;
  await supervisionService.seed!(orm.em.fork(), stack.clock);
});
afterAll(() => stack?.stop());

const STATS =
  'query($r: [_Any!]!) { _entities(representations: $r) { ... on Region { code supervisionStats(year: 2026) { regionCode year documentsFiled filedLate documentsReviewed correctionsRequested corrected majorMatters reportedBeforeDecision opinionItems opinionItemsClosed opinionItemsOverdue inquiries motions examPassRate reportSatisfactionRate } } } }';

describe('demo data', () => {
  it('seeds the shared unit ids; seeding again changes nothing', async () => {
    const data = await ok(sg, 'query($id: ID!) { unit(id: $id) { name kind region { code } parent { name } } }', {
      id: unit('transport'),
    });
    expect(data.unit).toEqual({
      name: '浏阳市交通运输局',
      kind: 'GOVERNMENT_DEPARTMENT',
      region: { code: '430181' },
      parent: { name: '浏阳市人民政府' },
    });
    const township = await ok(sg, 'query($id: ID!) { unit(id: $id) { name kind } }', {
      id: unit('government', '430181104'),
    });
    expect(township.unit).toEqual({ name: '永安镇人民政府', kind: 'GOVERNMENT' });
    for (const slug of [
      'government',
      'education',
      'water',
      'health',
      'housing',
      'court',
      'procuratorate',
      'commission',
    ]) {
      expect((await ok(sg, 'query($id: ID!) { unit(id: $id) { id } }', { id: unit(slug) })).unit).not.toBeNull();
    }
    const before = (await ok(sg, '{ units(regionCode: "430181") { id } }')).units.length;
    await supervisionService.seed!(stack.services.supervision!.orm.em.fork(), stack.clock);
    expect((await ok(sg, '{ units(regionCode: "430181") { id } }')).units).toHaveLength(before);
  });

  it('has motions in every status, an overdue opinion item and filings on time and late', async () => {
    const motions = (await ok(sg, '{ motions(regionCode: "430181") { status kind } }', {}, t.analyst)).motions;
    expect(new Set(motions.map((m: any) => m.status))).toEqual(
      new Set(['SUBMITTED', 'EXAM_PASSED', 'EXAM_FAILED', 'APPROVED', 'REJECTED', 'SWORN_IN']),
    );
    expect(
      (await ok(sg, '{ overdueOpinionItems(regionCode: "430181") { overdue } }', {}, t.analyst)).overdueOpinionItems,
    ).toEqual([{ overdue: true }]);
    const docs = (await ok(sg, '{ filedDocuments(regionCode: "430181") { filedLate } }')).filedDocuments;
    expect(docs.some((d: any) => d.filedLate)).toBe(true);
    expect(docs.some((d: any) => !d.filedLate)).toBe(true);
  });
});

describe('Region.supervisionStats', () => {
  it('aggregates the subtree and year in SQL', async () => {
    const data = await ok(
      sg,
      STATS,
      {
        r: [
          { __typename: 'Region', code: '430181' },
          { __typename: 'Region', code: '43' },
          { __typename: 'Region', code: '430181104' },
        ],
      },
      t.admin,
    );
    const expected = {
      year: 2026,
      documentsFiled: 4,
      filedLate: 2,
      documentsReviewed: 3,
      correctionsRequested: 2,
      corrected: 1,
      majorMatters: 3,
      reportedBeforeDecision: 1,
      // 5 opinion items of reports, inspections and evaluations, and the 3 tasks of the demo decision (G-1).
      opinionItems: 8,
      opinionItemsClosed: 2,
      opinionItemsOverdue: 1,
      inquiries: 1,
      motions: 6,
      examPassRate: 0.75,
    };
    const [county, province, township] = data._entities;
    expect(county.supervisionStats).toMatchObject({ regionCode: '430181', ...expected });
    // F-2: rates are rounded to 4 places everywhere (32 of 34 votes satisfied or basically satisfied).
    expect(county.supervisionStats.reportSatisfactionRate).toBe(0.9412);
    expect(province.supervisionStats).toMatchObject({ regionCode: '43', ...expected });
    expect(township.supervisionStats).toMatchObject({
      documentsFiled: 0,
      motions: 0,
      examPassRate: 0,
      reportSatisfactionRate: 0,
    });
  });

  it('is for readers of the region: not the public, handlers, deputies or analysts of another region', async () => {
    const r = [{ __typename: 'Region', code: '430181' }];
    for (const token of [undefined, t.analystOther, t.deputy, await handlerToken(unit('transport'))]) {
      const res = await sg.execute(STATS, { r }, token);
      expect(res.errors?.[0]?.extensions?.code).toBe(token ? 'FORBIDDEN' : 'UNAUTHENTICATED');
    }
    expect((await ok(sg, STATS, { r }, t.analyst))._entities[0].supervisionStats.motions).toBe(6);
    await fails(
      sg,
      'BAD_USER_INPUT',
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Region { supervisionStats(year: 99) { motions } } } }',
      { r },
      t.admin,
      'year',
    );
  });

  it('counts with one SQL statement', async () => {
    const counter = countStatements(stack.services.supervision!.orm);
    try {
      await ok(sg, STATS, { r: [{ __typename: 'Region', code: '430181' }] }, t.admin);
      expect(counter.count()).toBe(1);
    } finally {
      counter.stop();
    }
  });
});

describe('federation: GovernmentUnit is owned here, resolved in batches', () => {
  it('resolves many unit references with a bounded number of statements, and null for unknown or malformed ids', async () => {
    const slugs = [
      'government',
      'transport',
      'education',
      'water',
      'health',
      'housing',
      'court',
      'procuratorate',
      'commission',
    ];
    const r = [
      ...slugs.map((s) => ({ __typename: 'GovernmentUnit', id: unit(s) })),
      { __typename: 'GovernmentUnit', id: '0190a0b0-0000-7000-8000-00000000ffff' },
      { __typename: 'GovernmentUnit', id: 'bad' },
    ];
    const counter = countStatements(stack.services.supervision!.orm);
    try {
      const data = await ok(
        sg,
        'query($r: [_Any!]!) { _entities(representations: $r) { ... on GovernmentUnit { id name kind region { code } parent { name } officials { name position } } } }',
        { r },
      );
      expect(data._entities).toHaveLength(11);
      expect(data._entities.slice(9)).toEqual([null, null]);
      expect(data._entities[1]).toMatchObject({
        name: '浏阳市交通运输局',
        region: { code: '430181' },
        parent: { name: '浏阳市人民政府' },
        officials: [{ name: '刘志强', position: '浏阳市交通运输局局长' }],
      });
      expect(counter.count()).toBeLessThanOrEqual(3);
    } finally {
      counter.stop();
    }
  });

  it('the public does not see removed officials; readers of the region do', async () => {
    const Q = 'query($id: ID!) { unit(id: $id) { officials { name status } } }';
    expect((await ok(sg, Q, { id: unit('water') })).unit.officials).toEqual([]);
    expect((await ok(sg, Q, { id: unit('water') }, t.analyst)).unit.officials).toEqual([
      { name: '李卫东', status: 'REMOVED' },
    ]);
  });

  it('lists with nested units, opinions and officials load in batches (no N+1)', async () => {
    const counter = countStatements(stack.services.supervision!.orm);
    try {
      const motions = await ok(
        sg,
        '{ motions(regionCode: "430181") { unit { name parent { name } } official { name unit { name } } } }',
        {},
        t.analyst,
      );
      expect(motions.motions.length).toBe(8);
      expect(counter.count()).toBeLessThanOrEqual(4);
      counter.reset();
      const NESTED =
        '{ reports(regionCode: "430181") { unit { name } opinions { unit { name } overdue } } inspections(regionCode: "430181") { deputies { id } committeeMembers { id } opinions { id } } }';
      await ok(sg, NESTED, {}, t.analyst);
      const withOne = counter.count();
      // Five more reports with two items each, on different units: the statement count stays the same.
      for (const slug of ['education', 'water', 'health', 'housing', 'court']) {
        const report = await ok(
          sg,
          'mutation($input: HearReportInput!) { hearReport(input: $input) { id } }',
          { input: { kind: 'WORK_REPORT', title: `${slug}工作报告`, unitId: unit(slug), heardOn: '2026-05-01' } },
          t.staff,
        );
        const items = ['procuratorate', 'commission'].map((s) => ({
          content: `${slug}-${s}`,
          unitId: unit(s),
          dueOn: '2026-09-30',
        }));
        await ok(
          sg,
          'mutation($id: ID!, $items: [OpinionItemInput!]!) { addReportOpinions(reportId: $id, items: $items) { id } }',
          { id: report.hearReport.id, items },
          t.staff,
        );
      }
      counter.reset();
      const data = await ok(sg, NESTED, {}, t.analyst);
      expect(data.reports).toHaveLength(6);
      expect(counter.count()).toBe(withOne);
      // Reports, units, items, inspections, their deputies, members and opinions, and the items' `overdue`
      // (the one G-3 predicate, one batched statement for every item of the request).
      expect(withOne).toBeLessThanOrEqual(9);
    } finally {
      counter.stop();
    }
  });

  it('non-public entities resolve to null for the public through _entities; units and filed documents resolve', async () => {
    const items = (await ok(sg, '{ opinionItems(regionCode: "430181") { id } }', {}, t.analyst)).opinionItems;
    const reports = (await ok(sg, '{ reports(regionCode: "430181") { id } }', {}, t.analyst)).reports;
    const r = [
      { __typename: 'OpinionItem', id: items[0].id },
      { __typename: 'Report', id: reports[0].id },
      { __typename: 'GovernmentUnit', id: unit('court') },
    ];
    const Q =
      'query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on OpinionItem { id } ... on Report { id } ... on GovernmentUnit { name } } }';
    expect((await ok(sg, Q, { r }))._entities).toEqual([
      null,
      null,
      { __typename: 'GovernmentUnit', name: '浏阳市人民法院' },
    ]);
    expect((await ok(sg, Q, { r }, t.analyst))._entities.filter((e: any) => e !== null)).toHaveLength(3);
  });
});
