import { defineEntity, type InferEntity, p } from '@mikro-orm/postgresql';
import { regionPrefixIndex } from '../common/refs.ts';
import { unitKey } from '../units/unit.entity.ts';

export const majorMatterStatuses = ['PLANNED', 'REPORTED', 'DECIDED'] as const;
export type MajorMatterStatus = (typeof majorMatterStatuses)[number];

/** 重大事项清单 entry (G-1). */
export const MajorMatterSchema = defineEntity({
  name: 'MajorMatter',
  tableName: 'major_matters',
  indexes: [regionPrefixIndex('major_matters', '"year"')],
  properties: {
    id: p.uuid().primary(),
    title: p.string().length(300),
    unitId: () => unitKey().index(),
    regionCode: p.string().length(9),
    year: p.integer(),
    status: p.enum([...majorMatterStatuses]).columnType('varchar(10)'),
    reportedOn: p.date().nullable(),
    decidedOn: p.date().nullable(),
    /** G-1: whether it was reported before it was decided, stored at the decision; null until decided. */
    reportedBeforeDecision: p.boolean().nullable(),
  },
});
export type MajorMatter = InferEntity<typeof MajorMatterSchema>;
