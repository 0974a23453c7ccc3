import { defineEntity, type InferEntity, p } from '@mikro-orm/postgresql';
import { regionPrefixIndex } from '../common/refs.ts';
import { unitKey } from '../units/unit.entity.ts';

export const reportKinds = [
  'WORK_REPORT',
  'SPECIAL_REPORT',
  'LAW_IMPLEMENTATION',
  'BUDGET_EXECUTION',
  'AUDIT_RECTIFICATION',
  'STATE_ASSETS',
  'GOVERNMENT_DEBT',
] as const;
export type ReportKind = (typeof reportKinds)[number];

/** A report heard by the standing committee (G-1). */
export const ReportSchema = defineEntity({
  name: 'Report',
  tableName: 'reports',
  indexes: [regionPrefixIndex('reports', '"heard_on"')],
  properties: {
    id: p.uuid().primary(),
    kind: p.enum([...reportKinds]).columnType('varchar(24)'),
    title: p.string().length(300),
    unitId: () => unitKey().index(),
    regionCode: p.string().length(9),
    heardOn: p.date(),
    satisfied: p.integer().nullable(),
    basicallySatisfied: p.integer().nullable(),
    dissatisfied: p.integer().nullable(),
    /** Optimistic version of the record (corrections, issue 9). */
    version: p.integer().default(1),
  },
});
export type Report = InferEntity<typeof ReportSchema>;
