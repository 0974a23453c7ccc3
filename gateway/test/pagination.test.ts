import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deputiesService } from '@renda/deputies/server';
import { suggestionsService } from '@renda/suggestions/server';
import { supervisionService } from '@renda/supervision/server';
import { votingService } from '@renda/voting/server';
import { tokens } from '@renda/testing/tokens';
import { startTestPlatform, type TestPlatform } from './harness.ts';

/**
 * Every list beside which a connection was added (`xConnection`): walking the connection page by page
 * gives the list's rows in the list's order, with Relay's page information at both ends; bad cursors and
 * page sizes are BAD_USER_INPUT; the plain list refuses, rather than cuts, past its cap.
 */

let platform: TestPlatform;
let admin: string;
const ids: Record<string, string> = {};

const sql = (service: string) => platform.services[service]!.orm.em.getConnection();

/** Copies every row of `table` `copies` times under new ids (the demo data has one inquiry, one report …). */
async function pad(service: string, table: string, copies: number): Promise<void> {
  const columns = (await sql(service).execute(
    `select column_name from information_schema.columns
     where table_schema = ? and table_name = ? and column_name <> 'id' order by ordinal_position`,
    [service, table],
  )) as { column_name: string }[];
  const list = columns.map((c) => `"${c.column_name}"`).join(', ');
  await sql(service).execute(
    `insert into "${service}"."${table}" (id, ${list})
     select gen_random_uuid(), ${list} from "${service}"."${table}", generate_series(1, ?)`,
    [copies],
  );
}

async function countOf(service: string, from: string): Promise<number> {
  const [row] = (await sql(service).execute(`select count(*)::int as v from ${from}`)) as { v: number }[];
  return row!.v;
}

/** The value of `column` most rows of `from` share. */
async function most(service: string, column: string, from: string): Promise<string> {
  const query = `select ${column} as v from ${from} group by 1 order by count(*) desc limit 1`;
  const [row] = (await sql(service).execute(query)) as { v: string | number }[];
  return String(row!.v);
}

beforeAll(async () => {
  const defs = [deputiesService, suggestionsService, supervisionService, votingService];
  platform = await startTestPlatform(defs, { demo: true });
  admin = await tokens.admin();
  const thin = ['inquiries', 'reports', 'resolutions', 'law_inspections', 'work_evaluations', 'opinion_items'];
  for (const table of thin) await pad('supervision', table, 3);
  await sql('supervision').execute(
    `insert into supervision.supervision_activities (id, region_code, kind, subject, held_on, findings)
     select gen_random_uuid(), '430181', 'VISIT', '视察' || n, ('2026-05-0' || (n % 3 + 1))::date, null
     from generate_series(1, 5) as n`,
  );
  // Five more cities of Hunan, so `regions(parentCode: "43")` spans pages.
  await sql('deputies').execute(
    `insert into deputies.regions (code, name, level, parent_code)
     select '43' || lpad(n::text, 2, '0'), '市' || n, 'CITY', '43' from generate_series(10, 14) as n`,
  );
  ids.matterYear = await most('supervision', 'year', 'supervision.major_matters');
  const meetingYear = 'extract(year from meeting_on)::int';
  ids.attendanceYear = await most('supervision', meetingYear, 'supervision.meeting_attendance');
  ids.deputy = await most('suggestions', 'deputy_id', 'suggestions.suggestion_signers');
  ids.unit = await most('suggestions', 'unit_id', 'suggestions.handling_units');
  ids.session = await most('suggestions', 'session_id', 'suggestions.suggestions where session_id is not null');
  ids.congress = await most('deputies', 'congress_id', `deputies.congress_sessions where id = '${ids.session}'`);
}, 120_000);
afterAll(() => platform?.stop());

interface Case {
  /** The plain list field; its connection is `${field}Connection`. */
  field: string;
  args?: string;
  /** What selects the field's parent, opened and closed around it (for nested lists). */
  outer?: [string, string];
  /** The parent object in the answer. */
  pick?: (data: any) => any;
  key?: string;
}

const cases: Case[] = [
  { field: 'activities', args: 'regionCode: "43"' },
  { field: 'resolutions', args: 'regionCode: "43"' },
  { field: 'units', args: 'regionCode: "43"' },
  { field: 'motions', args: 'regionCode: "43"' },
  { field: 'reports', args: 'regionCode: "43"' },
  { field: 'overdueOpinionItems', args: 'regionCode: "43"' },
  { field: 'opinionItems', args: 'regionCode: "43"' },
  { field: 'majorMatters', args: 'regionCode: "43", year: $year', key: 'matterYear' },
  { field: 'filedDocuments', args: 'regionCode: "43"' },
  { field: 'inspections', args: 'regionCode: "43"' },
  { field: 'evaluations', args: 'regionCode: "43"' },
  { field: 'inquiries', args: 'regionCode: "43"' },
  { field: 'attendance', args: 'regionCode: "43", year: $year', key: 'attendanceYear' },
  { field: 'regions', args: 'parentCode: "43"' },
  { field: 'programs', args: 'regionCode: "43"' },
  { field: 'programs', outer: ['region(code: "43") {', '}'], pick: (d) => d.region },
  { field: 'suggestions', outer: ['deputy(id: $id) {', '}'], pick: (d) => d.deputy, key: 'deputy' },
  { field: 'handledSuggestions', outer: ['unit(id: $id) {', '}'], pick: (d) => d.unit, key: 'unit' },
  {
    field: 'suggestions',
    outer: ['congress(id: $id) { sessions { id', '} }'],
    pick: (d) => d.congress.sessions.find((s: any) => s.id === ids.session),
    key: 'congress',
  },
];

const nameOf = (c: Case) => (c.outer ? `${c.outer[0].split('(')[0]}.${c.field}` : c.field);
const variable = (c: Case) =>
  c.args?.includes('$year') ? '$year: Int!' : c.outer?.[0].includes('$id') ? '$id: ID!' : '';
const keyField = (c: Case) => (c.field === 'regions' ? 'code' : 'id');
const varsOf = (c: Case): Record<string, unknown> =>
  c.key === 'matterYear' || c.key === 'attendanceYear' ? { year: Number(ids[c.key]) } : c.key ? { id: ids[c.key] } : {};

function plainQuery(c: Case): string {
  const v = variable(c);
  const args = c.args ? `(${c.args})` : '';
  const [open, close] = c.outer ?? ['', ''];
  return `query${v ? `(${v})` : ''} { ${open} ${c.field}${args} { ${keyField(c)} } ${close} }`;
}

function connectionQuery(c: Case): string {
  const v = [variable(c), '$first: Int', '$after: String'].filter(Boolean).join(', ');
  const args = [c.args, 'first: $first', 'after: $after'].filter(Boolean).join(', ');
  const [open, close] = c.outer ?? ['', ''];
  return `query(${v}) { ${open} ${c.field}Connection(${args}) {
    totalCount edges { cursor node { ${keyField(c)} } }
    pageInfo { hasNextPage endCursor hasPreviousPage startCursor } } ${close} }`;
}

async function run(query: string, variables: Record<string, unknown>): Promise<any> {
  return platform.execute(query, variables, admin);
}

const keyOf = (node: any) => node.id ?? node.code;
const errorCode = (result: any) => result.errors?.[0]?.extensions?.code;

describe('every list has a bounded connection', () => {
  for (const c of cases) {
    it(`${nameOf(c)}Connection: pages of 2 walk the list in its order, totalCount, both ends' pageInfo`, async () => {
      const plain = await run(plainQuery(c), varsOf(c));
      expect(plain.errors).toBeUndefined();
      const all = (c.pick ? c.pick(plain.data) : plain.data)[c.field].map(keyOf);
      expect(all.length).toBeGreaterThanOrEqual(3);
      const walked: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 50; page++) {
        const result = await run(connectionQuery(c), { ...varsOf(c), first: 2, after });
        expect(result.errors).toBeUndefined();
        const conn = (c.pick ? c.pick(result.data) : result.data)[`${c.field}Connection`];
        expect(conn.totalCount).toBe(all.length);
        expect(conn.pageInfo.hasPreviousPage).toBe(after !== null);
        expect(conn.pageInfo.startCursor).toBe(conn.edges[0].cursor);
        expect(conn.pageInfo.endCursor).toBe(conn.edges.at(-1).cursor);
        walked.push(...conn.edges.map((e: any) => keyOf(e.node)));
        if (!conn.pageInfo.hasNextPage) break;
        expect(conn.edges).toHaveLength(2);
        after = conn.pageInfo.endCursor;
      }
      expect(walked).toEqual(all);
      const none = await run(connectionQuery(c), { ...varsOf(c), first: 0, after: null });
      const empty = (c.pick ? c.pick(none.data) : none.data)[`${c.field}Connection`];
      expect(empty).toMatchObject({ totalCount: all.length, edges: [] });
      expect(empty.pageInfo).toEqual({ hasNextPage: true, endCursor: null, hasPreviousPage: false, startCursor: null });
    });

    it(`${nameOf(c)}Connection: a cursor it did not issue and a page over 100 are BAD_USER_INPUT`, async () => {
      const cursor = (text: string) => Buffer.from(`c:${text}`).toString('base64url');
      const id = '0190a0b0-0000-7000-8000-000000000001';
      for (const after of ['not-a-cursor', cursor('["2026-01-01"]'), cursor('{')]) {
        const result = await run(connectionQuery(c), { ...varsOf(c), first: 2, after });
        expect(errorCode(result)).toBe('BAD_USER_INPUT');
        expect(result.errors[0].extensions.field).toBe('after');
      }
      // A day PostgreSQL would refuse, a NUL it cannot store, a number past its integers: refused before SQL
      // (or, where the list's order reads them as text, a valid place to start), never an internal error.
      const unsafe = [`["2026-02-30","${id}"]`, `["a\\u0000b","${id}"]`, `[1e300,"${id}"]`].map(cursor);
      for (const after of unsafe) {
        const result = await run(connectionQuery(c), { ...varsOf(c), first: 2, after });
        if (result.errors) {
          expect([errorCode(result), result.errors[0].extensions.field]).toEqual(['BAD_USER_INPUT', 'after']);
        }
      }
      for (const first of [101, -1]) {
        const result = await run(connectionQuery(c), { ...varsOf(c), first, after: null });
        expect(errorCode(result)).toBe('BAD_USER_INPUT');
        expect(result.errors[0].extensions.field).toBe('first');
      }
    });
  }
});

describe('a plain list refuses past its cap', () => {
  it('regions of over 1,000 townships: BAD_USER_INPUT naming regionsConnection, which counts them all', async () => {
    // Hunan alone has about 1,960 townships; here 999 of one county and 10 of the next (a county of its own:
    // a region's parent must exist, by foreign key).
    await sql('deputies').execute(
      `insert into deputies.regions (code, name, level, parent_code) values ('430182', '县', 'COUNTY', '4301')
       on conflict (code) do nothing`,
    );
    await sql('deputies').execute(
      `insert into deputies.regions (code, name, level, parent_code)
       select c.county || lpad(n::text, 3, '0'), '镇' || n, 'TOWNSHIP', c.county
       from (values ('430181', 999), ('430182', 10)) as c(county, towns), generate_series(1, c.towns) as n
       on conflict (code) do nothing`,
    );
    const count = await countOf('deputies', `deputies.regions where level = 'TOWNSHIP'`);
    expect(count).toBeGreaterThan(1000);
    const list = await run('{ regions(level: TOWNSHIP) { code } }', {});
    expect(errorCode(list)).toBe('BAD_USER_INPUT');
    expect(list.errors[0].message).toContain('regionsConnection');
    expect(list.data).toBeNull();
    const page = await run(
      `{ regionsConnection(level: TOWNSHIP, first: 100) {
        totalCount edges { node { code } } pageInfo { hasNextPage } } }`,
      {},
    );
    expect(page.data.regionsConnection).toMatchObject({ totalCount: count, pageInfo: { hasNextPage: true } });
    expect(page.data.regionsConnection.edges).toHaveLength(100);
  });

  it('Region.programs over 1,000 programs: BAD_USER_INPUT naming programsConnection, which counts them', async () => {
    await pad('voting', 'programs', 150);
    const count = await countOf('voting', `voting.programs where region_code like '43%'`);
    expect(count).toBeGreaterThan(1000);
    const result = await run('{ region(code: "43") { name programs { id } } }', {});
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors[0].message).toContain('programsConnection');
    expect(result.errors[0].path).toEqual(['region', 'programs']);
    const page = await run('{ region(code: "43") { programsConnection(first: 1) { totalCount } } }', {});
    expect(page.data.region.programsConnection.totalCount).toBe(count);
    const top = await run('{ programs(regionCode: "43") { id } }', {});
    expect(errorCode(top)).toBe('BAD_USER_INPUT');
  });
});

describe('nested suggestion lists filter access in SQL as `suggestion(id)` does', () => {
  it('Deputy.suggestions, GovernmentUnit.handledSuggestions: what `suggestion(id)` lets the reader read', async () => {
    const readers: [string, string | undefined][] = [
      ['the public', undefined],
      ['the deputy', await tokens.deputy('430181', ids.deputy!)],
      ['a handler of the unit', await tokens.handler('430181', ids.unit!)],
      ['an analyst of Liuyang', await tokens.analyst('430181')],
      ['staff of Yueyang', await tokens.staff('4306')],
    ];
    const lists: [string, string, (d: any) => any][] = [
      ['deputy(id: $id)', 'suggestions', (d) => d.deputy],
      ['unit(id: $id)', 'handledSuggestions', (d) => d.unit],
    ];
    for (const [parent, field, pick] of lists) {
      const id = parent.startsWith('deputy') ? ids.deputy : ids.unit;
      const all = await run(`query($id: ID!) { ${parent} { ${field} { id } } }`, { id });
      const everything = pick(all.data)[field].map((s: any) => s.id);
      expect(everything.length).toBeGreaterThan(0);
      const seen = new Set<number>();
      for (const [who, token] of readers) {
        const one = everything.map((s: string, i: number) => `s${i}: suggestion(id: "${s}") { id }`).join(' ');
        const direct = await platform.execute(`{ ${one} }`, {}, token);
        const readable = everything.filter((_: string, i: number) => direct.data?.[`s${i}`]);
        const nested = await platform.execute(
          `query($id: ID!) { ${parent} { ${field} { id }
            ${field}Connection(first: 100) { totalCount edges { node { id } } } } }`,
          { id },
          token,
        );
        expect(nested.errors, who).toBeUndefined();
        const got = pick(nested.data);
        expect(
          got[field].map((s: any) => s.id),
          who,
        ).toEqual(readable);
        expect(
          got[`${field}Connection`].edges.map((e: any) => e.node.id),
          who,
        ).toEqual(readable);
        expect(got[`${field}Connection`].totalCount, who).toBe(readable.length);
        seen.add(readable.length);
      }
      // The readers see different sets, so the comparison tells something.
      expect(seen.size, field).toBeGreaterThan(1);
    }
  });
});
