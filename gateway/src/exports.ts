import type { IncomingMessage, ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { ApolloServer } from '@apollo/server';
import type ExcelJSModule from 'exceljs';
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
  /** Figures tables: one row per year (default) or per month of `year`. */
  interval: 'YEAR' | 'MONTH';
}

export interface Table {
  /** 中文 name, used for the sheet and the file. */
  title: string;
  needsYear: boolean;
  /** Takes `interval=month` (the figures series). */
  monthly?: boolean;
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

/** A column: header, width in characters, value, and optionally an XLSX number format. */
const col = (header: string, width: number, value: Column['value'], numFmt?: string): Column =>
  numFmt ? { header, width, value, numFmt } : { header, width, value };
/** A Ratio field as three columns: the rate (a percentage) and its numerator and denominator. */
const ratioCols = (header: string, pick: (r: Json) => Json | null | undefined): Column[] => [
  col(`${header}`, Math.max(10, header.length * 2 + 2), (r) => pick(r)?.rate ?? null, percent),
  col(`${header}分子`, Math.max(8, header.length * 2 + 4), (r) => pick(r)?.numerator ?? null),
  col(`${header}分母`, Math.max(8, header.length * 2 + 4), (r) => pick(r)?.denominator ?? null),
];
const ratio = '{ rate numerator denominator }';
const actorName = (a: Json | null | undefined) => a?.name ?? null;

/**
 * A register read through its change feed (增量变更流) over all time: every record of the subtree as it now
 * is, in (updatedAt, id) order, paged like any connection. Deletions carry no row.
 */
function feedTable(field: string, title: string, node: string, columns: Column[]): Table {
  return {
    title,
    needsYear: false,
    query: `query Export_${field}($region: ID!, $first: Int!, $after: String) {
      ${field}(regionCode: $region, updatedSince: "1900-01-01T00:00:00Z", first: $first, after: $after) {
        pageInfo { hasNextPage endCursor } edges { node { ${node} } } } }`,
    variables: (p, after) => ({ region: p.region, first: exportPageSize, after }),
    page: (data) => {
      type Page = { edges: { node: Json | null }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
      const conn = data[field] as Page;
      const rows = conn.edges.map((e) => e.node).filter((n): n is Json => n !== null);
      return { rows, next: conn.pageInfo.hasNextPage ? conn.pageInfo.endCursor : null };
    },
    columns,
  };
}

/** A statistics field of `Region`, one row per child region (按区划). */
function byChildRegion(field: string, title: string, selection: string, columns: Column[]): Table {
  return {
    title,
    needsYear: true,
    query: `query Export_${field}($region: ID!, $year: Int!) {
      region(code: $region) { children { code name ${field}(year: $year) { ${selection} } } } }`,
    variables: (p) => ({ region: p.region, year: p.year }),
    page: (data) => ({ rows: (data.region?.children as Json[] | undefined) ?? [], next: null }),
    columns: [col('区划代码', 11, (r) => r.code), col('区划名称', 16, (r) => r.name), ...columns],
  };
}

/** A figures series of the region (F-1 to F-4): one row per period and congress level (按年/月, 按层级). */
function figuresTable(field: string, title: string, selection: string, columns: Column[]): Table {
  return {
    title,
    needsYear: true,
    monthly: true,
    query: `query Export_${field}($region: ID!, $year: Int!, $interval: FigureInterval!) {
      region(code: $region) { ${field}(from: $year, to: $year, interval: $interval) {
        period { year month } level ${selection} } } }`,
    variables: (p) => ({ region: p.region, year: p.year, interval: p.interval }),
    page: (data) => ({ rows: (data.region?.[field] as Json[] | undefined) ?? [], next: null }),
    columns: [
      col('年份', 6, (r) => r.period.year),
      col('月份', 6, (r) => r.period.month ?? null),
      col('层级', 8, (r, _, l) => l('RegionLevel', r.level)),
      ...columns,
    ],
  };
}

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
    needsYear: false,
    query: `query ExportSuggestions($region: ID!, $year: Int, $first: Int!, $after: String) {
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
        value: (r) =>
          (r.units as Json[])
            .filter((u) => u.role === 'LEAD')
            .map((u) => u.unit.name)
            .join('、') || null,
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
  'suggestion-steps': {
    title: '建议办理过程',
    needsYear: false,
    query: `query ExportSuggestionSteps($region: ID!, $year: Int, $first: Int!, $after: String) {
      suggestions(filter: { regionCode: $region, year: $year }, first: $first, after: $after) {
        pageInfo { hasNextPage endCursor }
        edges { node { serial title region { code } steps { stage at by round note actor { role } } } }
      }
    }`,
    variables: (p, after) => ({ region: p.region, year: p.year, first: exportPageSize, after }),
    // One row per step of each item of the page, in the item's order.
    page: (data) => {
      const { rows, next } = connectionPage('suggestions')(data);
      return { rows: rows.flatMap((item) => (item.steps as Json[]).map((step) => ({ item, step }))), next };
    },
    columns: [
      col('编号', 10, (r) => r.item.serial),
      col('标题', 40, (r) => r.item.title),
      col('步骤', 8, (r, _, l) => l('SuggestionStage', r.step.stage)),
      col('轮次', 6, (r) => r.step.round),
      col('时间', 20, (r) => r.step.at),
      col('办理人', 14, (r) => r.step.by),
      col('身份', 10, (r) => r.step.actor?.role ?? null),
      col('说明', 40, (r) => r.step.note),
      col('区划代码', 11, (r) => r.item.region.code),
    ],
  },
  contacts: feedTable(
    'contactChanges',
    '代表联系记录',
    `kind method occurredOn deputy { name region { code } } participants summary`,
    [
      col('联系日期', 12, (r) => r.occurredOn),
      col('代表', 10, (r) => r.deputy.name),
      col('联系类型', 14, (r, _, l) => l('ContactKind', r.kind)),
      col('方式', 8, (r, _, l) => l('ContactMethod', r.method)),
      col('参加人数', 9, (r) => r.participants),
      col('内容摘要', 48, (r) => r.summary),
      col('区划代码', 11, (r) => r.deputy.region.code),
    ],
  ),
  sheets: feedTable(
    'sheetChanges',
    '督办三单',
    `kind unit { name } issuedOn dueOn content answeredOn overdue issuedBy { name } suggestion { serial title }`,
    [
      col('建议编号', 10, (r) => r.suggestion.serial),
      col('建议标题', 36, (r) => r.suggestion.title),
      col('单别', 8, (r, _, l) => l('SheetKind', r.kind)),
      col('承办单位', 24, (r) => r.unit.name),
      col('下发日期', 12, (r) => r.issuedOn),
      col('答复期限', 12, (r) => r.dueOn),
      col('答复日期', 12, (r) => r.answeredOn),
      col('是否超期', 9, (r) => yesNo(r.overdue)),
      col('下发人', 12, (r) => actorName(r.issuedBy)),
      col('内容', 40, (r) => r.content),
    ],
  ),
  filings: feedTable(
    'filingChanges',
    '规范性文件备案',
    `title documentNumber kind issuer { name } publishedOn filedOn filingDueOn filedLate reviewStatus reviewedOn`,
    [
      col('文件名称', 36, (r) => r.title),
      col('文号', 20, (r) => r.documentNumber),
      col('类别', 12, (r, _, l) => l('DocumentKind', r.kind)),
      col('制定机关', 24, (r) => r.issuer.name),
      col('公布日期', 12, (r) => r.publishedOn),
      col('报备日期', 12, (r) => r.filedOn),
      col('报备期限', 12, (r) => r.filingDueOn),
      col('逾期报备', 9, (r) => yesNo(r.filedLate)),
      col('审查状态', 12, (r, _, l) => l('ReviewStatus', r.reviewStatus)),
      col('审查日期', 12, (r) => r.reviewedOn),
    ],
  ),
  'opinion-items': feedTable(
    'opinionItemChanges',
    '审议意见清单',
    `content unit { name } dueOn status reportedOn closedOn overdue`,
    [
      col('审议意见', 48, (r) => r.content),
      col('责任单位', 24, (r) => r.unit.name),
      col('办理期限', 12, (r) => r.dueOn),
      col('状态', 10, (r, _, l) => l('OpinionStatus', r.status)),
      col('报告日期', 12, (r) => r.reportedOn),
      col('办结日期', 12, (r) => r.closedOn),
      col('是否超期', 9, (r) => yesNo(r.overdue)),
    ],
  ),
  programs: feedTable('programChanges', '民生实事项目', 'title year level stage seats openSeats region { code name }', [
    col('项目计划', 30, (r) => r.title),
    col('年度', 6, (r) => r.year),
    col('层级', 8, (r, _, l) => l('ProgramLevel', r.level)),
    col('阶段', 10, (r, _, l) => l('ProgramStage', r.stage)),
    col('票决名额', 9, (r) => r.seats),
    col('区划名称', 16, (r) => r.region.name),
    col('区划代码', 11, (r) => r.region.code),
  ]),
  'program-results': feedTable(
    'projectChanges',
    '民生实事票决结果',
    `title budget status rank percentComplete leadUnit { name } program { title year region { code } }`,
    [
      col('项目计划', 30, (r) => r.program.title),
      col('年度', 6, (r) => r.program.year),
      col('候选项目', 30, (r) => r.title),
      col('预算（元）', 14, (r) => (r.budget === null ? null : Number(r.budget)), '#,##0.00'),
      col('牵头单位', 24, (r) => r.leadUnit.name),
      col('状态', 10, (r, _, l) => l('ProjectStatus', r.status)),
      col('票决排名', 9, (r) => r.rank),
      col('完成进度', 9, (r) => (r.percentComplete === null ? null : r.percentComplete / 100), percent),
      col('区划代码', 11, (r) => r.program.region.code),
    ],
  ),
  'suggestion-stats': byChildRegion(
    'suggestionStats',
    '建议办理统计（按区划）',
    `total keyItems replied repliedOnTime onTimeRate overdue evaluated satisfactionRate resolutionRate`,
    [
      col('件数', 8, (r) => r.suggestionStats.total),
      col('重点件', 8, (r) => r.suggestionStats.keyItems),
      col('已答复', 8, (r) => r.suggestionStats.replied),
      col('按时答复', 9, (r) => r.suggestionStats.repliedOnTime),
      col('按时答复率', 11, (r) => r.suggestionStats.onTimeRate, percent),
      col('超期', 6, (r) => r.suggestionStats.overdue),
      col('已测评', 8, (r) => r.suggestionStats.evaluated),
      col('满意率', 9, (r) => r.suggestionStats.satisfactionRate, percent),
      col('解决率', 9, (r) => r.suggestionStats.resolutionRate, percent),
    ],
  ),
  'supervision-stats': byChildRegion(
    'supervisionStats',
    '监督工作统计（按区划）',
    `documentsFiled filedLate documentsReviewed correctionsRequested majorMatters opinionItems opinionItemsClosed
      opinionItemsOverdue inquiries`,
    [
      col('备案件数', 9, (r) => r.supervisionStats.documentsFiled),
      col('逾期报备', 9, (r) => r.supervisionStats.filedLate),
      col('已审查', 8, (r) => r.supervisionStats.documentsReviewed),
      col('要求纠正', 9, (r) => r.supervisionStats.correctionsRequested),
      col('重大事项', 9, (r) => r.supervisionStats.majorMatters),
      col('审议意见', 9, (r) => r.supervisionStats.opinionItems),
      col('已办结', 8, (r) => r.supervisionStats.opinionItemsClosed),
      col('超期未办结', 11, (r) => r.supervisionStats.opinionItemsOverdue),
      col('专题询问', 9, (r) => r.supervisionStats.inquiries),
    ],
  ),
  'voting-stats': byChildRegion(
    'votingStats',
    '民生实事票决统计（按区划）',
    `programs regionsWithProgram candidates projectsElected projectsCompleted budgetTotal turnoutRate
      satisfactionRate`,
    [
      col('票决计划', 9, (r) => r.votingStats.programs),
      col('开展票决的区划', 15, (r) => r.votingStats.regionsWithProgram),
      col('候选项目', 9, (r) => r.votingStats.candidates),
      col('票决通过', 9, (r) => r.votingStats.projectsElected),
      col('已完成', 8, (r) => r.votingStats.projectsCompleted),
      col('预算合计（元）', 16, (r) => Number(r.votingStats.budgetTotal), '#,##0.00'),
      col('投票率', 9, (r) => r.votingStats.turnoutRate, percent),
      col('满意率', 9, (r) => r.votingStats.satisfactionRate, percent),
    ],
  ),
  'deputy-figures': figuresTable(
    'deputyFigures',
    '代表履职统计（按期间、层级）',
    `congresses deputiesInOffice voterContacts groupActivities voterContactCompliance ${ratio}
      groupActivityCompliance ${ratio} committeeContactCompliance ${ratio} groupActivitiesPerDeputy`,
    [
      col('在任代表', 9, (r) => r.deputiesInOffice),
      col('联系选民次数', 13, (r) => r.voterContacts),
      col('小组活动次数', 13, (r) => r.groupActivities),
      ...ratioCols('联系选民达标率', (r) => r.voterContactCompliance),
      ...ratioCols('小组活动达标率', (r) => r.groupActivityCompliance),
      ...ratioCols('联系常委会组成人员达标率', (r) => r.committeeContactCompliance),
      col('人均小组活动', 13, (r) => r.groupActivitiesPerDeputy),
    ],
  ),
  'suggestion-figures': figuresTable(
    'suggestionFigures',
    '建议办理统计（按期间、层级）',
    `registered keyItems replied overdue coercionRisks onTime ${ratio} satisfaction ${ratio} resolution ${ratio}`,
    [
      col('交办件数', 9, (r) => r.registered),
      col('重点件', 8, (r) => r.keyItems),
      col('已答复', 8, (r) => r.replied),
      col('超期', 6, (r) => r.overdue),
      ...ratioCols('按时答复率', (r) => r.onTime),
      ...ratioCols('满意率', (r) => r.satisfaction),
      ...ratioCols('解决率', (r) => r.resolution),
    ],
  ),
  'supervision-figures': figuresTable(
    'supervisionFigures',
    '监督工作统计（按期间、层级）',
    `documentsFiled majorMattersDecided opinionItemsDue opinionItemsOverdue inquiries filedOnTime ${ratio}
      reviewed ${ratio} opinionItemsClosed ${ratio}`,
    [
      col('备案件数', 9, (r) => r.documentsFiled),
      ...ratioCols('按时报备率', (r) => r.filedOnTime),
      ...ratioCols('审查率', (r) => r.reviewed),
      col('重大事项决定', 13, (r) => r.majorMattersDecided),
      col('到期审议意见', 13, (r) => r.opinionItemsDue),
      ...ratioCols('审议意见办结率', (r) => r.opinionItemsClosed),
      col('超期审议意见', 13, (r) => r.opinionItemsOverdue),
      col('专题询问', 9, (r) => r.inquiries),
    ],
  ),
  'voting-figures': figuresTable(
    'votingFigures',
    '民生实事票决统计（按期间、层级）',
    `votesHeld regionsVoted projectsRated coverage ${ratio} turnout ${ratio} satisfaction ${ratio}`,
    [
      col('票决次数', 9, (r) => r.votesHeld),
      col('开展票决的区划', 15, (r) => r.regionsVoted),
      ...ratioCols('覆盖率', (r) => r.coverage),
      ...ratioCols('投票率', (r) => r.turnout),
      col('测评项目', 9, (r) => r.projectsRated),
      ...ratioCols('满意率', (r) => r.satisfaction),
    ],
  ),
  'satisfaction-by-kind': {
    title: '办理满意度（按类别）',
    needsYear: true,
    query: `query ExportSatisfactionByKind($region: ID!, $year: Int!) {
      region(code: $region) { satisfactionByKind(year: $year) {
        kind evaluated satisfied basicallySatisfied dissatisfied satisfactionRate } }
    }`,
    variables: (p) => ({ region: p.region, year: p.year }),
    page: (data) => ({ rows: (data.region?.satisfactionByKind as Json[] | undefined) ?? [], next: null }),
    columns: [
      col('类别', 14, (r, _, l) => l('SuggestionKind', r.kind)),
      col('已测评', 8, (r) => r.evaluated),
      col('满意', 6, (r) => r.satisfied),
      col('基本满意', 9, (r) => r.basicallySatisfied),
      col('不满意', 8, (r) => r.dissatisfied),
      col('满意率', 9, (r) => r.satisfactionRate, percent),
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
  const rawInterval = (url.searchParams.get('interval') ?? 'year').trim().toLowerCase();
  if (rawInterval !== 'year' && !(rawInterval === 'month' && table.monthly)) {
    const message = table.monthly
      ? '`interval` is year or month.'
      : 'This export has one row per record: leave out `interval`.';
    throw ExportProblem.of('BAD_USER_INPUT', message, 'interval');
  }
  const interval = rawInterval === 'month' ? 'MONTH' : 'YEAR';
  const rawYear = url.searchParams.get('year');
  if (rawYear === null) {
    if (table.needsYear) throw ExportProblem.of('BAD_USER_INPUT', 'This export needs `year`, e.g. year=2026.', 'year');
    return { region, year: null, interval };
  }
  if (!/^\d{4}$/.test(rawYear.trim())) {
    throw ExportProblem.of('BAD_USER_INPUT', `${JSON.stringify(rawYear)} is not a calendar year, e.g. 2026.`, 'year');
  }
  return { region, year: Number(rawYear.trim()), interval };
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

type ExcelJS = typeof ExcelJSModule;
let excel: Promise<ExcelJS> | undefined;
/** exceljs takes longer to load than the rest of the gateway's exports: it loads with the first XLSX asked for. */
const loadExcel = (): Promise<ExcelJS> => (excel ??= import('exceljs').then((m) => m.default));

function xlsxSink(res: ServerResponse, table: Table, ExcelJS: ExcelJS): Sink {
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
      const known = Object.keys(tables)
        .map((t) => `${t}.csv|.xlsx`)
        .join(', ');
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
    const xlsx = format === 'xlsx' ? await loadExcel() : null;
    const monthly = params.interval === 'MONTH' ? '-monthly' : '';
    const suffix = `${params.region}${params.year ? `-${params.year}` : ''}${monthly}`;
    const name = `${table.title}-${suffix}.${format}`;
    const ascii = `${match[1]}-${suffix}.${format}`;
    res.writeHead(200, {
      'content-type':
        format === 'csv'
          ? 'text/csv; charset=utf-8'
          : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'content-disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`,
      'cache-control': 'no-store',
    });
    const sink = xlsx ? xlsxSink(res, table, xlsx) : csvSink(res, table.columns);
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
