import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { buildSchema, parse, validate } from 'graphql';
import { deputiesService } from '@renda/deputies/server';
import { suggestionsService } from '@renda/suggestions/server';
import { supervisionService } from '@renda/supervision/server';
import { votingService } from '@renda/voting/server';
import { tokens } from '@renda/testing/tokens';
import { exportCatalog } from '@renda/server-kit/export-catalog';
import { clientSchemaSdl } from '../src/client-schema.ts';
import { tables } from '../src/exports.ts';
import { supergraphPath } from '../src/compose.ts';
import { startTestPlatform, type TestPlatform } from './harness.ts';

/** Open data: the client schema, the example operations, and CSV/XLSX exports through the graph. */
let platform: TestPlatform;
let base: string;
const services = [deputiesService, supervisionService, suggestionsService, votingService];
const examplesDir = new URL('../../docs/examples/', import.meta.url);

beforeAll(async () => {
  platform = await startTestPlatform(services, { supergraphSdl: readFileSync(supergraphPath, 'utf8'), demo: true });
  base = platform.url.replace(/\/graphql$/, '');
}, 180_000);
afterAll(async () => {
  await platform?.stop();
});

const get = (path: string, token?: string) =>
  fetch(`${base}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

async function data(query: string, variables: Record<string, unknown>, token: string) {
  const result = await platform.execute(query, variables, token);
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return result.data as Record<string, any>;
}

/** Every node of a connection, page by page, as a client would read it. */
async function allNodes(field: string, query: string, variables: Record<string, unknown>, token: string) {
  const nodes: any[] = [];
  let after: string | null = null;
  for (;;) {
    const page: any = (await data(query, { ...variables, after }, token))[field];
    nodes.push(...page.edges.map((e: { node: unknown }) => e.node));
    if (!page.pageInfo.hasNextPage) return nodes;
    after = page.pageInfo.endCursor;
  }
}

/** The CSV read back with exceljs (no value conversion: every cell as its text). */
async function csvRows(res: Response): Promise<string[][]> {
  const bytes = Buffer.from(await res.arrayBuffer());
  // A byte-order mark first, so that Excel reads the Chinese as UTF-8.
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const text = bytes.toString('utf8');
  const workbook = new ExcelJS.Workbook();
  const sheet = await workbook.csv.read(Readable.from([text.slice(1)]), { map: (v: unknown) => v } as never);
  const rows: string[][] = [];
  sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => (v == null ? '' : String(v)))));
  return rows;
}

async function xlsxRows(res: Response): Promise<{ rows: unknown[][]; widths: number[]; name: string }> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(await res.arrayBuffer());
  const sheet = workbook.worksheets[0]!;
  const rows: unknown[][] = [];
  sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return { rows, widths: sheet.columns.map((c) => c.width ?? 0), name: sheet.name };
}

const deputiesQuery = `query($r: ID!, $after: String) { deputies(filter: { regionCode: $r }, first: 37, after: $after) {
  pageInfo { hasNextPage endCursor } edges { node { name workUnit region { code } } } } }`;

describe('client schema', () => {
  it('GET /schema.graphql serves the API schema, without federation directives', async () => {
    const res = await get('/schema.graphql');
    expect(res.status).toBe(200);
    const sdl = await res.text();
    expect(sdl).not.toMatch(/join__|link__|@join|@link/);
    const schema = buildSchema(sdl);
    expect(schema.getQueryType()?.getFields().unitRanking).toBeDefined();
    // The client codegen (examples/client) computes the same text from the committed supergraph.
    expect(await clientSchemaSdl(readFileSync(supergraphPath, 'utf8'))).toBe(sdl);
  });

  it('every operation in docs/examples validates against the served schema', async () => {
    const schema = buildSchema(await (await get('/schema.graphql')).text());
    const files = readdirSync(examplesDir).filter((f) => f.endsWith('.graphql'));
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const file of files) {
      const errors = validate(schema, parse(readFileSync(new URL(file, examplesDir), 'utf8')));
      expect(errors.map((e) => `${file}: ${e.message}`)).toEqual([]);
    }
  });
});

describe('exports', () => {
  it('the deputies register as CSV has the rows of the query, every page of it', async () => {
    const staff = await tokens.staff('43');
    const nodes = await allNodes('deputies', deputiesQuery, { r: '43' }, staff);
    // More than one export page (100), so paging through `after` is exercised.
    expect(nodes.length).toBeGreaterThan(100);
    const res = await get('/export/deputies.csv?region=43', staff);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const disposition = /^attachment; filename="deputies-43\.csv"; filename\*=UTF-8''/;
    expect(res.headers.get('content-disposition')).toMatch(disposition);
    expect(res.headers.get('content-length')).toBeNull();
    const [header, ...rows] = await csvRows(res);
    expect(header).toContain('姓名');
    const name = header!.indexOf('姓名');
    const unit = header!.indexOf('工作单位');
    const code = header!.indexOf('区划代码');
    expect(rows.map((r) => [r[name], r[unit], r[code]])).toEqual(nodes.map((n) => [n.name, n.workUnit, n.region.code]));
  });

  it('the deputies register as XLSX reads back with the same rows, headers and column widths', async () => {
    const staff = await tokens.staff('430181');
    const nodes = await allNodes('deputies', deputiesQuery, { r: '430181' }, staff);
    expect(nodes.length).toBeGreaterThan(0);
    const res = await get('/export/deputies.xlsx?region=430181', staff);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    const { rows, widths, name: sheetName } = await xlsxRows(res);
    expect(sheetName).toBe('代表名册');
    const header = rows[0] as string[];
    expect(widths.every((w) => w >= 6)).toBe(true);
    expect(widths[header.indexOf('工作单位')]).toBeGreaterThan(widths[header.indexOf('性别')]!);
    const name = header.indexOf('姓名');
    const unit = header.indexOf('工作单位');
    expect(rows.slice(1).map((r) => [r[name], r[unit]])).toEqual(nodes.map((n) => [n.name, n.workUnit]));
  });

  it('suggestions of a region and year carry their stage, as the graph gives it', async () => {
    const staff = await tokens.staff('430181');
    const nodes = await allNodes(
      'suggestions',
      `query($r: ID!, $after: String) { suggestions(filter: { regionCode: $r, year: 2026 }, first: 40, after: $after) {
        pageInfo { hasNextPage endCursor } edges { node { serial title stage } } } }`,
      { r: '430181' },
      staff,
    );
    expect(nodes.length).toBeGreaterThan(0);
    const [header, ...rows] = await csvRows(await get('/export/suggestions.csv?region=430181&year=2026', staff));
    const serial = header!.indexOf('编号');
    const title = header!.indexOf('标题');
    const stage = header!.indexOf('办理阶段');
    expect(rows.map((r) => [r[serial], r[title]])).toEqual(nodes.map((n) => [n.serial, n.title]));
    // The stage is the Chinese term of the schema's enum (RECEIVED is 承接), one per graph stage.
    const stages = new Map(nodes.map((n, i) => [n.stage as string, rows[i]![stage]]));
    for (const [value, label] of stages) {
      expect(label, value).toMatch(/^[\u4e00-\u9fff]+$/);
      expect([...stages].filter(([, l]) => l === label).map(([v]) => v)).toEqual([value]);
    }
  });

  it('deputy statistics by child region and the unit ranking equal their queries', async () => {
    const staff = await tokens.staff('43');
    const stats = await data(
      `query($y: Int!) { region(code: "43") { children { code
        activeDeputies: deputyStats(year: $y) { activeDeputies } } } }`,
      { y: 2026 },
      staff,
    );
    const { rows } = await xlsxRows(await get('/export/deputy-stats.xlsx?region=43&year=2026', staff));
    expect(rows.slice(1).map((r) => [r[0], r[2]])).toEqual(
      stats.region.children.map((c: any) => [c.code, c.activeDeputies.activeDeputies]),
    );
    const ranking = (
      await data(`query { unitRanking(regionCode: "430181", year: 2026) { unit { name } score } }`, {}, staff)
    ).unitRanking as { unit: { name: string }; score: number }[];
    expect(ranking.length).toBeGreaterThan(0);
    const [header, ...csv] = await csvRows(await get('/export/unit-ranking.csv?region=430181&year=2026', staff));
    expect(header!.slice(0, 3)).toEqual(['名次', '承办单位', '得分']);
    expect(csv.map((r) => [r[1], Number(r[2])])).toEqual(ranking.map((r) => [r.unit.name, r.score]));
  });

  it("a region outside the token's subtree is FORBIDDEN (403), with nothing of the file", async () => {
    const staff = await tokens.staff('430181');
    for (const path of ['/export/deputies.csv?region=4301', '/export/unit-ranking.xlsx?region=44&year=2026']) {
      const res = await get(path, staff);
      expect(res.status, path).toBe(403);
      expect(res.headers.get('content-disposition')).toBeNull();
      const body = await res.json();
      expect(body.errors[0].extensions.code).toBe('FORBIDDEN');
    }
  });

  it("no token or a bad one is UNAUTHENTICATED (401); a handler may not export a region (the graph's rule) (403)", async () => {
    const anonymous = await get('/export/deputies.csv?region=430181');
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const forged = await get('/export/deputies.csv?region=430181', 'not-a-token');
    expect(forged.status).toBe(401);
    expect((await forged.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const handler = await tokens.handler('430181', 'unit-x');
    const res = await get('/export/suggestions.csv?region=430181&year=2026', handler);
    expect(res.status).toBe(403);
    expect((await res.json()).errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('an unknown table is NOT_FOUND (404); a malformed region or year is BAD_USER_INPUT (400)', async () => {
    const staff = await tokens.staff('43');
    const unknown = await get('/export/salaries.csv?region=43', staff);
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).errors[0].extensions.code).toBe('NOT_FOUND');
    const cases: [string, string][] = [
      ['/export/deputies.csv?region=43a', 'region'],
      ['/export/deputies.csv?region=431', 'region'],
      ['/export/deputies.xlsx', 'region'],
      ['/export/suggestions.csv?region=43&year=20x6', 'year'],
      ['/export/unit-ranking.csv?region=43', 'year'],
    ];
    for (const [path, field] of cases) {
      const res = await get(path, staff);
      expect(res.status, path).toBe(400);
      expect(res.headers.get('content-disposition')).toBeNull();
      const body = await res.json();
      expect(body.errors[0].extensions, path).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
  });

  it("a year the graph refuses is the graph's BAD_USER_INPUT (400), sent before any row", async () => {
    const staff = await tokens.staff('43');
    const res = await get('/export/unit-ranking.csv?region=43&year=1800', staff);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-disposition')).toBeNull();
    expect((await res.json()).errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});

describe('every table, and links to them', () => {
  /** Every node of a change feed over all time: the rows a register's export holds. */
  const feedNodes = async (field: string, selection: string, region: string, token: string) =>
    (
      await allNodes(
        field,
        `query($r: ID!, $after: String) { ${field}(regionCode: $r, updatedSince: "1900-01-01T00:00:00Z", first: 45,
          after: $after) { pageInfo { hasNextPage endCursor } edges { node { ${selection} } } } }`,
        { r: region },
        token,
      )
    ).filter((n) => n !== null);

  it('the graph lists the tables the gateway serves, with their Chinese titles', () => {
    const byName = (a: unknown[], b: unknown[]) => String(a[0]).localeCompare(String(b[0]));
    expect(exportCatalog.map((t) => [t.table, t.title, t.needsYear]).sort(byName)).toEqual(
      Object.entries(tables)
        .map(([name, t]) => [name, t.title, t.needsYear])
        .sort(byName),
    );
  });

  it("every table downloads as CSV and XLSX with Chinese headers and its columns' widths", async () => {
    const staff = await tokens.staff('43');
    for (const [name, table] of Object.entries(tables)) {
      const query = `region=43${table.needsYear ? '&year=2026' : ''}`;
      const csv = await get(`/export/${name}.csv?${query}`, staff);
      expect(csv.status, name).toBe(200);
      const [header] = await csvRows(csv).catch((e) => {
        throw new Error(`${name}.csv was cut short: ${e}`);
      });
      expect(header, name).toEqual(table.columns.map((c) => c.header));
      expect(
        header!.every((h) => /[\u4e00-\u9fff]/.test(h)),
        name,
      ).toBe(true);
      const xlsx = await get(`/export/${name}.xlsx?${query}`, staff);
      expect(xlsx.status, name).toBe(200);
      const {
        rows,
        widths,
        name: sheet,
      } = await xlsxRows(xlsx).catch((e) => {
        throw new Error(`${name}.xlsx was cut short: ${e}`);
      });
      expect(sheet, name).toBe(table.title.slice(0, 31));
      expect(rows[0], name).toEqual(table.columns.map((c) => c.header));
      // exceljs leaves out a width equal to its default (9), which reads back as none.
      expect(JSON.stringify(widths.map((w) => w || 9)), name).toBe(JSON.stringify(table.columns.map((c) => c.width)));
    }
  }, 120_000);

  it('contacts, filings and program results hold the rows of their feeds; steps, those of the items', async () => {
    const staff = await tokens.staff('430181');
    const contacts = await feedNodes('contactChanges', 'occurredOn summary deputy { name }', '430181', staff);
    expect(contacts.length).toBeGreaterThan(100);
    const [ch, ...crows] = await csvRows(await get('/export/contacts.csv?region=430181', staff));
    expect(crows.map((r) => [r[ch!.indexOf('联系日期')], r[ch!.indexOf('代表')], r[ch!.indexOf('内容摘要')]])).toEqual(
      contacts.map((c) => [c.occurredOn, c.deputy.name, c.summary]),
    );
    const province = await tokens.staff('43');
    const filings = await feedNodes('filingChanges', 'title documentNumber reviewStatus', '43', province);
    expect(filings.length).toBeGreaterThan(0);
    const { rows: frows } = await xlsxRows(await get('/export/filings.xlsx?region=43', province));
    expect(frows.slice(1).map((r) => [r[0], r[1]])).toEqual(filings.map((f) => [f.title, f.documentNumber]));
    const projects = await feedNodes('projectChanges', 'title rank program { title }', '430181', staff);
    expect(projects.length).toBeGreaterThan(0);
    const [ph, ...prows] = await csvRows(await get('/export/program-results.csv?region=430181', staff));
    expect(prows.map((r) => [r[ph!.indexOf('候选项目')], r[ph!.indexOf('票决排名')]])).toEqual(
      projects.map((p) => [p.title, p.rank === null ? '' : String(p.rank)]),
    );
    const items = await allNodes(
      'suggestions',
      `query($r: ID!, $after: String) { suggestions(filter: { regionCode: $r, year: 2026 }, first: 40, after: $after) {
        pageInfo { hasNextPage endCursor } edges { node { serial steps { by note } } } } }`,
      { r: '430181' },
      staff,
    );
    const [sh, ...srows] = await csvRows(await get('/export/suggestion-steps.csv?region=430181&year=2026', staff));
    const steps = items.flatMap((i) => i.steps.map((s: { by: string }) => [i.serial, s.by]));
    expect(steps.length).toBeGreaterThan(items.length);
    expect(srows.map((r) => [r[sh!.indexOf('编号')], r[sh!.indexOf('办理人')]])).toEqual(steps);
  });

  it('figures by month and level equal the series query, rates as percentages', async () => {
    const staff = await tokens.staff('430181');
    const series = (
      await data(
        `{ region(code: "430181") { suggestionFigures(from: 2026, to: 2026, interval: MONTH) { period { month } level
          registered onTime { rate numerator denominator } } } }`,
        {},
        staff,
      )
    ).region.suggestionFigures as any[];
    expect(series.length).toBeGreaterThanOrEqual(12);
    const res = await get('/export/suggestion-figures.xlsx?region=430181&year=2026&interval=month', staff);
    expect(res.headers.get('content-disposition')).toContain('suggestion-figures-430181-2026-monthly.xlsx');
    const { rows } = await xlsxRows(res);
    const header = rows[0] as string[];
    const at = (name: string) => header.indexOf(name);
    expect(
      rows
        .slice(1)
        .map((r) => [r[at('月份')], r[at('交办件数')], r[at('按时答复率')] ?? null, r[at('按时答复率分母')]]),
    ).toEqual(series.map((f) => [f.period.month, f.registered, f.onTime.rate, f.onTime.denominator]));
    const wrong = await get('/export/deputies.csv?region=430181&interval=month', staff);
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'interval' });
  });

  it('the new tables keep the rule: outside the subtree 403, a deputy 403, nothing sent first', async () => {
    const staff = await tokens.staff('430181');
    for (const path of ['/export/contacts.csv?region=43', '/export/voting-figures.xlsx?region=4306&year=2026']) {
      const res = await get(path, staff);
      expect(res.status, path).toBe(403);
      expect(res.headers.get('content-disposition')).toBeNull();
      expect((await res.json()).errors[0].extensions.code).toBe('FORBIDDEN');
    }
    const deputy = await tokens.deputy('430181', '0196f000-0000-7000-8000-000000000000');
    expect((await get('/export/contacts.csv?region=430181', deputy)).status).toBe(403);
  });

  it("exportLinks lists each table's links; following one gets the file", async () => {
    const staff = await tokens.staff('430181');
    const links = (await data(`{ exportLinks(regionCode: "430181", year: 2026) { table title csv xlsx } }`, {}, staff))
      .exportLinks as { table: string; title: string; csv: string; xlsx: string }[];
    expect(links.map((l) => l.table)).toEqual(exportCatalog.map((t) => t.table));
    const deputies = links.find((l) => l.table === 'deputies')!;
    expect(deputies.title).toBe('代表名册');
    const res = await get(deputies.xlsx, staff);
    expect(res.status).toBe(200);
    expect((await xlsxRows(res)).name).toBe('代表名册');
    const figures = links.find((l) => l.table === 'suggestion-figures')!;
    const [header] = await csvRows(await get(figures.csv, staff));
    expect(header![0]).toBe('年份');
    const withoutYear = (await data(`{ exportLinks(regionCode: "430181") { table } }`, {}, staff)).exportLinks;
    const yearless = exportCatalog.filter((t) => !t.needsYear).map((t) => t.table);
    expect(withoutYear.map((l: { table: string }) => l.table)).toEqual(yearless);
    const outside = await platform.execute(`{ exportLinks(regionCode: "4306") { table } }`, {}, staff);
    expect(outside.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
