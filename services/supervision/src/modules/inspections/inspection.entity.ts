import { DeferMode } from '@mikro-orm/core';
import { defineEntity, type InferEntity, p } from '@mikro-orm/postgresql';
import { regionPrefixIndex } from '../common/refs.ts';

/** 执法检查 (G-4). */
export const LawInspectionSchema = defineEntity({
  name: 'LawInspection',
  tableName: 'law_inspections',
  indexes: [regionPrefixIndex('law_inspections', '"starts_on"')],
  properties: {
    id: p.uuid().primary(),
    lawName: p.string().length(200),
    regionCode: p.string().length(9),
    startsOn: p.date(),
    endsOn: p.date().nullable(),
    findings: p.text().nullable(),
  },
});
export type LawInspection = InferEntity<typeof LawInspectionSchema>;

const inspectionKey = () =>
  p
    .manyToOne(LawInspectionSchema)
    .mapToPk()
    .fieldName('inspection_id')
    .updateRule('no action')
    .deleteRule('no action')
    .deferMode(DeferMode.INITIALLY_DEFERRED)
    .primary();

/** A deputy invited to an inspection (a deputy's id is the deputies service's: no key). */
export const InspectionDeputySchema = defineEntity({
  name: 'InspectionDeputy',
  tableName: 'inspection_deputies',
  properties: {
    inspectionId: () => inspectionKey(),
    deputyId: p.uuid().primary().index(),
  },
});

/** A standing-committee member on an inspection (the deputies service's id: no key). */
export const InspectionMemberSchema = defineEntity({
  name: 'InspectionMember',
  tableName: 'inspection_members',
  properties: {
    inspectionId: () => inspectionKey(),
    memberId: p.uuid().primary().index(),
  },
});
