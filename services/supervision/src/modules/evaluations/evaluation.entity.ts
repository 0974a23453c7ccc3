import { defineEntity, type InferEntity, p } from '@mikro-orm/postgresql';
import { regionPrefixIndex } from '../common/refs.ts';
import { unitKey } from '../units/unit.entity.ts';

/** 专项工作评议 of one unit (G-4). */
export const WorkEvaluationSchema = defineEntity({
  name: 'WorkEvaluation',
  tableName: 'work_evaluations',
  indexes: [regionPrefixIndex('work_evaluations', '"year"')],
  properties: {
    id: p.uuid().primary(),
    unitId: () => unitKey().index(),
    regionCode: p.string().length(9),
    year: p.integer(),
    subject: p.string().length(300),
    satisfied: p.integer().nullable(),
    basicallySatisfied: p.integer().nullable(),
    dissatisfied: p.integer().nullable(),
  },
});
export type WorkEvaluation = InferEntity<typeof WorkEvaluationSchema>;
