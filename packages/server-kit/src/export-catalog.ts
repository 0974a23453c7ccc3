/**
 * 开放数据 the gateway's export tables (`GET /export/<table>.csv|.xlsx`), as the graph lists them in
 * `exportLinks`. The gateway's `tables` (gateway/src/exports.ts) declare how each is read; a gateway test
 * holds the two to the same names and titles.
 */
export interface ExportCatalogEntry {
  table: string;
  /** 中文 title: the sheet's and the file's name. */
  title: string;
  /** Needs `year` (statistics of a year); the item registers take it optionally (all years without). */
  needsYear: boolean;
}

export const exportCatalog: readonly ExportCatalogEntry[] = [
  { table: 'deputies', title: '代表名册', needsYear: false },
  { table: 'contacts', title: '代表联系记录', needsYear: false },
  { table: 'suggestions', title: '建议办理情况', needsYear: false },
  { table: 'suggestion-steps', title: '建议办理过程', needsYear: false },
  { table: 'sheets', title: '督办三单', needsYear: false },
  { table: 'filings', title: '规范性文件备案', needsYear: false },
  { table: 'opinion-items', title: '审议意见清单', needsYear: false },
  { table: 'programs', title: '民生实事项目', needsYear: false },
  { table: 'program-results', title: '民生实事票决结果', needsYear: false },
  { table: 'deputy-stats', title: '代表履职统计', needsYear: true },
  { table: 'suggestion-stats', title: '建议办理统计（按区划）', needsYear: true },
  { table: 'supervision-stats', title: '监督工作统计（按区划）', needsYear: true },
  { table: 'voting-stats', title: '民生实事票决统计（按区划）', needsYear: true },
  { table: 'deputy-figures', title: '代表履职统计（按期间、层级）', needsYear: true },
  { table: 'suggestion-figures', title: '建议办理统计（按期间、层级）', needsYear: true },
  { table: 'supervision-figures', title: '监督工作统计（按期间、层级）', needsYear: true },
  { table: 'voting-figures', title: '民生实事票决统计（按期间、层级）', needsYear: true },
  { table: 'unit-ranking', title: '承办单位排名', needsYear: true },
  { table: 'satisfaction-by-kind', title: '办理满意度（按类别）', needsYear: true },
];
