import { EntitySchema } from '@mikro-orm/postgresql';
import { regionPrefixIndex } from '../common/refs.ts';

export type OpinionStatus = 'OPEN' | 'REPORTED' | 'CLOSED';

/** What produced an opinion item (G-3, G-4). */
/**
 * Where an item comes from; RESOLUTION: a task of a congress resolution or decision (G-1); ACTIVITY: an
 * opinion of a visit, research or special inquiry (G-7).
 */
export type OpinionSource = 'REPORT' | 'INSPECTION' | 'EVALUATION' | 'RESOLUTION' | 'ACTIVITY';

/** 审议意见清单 item (G-3): region code of the unit that owns it. */
export interface OpinionItem {
  id: string;
  sourceKind: OpinionSource;
  sourceId: string;
  unitId: string;
  regionCode: string;
  content: string;
  dueOn: string;
  status: OpinionStatus;
  reportedOn: string | null;
  closedOn: string | null;
}

export const OpinionItemSchema = new EntitySchema<OpinionItem>({
  name: 'OpinionItem',
  tableName: 'opinion_items',
  indexes: [{ properties: ['sourceId'] }, regionPrefixIndex('opinion_items', '"due_on"')],
  properties: {
    id: { type: 'uuid', primary: true },
    sourceKind: { type: 'string', length: 10 },
    sourceId: { type: 'uuid' },
    unitId: { type: 'uuid', index: true },
    regionCode: { type: 'string', length: 9 },
    content: { type: 'text' },
    dueOn: { type: 'date' },
    status: { type: 'string', length: 8 },
    reportedOn: { type: 'date', nullable: true },
    closedOn: { type: 'date', nullable: true },
  },
});
