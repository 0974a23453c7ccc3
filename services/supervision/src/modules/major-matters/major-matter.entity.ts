import { EntitySchema } from '@mikro-orm/postgresql';
import { regionPrefixIndex } from '../common/refs.ts';

export type MajorMatterStatus = 'PLANNED' | 'REPORTED' | 'DECIDED';

/** 重大事项清单 entry (G-1). */
export interface MajorMatter {
  id: string;
  title: string;
  unitId: string;
  regionCode: string;
  year: number;
  status: MajorMatterStatus;
  reportedOn: string | null;
  decidedOn: string | null;
}

export const MajorMatterSchema = new EntitySchema<MajorMatter>({
  name: 'MajorMatter',
  tableName: 'major_matters',
  indexes: [regionPrefixIndex('major_matters', '"year"')],
  properties: {
    id: { type: 'uuid', primary: true },
    title: { type: 'string', length: 300 },
    unitId: { type: 'uuid', index: true },
    regionCode: { type: 'string', length: 9 },
    year: { type: 'integer' },
    status: { type: 'string', length: 10 },
    reportedOn: { type: 'date', nullable: true },
    decidedOn: { type: 'date', nullable: true },
  },
});
