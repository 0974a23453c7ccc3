import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestStack } from '@renda/testing/services';
import { tokens } from '@renda/testing/tokens';
import { fails, ok } from '@renda/testing/graphql';
import { countStatements } from '@renda/db/orm';
import { demoId } from '@renda/db/ids';
import { seedDemo } from '../src/seed.ts';
import { buildWorld, driveTo, EVALUATE, fileSuggestion, sg, startStack, STEP, type World } from './support.ts';

let stack: TestStack;
let world: World;
/** Items of 2026 in 430181: [id, lead unit, how far, reply category, rating]. */
const ids: Record<string, string> = {};

beforeAll(async () => {
  stack = await startStack();
  world = await buildWorld(stack);
  const lead = () => tokens.deputy('430181', world.county.deputies[0]!);
  const staff = await tokens.staff('430181');
  // a: solved, satisfied, published. b: explained, basically satisfied (coercion risk).
  // c: planned then dissatisfied (back in handling). d: handling, overdue later. e: received only.
  ids.a = await fileSuggestion(stack, world, { coSignerIds: [world.county.deputies[1]] });
  await driveTo(stack, world, ids.a, 'FOLLOWED_UP', 'SOLVED');
  await ok(sg(stack), EVALUATE, { id: ids.a, i: { attitude: 'SATISFIED', result: 'SATISFIED' } }, await lead());
  await ok(sg(stack), STEP, { id: ids.a, s: 'SUMMARIZED' }, staff);
  await ok(sg(stack), STEP, { id: ids.a, s: 'PUBLISHED' }, staff);
  ids.b = await fileSuggestion(stack, world);
  await driveTo(stack, world, ids.b, 'FOLLOWED_UP', 'EXPLAINED');
  await ok(
    sg(stack),
    EVALUATE,
    { id: ids.b, i: { attitude: 'SATISFIED', result: 'BASICALLY_SATISFIED' } },
    await lead(),
  );
  ids.c = await fileSuggestion(stack, world);
  await driveTo(stack, world, ids.c, 'FOLLOWED_UP', 'PLANNED');
  await ok(sg(stack), EVALUATE, { id: ids.c, i: { attitude: 'DISSATISFIED', result: 'DISSATISFIED' } }, await lead());
  ids.d = await fileSuggestion(stack, world, { leadDeputyId: world.county.deputies[2] });
  await ok(sg(stack), 'mutation($id: ID!) { markKey(id: $id, supervisor: "陈红") { id } }', { id: ids.d }, staff);
  await ok(
    sg(stack),
    'mutation($id: ID!, $i: AssignSuggestionInput!) { assignSuggestion(id: $id, input: $i) { id } }',
    {
      id: ids.d,
      i: { grade: 'LEVEL_3', leadOfficial: '局长', units: [{ unitId: world.units.education, role: 'LEAD' }] },
    },
    staff,
  );
  ids.e = await fileSuggestion(stack, world, { leadDeputyId: world.county.deputies[2] });
});
afterAll(() => stack?.stop());

const STATS =
  'query($c: ID!) { _entities(representations: [{__typename: "Region", code: $c}]) { ... on Region { suggestionStats(year: 2026) { regionCode year total keyItems replied repliedOnTime onTimeRate overdue evaluated satisfied basicallySatisfied dissatisfied satisfactionRate resolutionRate coercionRisks } } } }';

describe('statistics (S-8)', () => {
  it('S-8: Region.suggestionStats counts the subtree by year, rates from the latest round of each item', async () => {
    const data = await ok(sg(stack), STATS, { c: '43' }, await tokens.analyst('43'));
    expect(data._entities[0].suggestionStats).toEqual({
      regionCode: '43',
      year: 2026,
      total: 5,
      keyItems: 1,
      replied: 2,
      repliedOnTime: 2,
      onTimeRate: 1,
      overdue: 0,
      evaluated: 3,
      satisfied: 1,
      basicallySatisfied: 1,
      dissatisfied: 1,
      satisfactionRate: 0.6667,
      resolutionRate: 0.5,
      coercionRisks: 1,
    });
    const other = await ok(sg(stack), STATS, { c: '4306' }, await tokens.analyst('43'));
    expect(other._entities[0].suggestionStats.total).toBe(0);
  });

  it('S-4, S-8: overdue counts items whose current round has no reply past the due date', async () => {
    stack.clock.set('2026-12-01T02:00:00Z');
    try {
      const data = await ok(sg(stack), STATS, { c: '430181' }, await tokens.staff('430181'));
      expect(data._entities[0].suggestionStats.overdue).toBe(2);
    } finally {
      stack.clock.set('2026-06-15T02:00:00Z');
    }
  });

  it('S-8: GovernmentUnit.suggestionStats and unitRanking score units by 40·onTime + 40·satisfaction + 20·resolution', async () => {
    const unit = await ok(
      sg(stack),
      'query($u: ID!) { _entities(representations: [{__typename: "GovernmentUnit", id: $u}]) { ... on GovernmentUnit { suggestionStats(year: 2026) { unitId total replied evaluated satisfactionRate } } } }',
      { u: world.units.transport },
      await tokens.handler('430181', world.units.transport),
    );
    expect(unit._entities[0].suggestionStats).toEqual({
      unitId: world.units.transport,
      total: 3,
      replied: 2,
      evaluated: 3,
      satisfactionRate: 0.6667,
    });
    const ranking = await ok(
      sg(stack),
      '{ unitRanking(regionCode: "430181", year: 2026) { unit { id } score stats { total onTimeRate satisfactionRate resolutionRate } } }',
      {},
      await tokens.staff('430181'),
    );
    // Education leads only d, neither replied nor rated: nothing to count, so it is left out, not ranked last with 0.
    expect(ranking.unitRanking.map((r: { unit: { id: string } }) => r.unit.id)).toEqual([world.units.transport]);
    expect(ranking.unitRanking[0].score).toBe(Math.round((40 * 1 + 40 * 0.6667 + 20 * 0.5) * 100) / 100);
  });

  it('S-8: statistics are for staff, analysts and admins of the region; handlers see their own unit only', async () => {
    await fails(sg(stack), 'FORBIDDEN', STATS, { c: '43' }, await tokens.staff('430181'));
    await fails(sg(stack), 'UNAUTHENTICATED', STATS, { c: '43' });
    await fails(
      sg(stack),
      'FORBIDDEN',
      STATS,
      { c: '430181' },
      await tokens.deputy('430181', world.county.deputies[0]!),
    );
    await fails(
      sg(stack),
      'FORBIDDEN',
      '{ unitRanking(regionCode: "43", year: 2026) { score } }',
      {},
      await tokens.handler('430181', world.units.transport),
    );
    await fails(
      sg(stack),
      'FORBIDDEN',
      'query($u: ID!) { _entities(representations: [{__typename: "GovernmentUnit", id: $u}]) { ... on GovernmentUnit { suggestionStats(year: 2026) { total } } } }',
      { u: world.units.transport },
      await tokens.handler('430181', world.units.education),
    );
  });

  it('S-8: the statistics of many regions take one SQL statement', async () => {
    const counter = countStatements(stack.services.suggestions!.orm);
    try {
      const reps = ['43', '4301', '430181', '430181104', '4306'].map((code) => ({ __typename: 'Region', code }));
      const data = await ok(
        sg(stack),
        'query($r: [_Any!]!) { _entities(representations: $r) { ... on Region { suggestionStats(year: 2026) { total } } } }',
        { r: reps },
        await tokens.admin(),
      );
      expect(data._entities.map((e: { suggestionStats: { total: number } }) => e.suggestionStats.total)).toEqual([
        5, 5, 5, 0, 0,
      ]);
      expect(counter.count()).toBe(1);
    } finally {
      counter.stop();
    }
  });
});

describe('reading (access)', () => {
  const READ = 'query($id: ID!) { suggestion(id: $id) { id } }';

  it('access: published items and their replies are readable without a token; nothing else is', async () => {
    const pub = await ok(
      sg(stack),
      '{ publishedSuggestions(regionCode: "430181", year: 2026) { totalCount edges { node { id title published reply { category content } } } } }',
    );
    expect(pub.publishedSuggestions.totalCount).toBe(1);
    expect(pub.publishedSuggestions.edges[0].node).toMatchObject({
      id: ids.a,
      published: true,
      reply: { category: 'SOLVED' },
    });
    expect((await ok(sg(stack), READ, { id: ids.a })).suggestion.id).toBe(ids.a);
    await fails(sg(stack), 'UNAUTHENTICATED', READ, { id: ids.b });
    await fails(sg(stack), 'UNAUTHENTICATED', 'query($id: ID!) { suggestion(id: $id) { steps { stage } } }', {
      id: ids.a,
    });
    await fails(sg(stack), 'UNAUTHENTICATED', '{ suggestions { totalCount } }');
    const entities = await ok(
      sg(stack),
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Suggestion { id } } }',
      {
        r: [
          { __typename: 'Suggestion', id: ids.a },
          { __typename: 'Suggestion', id: ids.b },
        ],
      },
    );
    expect(entities._entities).toEqual([{ id: ids.a }, null]);
  });

  it('access: a malformed _entities representation (key missing or not a string) is BAD_USER_INPUT, never an internal error', async () => {
    const E =
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Suggestion { id } ... on Deputy { suggestionCount(year: 2026) } ... on GovernmentUnit { handledSuggestions { id } } ... on CongressSession { suggestions { id } } ... on Region { suggestionStats(year: 2026) { total } } } }';
    const admin = await tokens.admin();
    for (const r of [
      { __typename: 'Suggestion' },
      { __typename: 'Suggestion', id: 5 },
      { __typename: 'Deputy' },
      { __typename: 'GovernmentUnit', id: { id: 1 } },
      { __typename: 'CongressSession' },
      { __typename: 'Region' },
      { __typename: 'Region', code: 43 },
    ]) {
      await fails(sg(stack), 'BAD_USER_INPUT', E, { r: [r] }, admin, 'representations');
    }
    const fine = await ok(sg(stack), E, {
      r: [
        { __typename: 'Suggestion', id: 'not-an-id' },
        { __typename: 'Suggestion', id: ids.a },
      ],
    });
    expect(fine._entities).toEqual([null, { id: ids.a }]);
  });

  it('access: a deputy reads items they lead or co-signed, not others', async () => {
    const cosigner = await tokens.deputy('430181', world.county.deputies[1]!);
    expect((await ok(sg(stack), READ, { id: ids.a }, cosigner)).suggestion.id).toBe(ids.a);
    await fails(sg(stack), 'FORBIDDEN', READ, { id: ids.b }, cosigner);
    const list = await ok(
      sg(stack),
      '{ suggestions { totalCount } }',
      {},
      await tokens.deputy('430181', world.county.deputies[2]!),
    );
    expect(list.suggestions.totalCount).toBe(2);
  });

  it('access: a handler reads items their unit handles; analysts and staff read their subtree only', async () => {
    const education = await tokens.handler('430181', world.units.education);
    expect((await ok(sg(stack), READ, { id: ids.b }, education)).suggestion.id).toBe(ids.b);
    await fails(sg(stack), 'FORBIDDEN', READ, { id: ids.e }, education);
    expect((await ok(sg(stack), '{ suggestions { totalCount } }', {}, education)).suggestions.totalCount).toBe(4);
    expect(
      (await ok(sg(stack), '{ suggestions { totalCount } }', {}, await tokens.analyst('430181'))).suggestions
        .totalCount,
    ).toBe(5);
    expect(
      (await ok(sg(stack), '{ suggestions { totalCount } }', {}, await tokens.staff('4306'))).suggestions.totalCount,
    ).toBe(0);
    await fails(sg(stack), 'FORBIDDEN', READ, { id: ids.b }, await tokens.analyst('4306'));
    await fails(sg(stack), 'FORBIDDEN', STEP, { id: ids.d, s: 'SUPERVISED' }, await tokens.analyst('430181'));
  });

  it('access: filters narrow the list (kind, stage, key, unit, text) and pages follow the cursor', async () => {
    const staff = await tokens.staff('430181');
    const q = async (filter: Record<string, unknown>) =>
      (
        await ok(
          sg(stack),
          'query($f: SuggestionFilter) { suggestions(filter: $f) { totalCount } }',
          { f: filter },
          staff,
        )
      ).suggestions.totalCount;
    expect(await q({ isKey: true })).toBe(1);
    expect(await q({ stage: 'RECEIVED' })).toBe(1);
    expect(await q({ unitId: world.units.education })).toBe(4);
    expect(await q({ text: '农村公路' })).toBe(5);
    expect(await q({ text: '不存在的词' })).toBe(0);
    expect(await q({ year: 2025 })).toBe(0);
    await fails(
      sg(stack),
      'BAD_USER_INPUT',
      '{ suggestions(filter: {unitId: "x"}) { totalCount } }',
      {},
      staff,
      'filter.unitId',
    );
    const first = await ok(
      sg(stack),
      '{ suggestions(first: 2) { edges { node { id } } pageInfo { hasNextPage endCursor } } }',
      {},
      staff,
    );
    expect(first.suggestions.pageInfo.hasNextPage).toBe(true);
    const second = await ok(
      sg(stack),
      'query($a: String) { suggestions(first: 2, after: $a) { edges { node { id } } } }',
      { a: first.suggestions.pageInfo.endCursor },
      staff,
    );
    expect(second.suggestions.edges[0].node.id < first.suggestions.edges[1].node.id).toBe(true);
  });
});

describe('contributed fields', () => {
  it('D-7, S-1: Deputy.suggestions and suggestionCount, CongressSession.suggestions and GovernmentUnit.handledSuggestions load in batches', async () => {
    const admin = await tokens.admin();
    const counter = countStatements(stack.services.suggestions!.orm);
    try {
      const deps = world.county.deputies.slice(0, 4).map((id) => ({ __typename: 'Deputy', id }));
      const data = await ok(
        sg(stack),
        'query($r: [_Any!]!) { _entities(representations: $r) { ... on Deputy { suggestionCount(year: 2026) suggestions(year: 2026) { id coSigners { id } units { role } reply { category } } } } }',
        { r: deps },
        admin,
      );
      expect(data._entities.map((d: { suggestionCount: number }) => d.suggestionCount)).toEqual([3, 0, 2, 0]);
      expect(data._entities.map((d: { suggestions: unknown[] }) => d.suggestions.length)).toEqual([3, 1, 2, 0]);
      expect(counter.count()).toBeLessThanOrEqual(6);
    } finally {
      counter.stop();
    }
    const session = await ok(
      sg(stack),
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on CongressSession { suggestions { id } } } }',
      { r: [{ __typename: 'CongressSession', id: world.county.sessionId }] },
      admin,
    );
    expect(session._entities[0].suggestions).toHaveLength(5);
    const unit = await ok(
      sg(stack),
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on GovernmentUnit { handledSuggestions(year: 2026, stage: ASSIGNED) { id } } } }',
      { r: [{ __typename: 'GovernmentUnit', id: world.units.education }] },
      admin,
    );
    expect(unit._entities[0].handledSuggestions).toEqual([{ id: ids.d }]);
    const publicView = await ok(
      sg(stack),
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Deputy { suggestions { id } suggestionCount(year: 2026) } } }',
      { r: [{ __typename: 'Deputy', id: world.county.deputies[0] }] },
    );
    expect(publicView._entities[0]).toEqual({ suggestions: [{ id: ids.a }], suggestionCount: 3 });
  });
});

describe('demo data', () => {
  it('S-3: the demo seed puts items in every resting stage, with key items, sheets, rehandling and a coercion risk', async () => {
    const orm = stack.services.suggestions!.orm;
    const em = orm.em.fork();
    await em
      .getConnection()
      .execute(
        'truncate "suggestions"."suggestions", "suggestions"."suggestion_signers", "suggestions"."handling_units", "suggestions"."process_steps", "suggestions"."replies", "suggestions"."evaluations", "suggestions"."supervision_sheets", "suggestions"."serial_counters", "suggestions"."progress_reports", "suggestions"."co_handler_contributions", "suggestions"."deputy_contacts", "suggestions"."key_hearings", "suggestions"."committee_votes"',
      );
    await seedDemo(em, stack.clock);
    await seedDemo(orm.em.fork(), stack.clock);
    const admin = await tokens.admin();
    const all = await ok(
      sg(stack),
      '{ suggestions(first: 100) { totalCount edges { node { stage isKey rehandling overdue kind sheets { kind } evaluations { coercionRisk } steps { stage } } } } }',
      {},
      admin,
    );
    interface DemoNode {
      stage: string;
      isKey: boolean;
      rehandling: boolean;
      overdue: boolean;
      kind: string;
      sheets: unknown[];
      evaluations: { coercionRisk: boolean }[];
    }
    const nodes: DemoNode[] = all.suggestions.edges.map((e: { node: DemoNode }) => e.node);
    expect(all.suggestions.totalCount).toBe(18);
    const stages = new Set(nodes.map((n) => n.stage));
    for (const s of [
      'RECEIVED',
      'ASSIGNED',
      'HANDLING',
      'SUPERVISED',
      'REPLIED',
      'INSPECTED',
      'FOLLOWED_UP',
      'EVALUATED',
      'SUMMARIZED',
      'PUBLISHED',
      'ARCHIVED',
    ])
      expect(stages).toContain(s);
    expect(nodes.some((n) => n.rehandling && n.stage === 'HANDLING')).toBe(true);
    expect(nodes.some((n) => n.evaluations.some((e) => e.coercionRisk))).toBe(true);
    expect(nodes.some((n) => n.isKey && n.sheets.length === 3)).toBe(true);
    expect(nodes.some((n) => n.overdue)).toBe(true);
    expect(new Set(nodes.map((n) => n.kind))).toEqual(
      new Set(['SUGGESTION', 'MOTION', 'CPPCC_PROPOSAL', 'VOTER_OPINION']),
    );
    const pub = await ok(sg(stack), '{ publishedSuggestions(regionCode: "430181") { totalCount } }');
    expect(pub.publishedSuggestions.totalCount).toBe(2);
    const deputy = await ok(
      sg(stack),
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Deputy { suggestionCount(year: 2026) } } }',
      { r: [{ __typename: 'Deputy', id: demoId('deputy:430181:13') }] },
    );
    expect(deputy._entities[0].suggestionCount).toBe(1);
  });

  it('S-9: the demo seed has a key item with its hearing, committee vote, sheets (one past due) and progress reports', async () => {
    // Runs after the seed test above, on its data.
    const q = `{ suggestions(first: 100, filter: { isKey: true, stage: REPLIED }) { edges { node { title
      sheets { kind overdue } progressReports { percent actor { name role } } contributions { content }
      deputyContacts { phase deputyReply } keyHearings { decisions } committeeVotes { membersPresent satisfied abstained } } } } }`;
    const data = await ok(sg(stack), q, {}, await tokens.staff('430181'));
    const item = data.suggestions.edges[0].node;
    expect(item.title).toBe('关于实施城区背街小巷改造提质的建议');
    expect(item.sheets.filter((sh: { overdue: boolean }) => sh.overdue)).toEqual([{ kind: 'REMINDER', overdue: true }]);
    expect(item.progressReports.map((p: { percent: number }) => p.percent)).toEqual([30, 60]);
    expect(item.progressReports[0].actor).toEqual({ name: '住建局 刘洋', role: 'HANDLER' });
    expect(item.contributions).toHaveLength(1);
    expect(item.deputyContacts.map((c: { phase: string }) => c.phase)).toEqual(['BEFORE', 'DURING', 'AFTER']);
    expect(item.keyHearings).toHaveLength(1);
    expect(item.committeeVotes).toEqual([{ membersPresent: 31, satisfied: 22, abstained: 1 }]);
    const overdue = await ok(
      sg(stack),
      '{ overdueSheets(regionCode: "430181") { totalCount } }',
      {},
      await tokens.staff('430181'),
    );
    expect(overdue.overdueSheets.totalCount).toBeGreaterThanOrEqual(2);
  });
});
