import { EntitySchema } from '@mikro-orm/postgresql';
import { regionPrefixIndex } from '../common/refs.ts';

export type ResolutionKind = 'RESOLUTION' | 'DECISION';

/**
 * 决议、决定 of the congress or its standing committee (G-1), tracked until carried out: its tasks are
 * opinion items (source RESOLUTION) with a unit and a due date, reported and closed one by one.
 */
export interface Resolution {
  id: string;
  regionCode: string;
  kind: ResolutionKind;
  title: string;
  adoptedOn: string;
}

export const ResolutionSchema = new EntitySchema<Resolution>({
  name: 'Resolution',
  tableName: 'resolutions',
  indexes: [regionPrefixIndex('resolutions', '"adopted_on"')],
  properties: {
    id: { type: 'uuid', primary: true },
    regionCode: { type: 'string', length: 9 },
    kind: { type: 'string', length: 10 },
    title: { type: 'text' },
    adoptedOn: { type: 'date' },
  },
});
