import { EntitySchema } from '@mikro-orm/postgresql';
import { regionPrefixIndex } from '../common/refs.ts';

/** 专项工作评议 of one unit (G-4). */
export interface WorkEvaluation {
  id: string;
  unitId: string;
  regionCode: string;
  year: number;
  subject: string;
  satisfied: number | null;
  basicallySatisfied: number | null;
  dissatisfied: number | null;
}

export const WorkEvaluationSchema = new EntitySchema<WorkEvaluation>({
  name: 'WorkEvaluation',
  tableName: 'work_evaluations',
  indexes: [regionPrefixIndex('work_evaluations', '"year"')],
  properties: {
    id: { type: 'uuid', primary: true },
    unitId: { type: 'uuid', index: true },
    regionCode: { type: 'string', length: 9 },
    year: { type: 'integer' },
    subject: { type: 'string', length: 300 },
    satisfied: { type: 'integer', nullable: true },
    basicallySatisfied: { type: 'integer', nullable: true },
    dissatisfied: { type: 'integer', nullable: true },
  },
});
