import { defineEntity, type InferEntity, p } from '@mikro-orm/postgresql';
import { regionPrefixIndex } from '../common/refs.ts';
import { unitKey } from '../units/unit.entity.ts';

export const opinionStatuses = ['OPEN', 'REPORTED', 'CLOSED'] as const;
export type OpinionStatus = (typeof opinionStatuses)[number];
/**
 * What produced an opinion item (G-3, G-4); RESOLUTION: a task of a congress resolution or decision (G-1);
 * ACTIVITY: an opinion of a visit, research or special inquiry (G-7).
 */
export const opinionSources = ['REPORT', 'INSPECTION', 'EVALUATION', 'RESOLUTION', 'ACTIVITY'] as const;
export type OpinionSource = (typeof opinionSources)[number];

/**
 * 审议意见清单 item (G-3): region code of the unit that owns it. `source_id` names a report, inspection,
 * evaluation, resolution or activity by `source_kind`, so it has no foreign key.
 */
export const OpinionItemSchema = defineEntity({
  name: 'OpinionItem',
  tableName: 'opinion_items',
  indexes: [
    { properties: ['sourceId'] },
    regionPrefixIndex('opinion_items', '"due_on"'),
    { properties: ['updatedAt', 'id'] },
  ],
  properties: {
    id: p.uuid().primary(),
    sourceKind: p.enum([...opinionSources]).columnType('varchar(10)'),
    sourceId: p.uuid(),
    unitId: () => unitKey().index(),
    regionCode: p.string().length(9),
    content: p.text(),
    dueOn: p.date(),
    status: p.enum([...opinionStatuses]).columnType('varchar(8)'),
    reportedOn: p.date().nullable(),
    closedOn: p.date().nullable(),
    /** Optimistic version of the record (corrections, issue 9). */
    version: p.integer().default(1),
    /** 增量变更流: kept by the feed trigger (Migration20261130143003), never written here. */
    updatedAt: p.datetime().defaultRaw('clock_timestamp()'),
  },
});
export type OpinionItem = InferEntity<typeof OpinionItemSchema>;
