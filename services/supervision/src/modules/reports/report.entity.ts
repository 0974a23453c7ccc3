import { EntitySchema } from '@mikro-orm/postgresql';
import { regionPrefixIndex } from '../common/refs.ts';

export type ReportKind =
  | 'WORK_REPORT'
  | 'SPECIAL_REPORT'
  | 'LAW_IMPLEMENTATION'
  | 'BUDGET_EXECUTION'
  | 'AUDIT_RECTIFICATION'
  | 'STATE_ASSETS'
  | 'GOVERNMENT_DEBT';

/** A report heard by the standing committee (G-1). */
export interface Report {
  id: string;
  kind: ReportKind;
  title: string;
  unitId: string;
  regionCode: string;
  heardOn: string;
  satisfied: number | null;
  basicallySatisfied: number | null;
  dissatisfied: number | null;
}

export const ReportSchema = new EntitySchema<Report>({
  name: 'Report',
  tableName: 'reports',
  indexes: [regionPrefixIndex('reports', '"heard_on"')],
  properties: {
    id: { type: 'uuid', primary: true },
    kind: { type: 'string', length: 24 },
    title: { type: 'string', length: 300 },
    unitId: { type: 'uuid', index: true },
    regionCode: { type: 'string', length: 9 },
    heardOn: { type: 'date' },
    satisfied: { type: 'integer', nullable: true },
    basicallySatisfied: { type: 'integer', nullable: true },
    dissatisfied: { type: 'integer', nullable: true },
  },
});
