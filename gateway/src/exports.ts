import type { IncomingMessage, ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { ApolloServer } from '@apollo/server';
import ExcelJS from 'exceljs';
import { GraphQLEnumType, GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { canReadRegion } from '@renda/auth/guards';
import { regionLevelOf } from '@renda/server-kit/validate';
import type { GatewayContext } from './server.ts';

/**
 * 开放数据 exports: `GET /export/<table>.csv|.xlsx?region=…&year=…`. Each table is a GraphQL operation
 * run through this gateway with the caller's context (so the graph's access rules hold), paged with
 * `first: 100`/`after` and streamed row by row: memory stays bounded by one page.
 */

type Cell = string | number | boolean | null;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows of each table's own query, read by its columns
type Json = Record<string, any>;

interface Column {
  header: string;
  /** Width in characters, as a clerk would set it. */
  width: number;
  /** XLSX number format (e.g. percentages). */
  numFmt?: string;
  value: (row: Json, index: number, label: EnumLabel) => Cell;
}

interface Params {
  region: string;
  year: number | null;
}

interface Table {
  /** 中文 name, used for the sheet and the file. */
  title: string;
  needsYear: boolean;
  query: string;
  variables: (p: Params, after: string | null) => Record<string, unknown>;
  /** The page's rows and the cursor of the next page, or null on the last. */
  page: (data: Json) => { rows: Json[]; next: string | null };
  columns: Column[];
}

type EnumLabel = (type: string, value: string | null | undefined) => string | null;

export const exportPageSize = 100;

const connectionPage = (field: string) => (data: Json) => {
  const conn = data[field] as { edges: { node: Json }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
  return { rows: conn.edges.map((e) => e.node), next: conn.pageInfo.hasNextPage ? conn.pageInfo.endCursor : null };
};

const yesNo = (v: unknown) => (v === true ? '是' : v === false ? '否' : null);
const percent = '0.00%';

export const tables: Record<string, Table> = {
  deputies: {
    title: '代表名册',
    needsYear: false,
    query: `query ExportDeputies($region: ID!, $first: Int!, $after: String) {
      deputies(filter: { regionCode: $region }, first: $first, after: $after) {
        pageInfo { hasNextPage endCursor }
        edges { node { id name gender ethnicity workUnit position constituency status
          region { code name } congress { name } } }
      }
    }`,
    variables: (p, after) => ({ region: p.region, first: exportPageSize, after }),
    page: connectionPage('deputies'),
    columns: [
      { header: '姓名', width: 10, value: (r) => r.name },
      { header: '性别', width: 6, value: (r, _, l) => l('Gender', r.gender) },
      { header: '民族', width: 8, value: (r) => r.ethnicity },
      { header: '工作单位', width: 32, value: (r) => r.workUnit },
      { header: '职务', width: 24, value: (r) => r.position },
      { header: '选区', width: 20, value: (r) => r.constituency },
      { header: '所属区划', width: 14, value: (r) => r.region.name },
      { header: '区划代码', width: 11, value: (r) => r.region.code },
      { header: '届次', width: 24, value: (r) => r.congress.name },
      { header: '代表资格状态', width: 12, value: (r, _, l) => l('DeputyStatus', r.status) },
    ],
  },
  suggestions: {
    title: '建议办理情况',
    needsYear: true,
    query: `query ExportSuggestions($region: ID!, $year: Int!, $first: Int!, $after: String) {
      suggestions(filter: { regionCode: $region, year: $year }, first: $first, after: $after) {
        pageInfo { hasNextPage endCursor }
        edges { node { id serial kind title stage isKey assignedOn replyDueOn overdue
          leadDeputy { name } proposerName region { code } units { role unit { name } } } }
      }
    }`,
    variables: (p, after) => ({ region: p.region, year: p.year, first: exportPageSize, after }),
    page: connectionPage('suggestions'),
    columns: [
      { header: '编号', width: 10, value: (r) => r.serial },
      { header: '类别', width: 14, value: (r, _, l) => l('SuggestionKind', r.kind) },
      { header: '标题', width: 40, value: (r) => r.title },
      { header: '领衔代表', width: 10, value: (r) => r.leadDeputy?.name ?? r.proposerName ?? null },
      { header: '办理阶段', width: 10, value: (r, _, l) => l('SuggestionStage', r.stage) },
      { header: '重点', width: 6, value: (r) => yesNo(r.isKey) },
      {
        header: '主办单位',
        width: 24,
        value: (r) => (r.units as Json[]).filter((u) => u.role === 'LEAD').map((u) => u.unit.name).join('、') || null,
      },
      { header: '交办日期', width: 12, value: (r) => r.assignedOn },
      { header: '答复期限', width: 12, value: (r) => r.replyDueOn },
      { header: '是否超期', width: 9, value: (r) => yesNo(r.overdue) },
      { header: '区划代码', width: 11, value: (r) => r.region.code },
    ],
  },
  'deputy-stats': {
    title: '代表履职统计',
    needsYear: true,
    query: `query ExportDeputyStats($region: ID!, $year: Int!) {
      region(code: $region) { children { code name deputyStats(year: $year) {
        activeDeputies voterContactComplianceRate groupActivityComplianceRate committeeContactComplianceRate
        stations compliantStations } } }
    }`,
    variables: (p) => ({ region: p.region, year: p.year }),
    page: (data) => ({ rows: (data.region?.children as Json[] | undefined) ?? [], next: null }),
    columns: [
      { header: '区划代码', width: 11, value: (r) => r.code },
      { header: '区划名称', width: 16, value: (r) => r.name },
      { header: '在任代表数', width: 11, value: (r) => r.deputyStats.activeDeputies },
      { header: '联系选民达标率', width: 15, numFmt: percent, value: (r) => r.deputyStats.voterContactComplianceRate },
      { header: '小组活动达标率', width: 15, numFmt: percent, value: (r) => r.deputyStats.groupActivityComplianceRate },
      {
        header: '联系常委会组成人员达标率',
        width: 24,
        numFmt: percent,
        value: (r) => r.deputyStats.committeeContactComplianceRate,
      },
      { header: '代表之家/联络站数', width: 17, value: (r) => r.deputyStats.stations },
      { header: '达标站点数', width: 11, value: (r) => r.deputyStats.compliantStations },
    ],
  },
  'unit-ranking': {
    title: '承办单位排名',
    needsYear: true,
    query: `query ExportUnitRanking($region: ID!, $year: Int!) {
      unitRanking(regionCode: $region, year: $year) {
        unit { name } score stats { total replied overdue }
        onTime { rate } satisfaction { rate } resolution { rate }
      }
    }`,
    variables: (p) => ({ region: p.region, year: p.year }),
    page: (data) => ({ rows: data.unitRanking as Json[], next: null }),
    columns: [
      { header: '名次', width: 6, value: (_, i) => i + 1 },
      { header: '承办单位', width: 28, value: (r) => r.unit.name },
      { header: '得分', width: 8, value: (r) => r.score },
      { header: '主办件数', width: 9, value: (r) => r.stats.total },
      { header: '已答复', width: 8, value: (r) => r.stats.replied },
      { header: '超期', width: 6, value: (r) => r.stats.overdue },
      { header: '按时答复率', width: 11, numFmt: percent, value: (r) => r.onTime?.rate ?? null },
      { header: '满意率', width: 9, numFmt: percent, value: (r) => r.satisfaction?.rate ?? null },
      { header: '解决率', width: 9, numFmt: percent, value: (r) => r.resolution?.rate ?? null },
    ],
  },
};

const statusByCode: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
  GRAPHQL_VALIDATION_FAILED: 400,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
};

class ExportProblem extends Error {
  constructor(
    readonly status: number,
    readonly errors: GraphQLFormattedError[],
  ) {
    super(errors[0]?.message ?? 'Export failed.');
  }
  static of(code: string, message: string, field?: string): ExportProblem {
    const extensions = field ? { code, field } : { code };
    return new ExportProblem(statusByCode[code] ?? 500, [{ message, extensions }]);
  }
}

function sendErrors(res: ServerResponse, problem: ExportProblem): void {
  const text = JSON.stringify({ errors: problem.errors });
  res.writeHead(problem.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function parseParams(url: URL, table: Table): Params {
  const region = (url.searchParams.get('region') ?? '').trim();
  if (!regionLevelOf(region)) {
    const message = `${JSON.stringify(region)} is not a region code: 2, 4, 6 or 9 digits (43, 4301, 430181).`;
    throw ExportProblem.of('BAD_USER_INPUT', message, 'region');
  }
  const rawYear = url.searchParams.get('year');
  if (rawYear === null) {
    if (table.needsYear) throw ExportProblem.of('BAD_USER_INPUT', 'This export needs `year`, e.g. year=2026.', 'year');
    return { region, year: null };
  }
  if (!/^\d{4}$/.test(rawYear.trim())) {
    throw ExportProblem.of('BAD_USER_INPUT', `${JSON.stringify(rawYear)} is not a calendar year, e.g. 2026.`, 'year');
  }
  return { region, year: Number(rawYear.trim()) };
}

/** Labels of enum values: the Chinese term that starts the value's description (`"""承接 receive"""` → 承接). */
function enumLabels(schema: () => GraphQLSchema | undefined): EnumLabel {
  const cache = new Map<string, string>();
  return (type, value) => {
    if (value === null || value === undefined) return null;
    const key = `${type}.${value}`;
    let label = cache.get(key);
    if (label === undefined) {
      const enumType = schema()?.getType(type);
      const description = enumType instanceof GraphQLEnumType ? enumType.getValue(value)?.description : undefined;
      label = /^[\u4e00-\u9fff][\u4e00-\u9fff、/]*/.exec(description ?? '')?.[0] ?? value;
      cache.set(key, label);
    }
    return label;
  };
}

/** RFC 4180 field: quoted when it holds a comma, quote or line break. */
function csvField(value: Cell): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

interface Sink {
  row(values: Cell[]): Promise<void>;
  end(): Promise<void>;
}

async function write(res: ServerResponse, chunk: string | Buffer): Promise<void> {
  if (!res.write(chunk)) await once(res, 'drain');
}

function csvSink(res: ServerResponse, columns: Column[]): Sink {
  // A byte-order mark, so that Excel opens the UTF-8 file with its Chinese intact.
  let started = false;
  return {
    async row(values) {
      if (!started) {
        started = true;
        await write(res, `\uFEFF${columns.map((c) => csvField(c.header)).join(',')}\r\n`);
      }
      await write(res, `${values.map(csvField).join(',')}\r\n`);
    },
    async end() {
      if (!started) await write(res, `\uFEFF${columns.map((c) => csvField(c.header)).join(',')}\r\n`);
      res.end();
    },
  };
}

function xlsxSink(res: ServerResponse, table: Table): Sink {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: res, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(table.title, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = table.columns.map((c, i) => ({
    header: c.header,
    key: String(i),
    width: c.width,
    ...(c.numFmt ? { style: { numFmt: c.numFmt } } : {}),
  }));
  sheet.getRow(1).font = { bold: true };
  return {
    async row(values) {
      sheet.addRow(values).commit();
      // The zip stream writes into the response; wait when the socket is behind.
      if (res.writableNeedDrain) await once(res, 'drain');
    },
    async end() {
      sheet.commit();
      await workbook.commit();
    },
  };
}

export interface ExportOptions {
  apollo: ApolloServer<GatewayContext>;
  context: (req: IncomingMessage) => Promise<GatewayContext>;
  /** The gateway's API schema (for enum labels). */
  schema: () => GraphQLSchema | undefined;
}

/** The `/export/…` route; returns false for any other path. */
export function exportRoute(options: ExportOptions) {
  const label = enumLabels(options.schema);

  async function run(table: Table, params: Params, after: string | null, contextValue: GatewayContext) {
    const response = await options.apollo.executeOperation(
      { query: table.query, variables: table.variables(params, after) },
      { contextValue },
    );
    if (response.body.kind !== 'single') throw ExportProblem.of('INTERNAL_SERVER_ERROR', 'Internal server error.');
    const { data, errors } = response.body.singleResult;
    if (errors?.length || !data) {
      const internal = { message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
      const list = errors?.length ? errors : [internal];
      const code = String(list[0]!.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
      throw new ExportProblem(statusByCode[code] ?? 500, list as GraphQLFormattedError[]);
    }
    return table.page(data as Json);
  }

  async function serve(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const match = /^\/export\/([a-z-]+)\.(csv|xlsx)$/.exec(url.pathname);
    const table = match ? Object.hasOwn(tables, match[1]!) && tables[match[1]!] : undefined;
    if (!match || !table) {
      const known = Object.keys(tables).map((t) => `${t}.csv|.xlsx`).join(', ');
      throw ExportProblem.of('NOT_FOUND', `No export at ${url.pathname}; there are ${known}.`);
    }
    const format = match[2] as 'csv' | 'xlsx';
    const params = parseParams(url, table);
    let contextValue: GatewayContext;
    try {
      contextValue = await options.context(req);
    } catch (e) {
      const code = e instanceof GraphQLError ? String(e.extensions.code ?? '') : '';
      if (code === 'UNAUTHENTICATED') throw ExportProblem.of(code, e instanceof Error ? e.message : 'Sign in.');
      throw e;
    }
    if (!contextValue.viewer) throw ExportProblem.of('UNAUTHENTICATED', 'Exports need a token: send Authorization.');
    if (!canReadRegion(contextValue.viewer, params.region)) {
      const message = `You may not export ${table.title} of region ${params.region}: it is outside your region.`;
      throw ExportProblem.of('FORBIDDEN', message, 'region');
    }
    // The first page decides the status: a failure here sends only the error, never part of a file.
    let page = await run(table, params, null, contextValue);
    const name = `${table.title}-${params.region}${params.year ? `-${params.year}` : ''}.${format}`;
    const ascii = `${match[1]}-${params.region}${params.year ? `-${params.year}` : ''}.${format}`;
    res.writeHead(200, {
      'content-type':
        format === 'csv'
          ? 'text/csv; charset=utf-8'
          : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'content-disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`,
      'cache-control': 'no-store',
    });
    const sink = format === 'csv' ? csvSink(res, table.columns) : xlsxSink(res, table);
    let index = 0;
    for (;;) {
      for (const row of page.rows) {
        await sink.row(table.columns.map((c) => c.value(row, index, label) ?? null));
        index += 1;
      }
      if (!page.next || res.destroyed) break;
      page = await run(table, params, page.next, contextValue);
    }
    await sink.end();
  }

  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith('/export/')) return false;
    if (req.method !== 'GET') {
      sendErrors(res, new ExportProblem(405, [{ message: 'Use GET.', extensions: { code: 'METHOD_NOT_ALLOWED' } }]));
      return true;
    }
    try {
      await serve(req, res, url);
    } catch (e) {
      if (!res.headersSent) {
        const internal = ExportProblem.of('INTERNAL_SERVER_ERROR', 'Internal server error.');
        sendErrors(res, e instanceof ExportProblem ? e : internal);
      } else {
        // A later page failed: cut the download short so that no client takes it for a whole file.
        res.destroy(e instanceof Error ? e : new Error('export failed'));
      }
    }
    return true;
  };
}
