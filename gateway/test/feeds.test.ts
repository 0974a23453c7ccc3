import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { deputiesService } from '@renda/deputies/server';
import { suggestionsService } from '@renda/suggestions/server';
import { supervisionService } from '@renda/supervision/server';
import { votingService } from '@renda/voting/server';
import { tokens } from '@renda/testing/tokens';
import { supergraphPath } from '../src/compose.ts';
import { startTestPlatform, type TestPlatform } from './harness.ts';

/**
 * 增量变更流: each register's feed pulled in full, then changed (created, updated, deleted), then pulled
 * again from the first pull's high-water mark: exactly the changes come back, each once.
 */
let platform: TestPlatform;
let staff: string;
const services = [deputiesService, supervisionService, suggestionsService, votingService];
const longAgo = '2000-01-01T00:00:00.000Z';

beforeAll(async () => {
  platform = await startTestPlatform(services, { supergraphSdl: readFileSync(supergraphPath, 'utf8'), demo: true });
  staff = await tokens.staff('43');
}, 180_000);
afterAll(async () => {
  await platform?.stop();
});

async function data(query: string, variables: Record<string, unknown>, token?: string) {
  const result = await platform.execute(query, variables, token);
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return result.data as Record<string, any>;
}

interface Change {
  id: string;
  updatedAt: string;
  deletedAt: string | null;
  node: { id: string } | null;
}

const feedQuery = (field: string) => `query($r: ID!, $since: DateTime!, $before: DateTime, $first: Int,
  $after: String) {
  ${field}(regionCode: $r, updatedSince: $since, updatedBefore: $before, first: $first, after: $after) {
    highWaterMark pageInfo { hasNextPage endCursor } edges { cursor id updatedAt deletedAt node { id } } } }`;

/** A nightly pull: every page of one window; its changes and the mark to start from next time. */
async function pull(field: string, since: string, token: string | undefined, region = '43', first = 100) {
  const changes: Change[] = [];
  let after: string | null = null;
  let mark: string | null = null;
  for (;;) {
    const page: any = (await data(feedQuery(field), { r: region, since, first, after }, token))[field];
    // Every page of one pull reads the same window.
    if (mark !== null) expect(page.highWaterMark).toBe(mark);
    mark = page.highWaterMark;
    changes.push(...page.edges);
    if (!page.pageInfo.hasNextPage) return { changes, mark: mark! };
    after = page.pageInfo.endCursor;
  }
}

const ids = (changes: Change[]) => changes.map((c) => c.id);

function expectOnceEach(changes: Change[]) {
  expect(new Set(ids(changes)).size).toBe(changes.length);
  // (updatedAt, id) order, oldest first.
  const keys = changes.map((c) => Date.parse(c.updatedAt));
  expect([...keys].sort((a, b) => a - b)).toEqual(keys);
}

describe('change feeds', () => {
  it('deputies: a full pull pages through the register once; a second pull has exactly the updated ones', async () => {
    const first = await pull('deputyChanges', longAgo, undefined, '43', 37);
    expectOnceEach(first.changes);
    const all = await data(`{ deputies(filter: { regionCode: "43" }, first: 1) { totalCount } }`, {});
    expect(first.changes.length).toBe(all.deputies.totalCount);
    expect(first.changes.every((c) => c.node?.id === c.id && c.deletedAt === null)).toBe(true);

    const [a, b] = first.changes.slice(0, 2).map((c) => c.id);
    const update = `mutation($id: ID!, $w: String!) { updateDeputy(id: $id, input: { workUnit: $w }) { id } }`;
    await data(update, { id: a, w: '浏阳市水利局' }, staff);
    await data(update, { id: b, w: '浏阳市交通运输局' }, staff);
    await data(update, { id: a, w: '浏阳市水务局' }, staff);

    const second = await pull('deputyChanges', first.mark, undefined);
    // a changed twice: once in the feed, as it now is.
    expect(ids(second.changes).sort()).toEqual([a, b].sort());
    expect(second.changes.at(-1)!.id).toBe(a);
    const third = await pull('deputyChanges', second.mark, undefined);
    expect(third.changes).toEqual([]);
  });

  it('rows stamped at one instant are all read, across page boundaries, each once', async () => {
    const before = await pull('deputyChanges', longAgo, undefined, '430181');
    const knex = platform.services.deputies!.orm.em.getKnex();
    const same = before.changes.slice(0, 7).map((c) => c.id);
    // Stamp seven rows with one instant, as one statement of a busy system could; the trigger is bypassed
    // so that the instant is exactly equal.
    await knex.transaction(async (tx) => {
      await tx.raw(`set local session_replication_role = replica`);
      await tx.raw(
        `update deputies.deputies
        set updated_at = date_trunc('milliseconds', now()) + interval '1 millisecond'
        where id = any(?::uuid[])`,
        [same],
      );
    });
    await new Promise((r) => setTimeout(r, 5));
    const after = await pull('deputyChanges', before.mark, undefined, '430181', 2);
    expect(ids(after.changes).sort()).toEqual([...same].sort());
    expect(new Set(after.changes.map((c) => c.updatedAt)).size).toBe(1);
    expectOnceEach(after.changes);
  });

  const onPostgres = !!process.env.DATABASE_URL;
  it.skipIf(!onPostgres)('a write in progress holds the window back, so it is not missed when it commits', async () => {
    const before = await pull('deputyChanges', longAgo, undefined, '430181');
    const knex = platform.services.deputies!.orm.em.getKnex();
    const id = before.changes[0]!.id;
    const tx = await knex.transaction();
    await tx.raw(`update deputies.deputies set work_unit = work_unit where id = ?`, [id]);
    const during = await pull('deputyChanges', before.mark, undefined, '430181');
    expect(ids(during.changes)).not.toContain(id);
    await tx.commit();
    const after = await pull('deputyChanges', during.mark, undefined, '430181');
    expect(ids(after.changes)).toEqual([id]);
  });

  it('contacts: a new record comes to staff and to its deputy, not to another deputy', async () => {
    const first = await pull('contactChanges', longAgo, staff);
    expectOnceEach(first.changes);
    const deputies = await data(
      `{ deputies(filter: { regionCode: "430181" }, first: 2) { edges { node { id } } } }`,
      {},
    );
    const [mine, other] = deputies.deputies.edges.map((e: { node: { id: string } }) => e.node.id);
    const recorded = await data(
      `mutation($i: RecordContactInput!) { recordContact(input: $i) { id } }`,
      {
        i: {
          kind: 'VOTER',
          method: 'VISIT',
          occurredOn: '2026-06-10',
          deputyId: mine,
          participants: 12,
          summary: '走访选民',
        },
      },
      staff,
    );
    const id = recorded.recordContact.id;
    expect(ids((await pull('contactChanges', first.mark, staff)).changes)).toEqual([id]);
    const own = await pull('contactChanges', first.mark, await tokens.deputy('430181', mine));
    expect(ids(own.changes)).toEqual([id]);
    const another = await pull('contactChanges', first.mark, await tokens.deputy('430181', other));
    expect(another.changes).toEqual([]);
    const city = await tokens.staff('4306');
    const refused = await platform.execute(feedQuery('contactChanges'), { r: '43', since: longAgo }, city);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await platform.execute(feedQuery('contactChanges'), { r: '43', since: longAgo });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it("suggestions: a new item comes once, then once more with its next step; `suggestions`' rule holds", async () => {
    const first = await pull('suggestionChanges', longAgo, staff);
    expectOnceEach(first.changes);
    const listed = await data(`{ suggestions(filter: { regionCode: "43" }, first: 1) { totalCount } }`, {}, staff);
    expect(first.changes.length).toBe(listed.suggestions.totalCount);
    const submitted = await data(
      `mutation { submitSuggestion(input: { kind: CPPCC_PROPOSAL, regionCode: "430181", title: "提案", content: "内容",
        proposerName: "委员 张三" }) { id } }`,
      {},
      staff,
    );
    const created = submitted.submitSuggestion.id;
    const second = await pull('suggestionChanges', first.mark, staff);
    expect(ids(second.changes)).toEqual([created]);
    // A step (交办) is a change of its item, which comes once more, with the step.
    const units = await data(`{ units(regionCode: "430181") { id } }`, {}, staff);
    await data(
      `mutation($id: ID!, $u: ID!) { assignSuggestion(id: $id, input: { grade: LEVEL_4, leadOfficial: "副局长",
        units: [{ unitId: $u, role: LEAD }] }) { id } }`,
      { id: created, u: units.units[0].id },
      staff,
    );
    const withStep = await data(
      feedQuery('suggestionChanges').replace('node { id }', 'node { id steps { stage } }'),
      { r: '43', since: second.mark },
      staff,
    );
    const edges = withStep.suggestionChanges.edges;
    expect(edges.map((e: Change) => e.id)).toEqual([created]);
    expect(edges[0].node.steps.map((st: { stage: string }) => st.stage)).toContain('ASSIGNED');
    // A deputy's feed keeps to the items they lead or co-signed, like `suggestions`.
    const deputy = await data(`{ deputies(filter: { regionCode: "430181" }, first: 1) { edges { node { id } } } }`, {});
    const token = await tokens.deputy('430181', deputy.deputies.edges[0].node.id);
    const theirs = await data(`{ suggestions(first: 100) { totalCount } }`, {}, token);
    expect((await pull('suggestionChanges', longAgo, token)).changes.length).toBe(theirs.suggestions.totalCount);
  });

  it('filings: a filed document and a review of another come once each, to the public too', async () => {
    const first = await pull('filingChanges', longAgo, undefined);
    expectOnceEach(first.changes);
    const units = await data(`{ units(regionCode: "430181") { id } }`, {}, staff);
    const filed = await data(
      `mutation($i: FileDocumentInput!) { fileDocument(input: $i) { id } }`,
      {
        i: {
          title: '关于供水的规定',
          documentNumber: '浏政发〔2026〕9号',
          kind: 'NORMATIVE_DOCUMENT',
          issuerId: units.units[0].id,
          publishedOn: '2026-06-01',
          filedOn: '2026-06-10',
        },
      },
      staff,
    );
    const id = filed.fileDocument.id;
    await data(`mutation($id: ID!) { reviewDocument(id: $id, status: NO_ISSUE) { id } }`, { id }, staff);
    const second = await pull('filingChanges', first.mark, undefined);
    expect(ids(second.changes)).toEqual([id]);
  });

  it('programs and projects: replaced candidates come as deletions, the new ones as rows, exactly', async () => {
    const programs0 = await pull('programChanges', longAgo, undefined);
    const projects0 = await pull('projectChanges', longAgo, undefined);
    expectOnceEach(projects0.changes);
    const demo = await data(`{ programs(regionCode: "43") { session { id } region { code } level } }`, {});
    const town = demo.programs.find((p: { level: string }) => p.level === 'TOWNSHIP') ?? demo.programs[0];
    const units = await data(`query($r: ID!) { units(regionCode: $r) { id } }`, { r: town.region.code }, staff);
    const created = await data(
      `mutation($i: CreateProgramInput!) { createProgram(input: $i) { id } }`,
      {
        i: {
          regionCode: town.region.code,
          level: town.level,
          year: 2026,
          sessionId: town.session.id,
          title: '2026年民生实事（增补）',
          seats: 1,
        },
      },
      staff,
    );
    const program = created.createProgram.id;
    await data(`mutation($p: ID!) { closeSolicitation(programId: $p) { id } }`, { p: program }, staff);
    const set = `mutation($p: ID!, $c: [CandidateInput!]!) {
      setCandidates(programId: $p, candidates: $c) { candidates { id } } }`;
    const c = (title: string) => ({ title, description: 'd', budget: '100.00', leadUnitId: units.units[0].id });
    const setIds = async (list: unknown[]) =>
      (await data(set, { p: program, c: list }, staff)).setCandidates.candidates.map((x: { id: string }) => x.id);
    const firstSet = await setIds([c('A'), c('B')]);
    const secondSet = await setIds([c('C'), c('D')]);

    const programs1 = await pull('programChanges', programs0.mark, undefined);
    expect(ids(programs1.changes)).toEqual([program]);
    const projects1 = await pull('projectChanges', projects0.mark, undefined);
    // A and B were written and deleted inside the window: only their deletions remain to tell.
    const deleted = projects1.changes.filter((x) => x.deletedAt !== null);
    expect(ids(deleted).sort()).toEqual([...firstSet].sort());
    expect(deleted.every((x) => x.node === null && x.updatedAt === x.deletedAt)).toBe(true);
    expect(ids(projects1.changes.filter((x) => x.deletedAt === null))).toEqual(secondSet);
    expectOnceEach(projects1.changes);
  });

  it('opinion items and sheets: readers of the region only', async () => {
    const items = await pull('opinionItemChanges', longAgo, staff);
    expectOnceEach(items.changes);
    const sheets = await pull('sheetChanges', longAgo, staff);
    expectOnceEach(sheets.changes);
    const anonymous = await platform.execute(feedQuery('opinionItemChanges'), { r: '43', since: longAgo });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const city = await tokens.staff('4306');
    const outside = await platform.execute(feedQuery('opinionItemChanges'), { r: '43', since: longAgo }, city);
    expect(outside.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('a cursor from elsewhere is BAD_USER_INPUT', async () => {
    const res = await platform.execute(feedQuery('deputyChanges'), { r: '43', since: longAgo, after: 'bm9wZQ' });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it("the README's nightly pull, as written there: a full pull, then exactly the day's changes", async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const nightly = /```graphql\n# feeds: nightly\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(nightly).toBeDefined();
    const run = async (since: string) => {
      const edges: any[] = [];
      let after: string | null = null;
      for (;;) {
        const page: any = (await data(nightly!, { since, after }, staff)).suggestionChanges;
        edges.push(...page.edges);
        if (!page.pageInfo.hasNextPage) return { edges, mark: page.highWaterMark as string };
        after = page.pageInfo.endCursor;
      }
    };
    const first = await run('2000-01-01T00:00:00Z');
    expect(first.edges.length).toBeGreaterThan(0);
    expect(first.edges.every((e) => e.node.steps.length > 0)).toBe(true);
    const submitted = await data(
      `mutation { submitSuggestion(input: { kind: CPPCC_PROPOSAL, regionCode: "430181", title: "夜间", content: "内容",
        proposerName: "委员 李四" }) { id } }`,
      {},
      staff,
    );
    const next = await run(first.mark);
    expect(next.edges.map((e) => e.id)).toEqual([submitted.submitSuggestion.id]);
  });
});
