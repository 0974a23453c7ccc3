import { EntitySchema } from '@mikro-orm/postgresql';
import { regionPrefixIndex } from '../common/refs.ts';

/** 执法检查 (G-4). */
export interface LawInspection {
  id: string;
  lawName: string;
  regionCode: string;
  startsOn: string;
  endsOn: string | null;
  findings: string | null;
}

export const LawInspectionSchema = new EntitySchema<LawInspection>({
  name: 'LawInspection',
  tableName: 'law_inspections',
  indexes: [regionPrefixIndex('law_inspections', '"starts_on"')],
  properties: {
    id: { type: 'uuid', primary: true },
    lawName: { type: 'string', length: 200 },
    regionCode: { type: 'string', length: 9 },
    startsOn: { type: 'date' },
    endsOn: { type: 'date', nullable: true },
    findings: { type: 'text', nullable: true },
  },
});

/** A deputy invited to an inspection. */
export interface InspectionDeputy {
  inspectionId: string;
  deputyId: string;
}

export const InspectionDeputySchema = new EntitySchema<InspectionDeputy>({
  name: 'InspectionDeputy',
  tableName: 'inspection_deputies',
  properties: {
    inspectionId: { type: 'uuid', primary: true },
    deputyId: { type: 'uuid', primary: true, index: true },
  },
});

/** A standing-committee member on an inspection. */
export interface InspectionMember {
  inspectionId: string;
  memberId: string;
}

export const InspectionMemberSchema = new EntitySchema<InspectionMember>({
  name: 'InspectionMember',
  tableName: 'inspection_members',
  properties: {
    inspectionId: { type: 'uuid', primary: true },
    memberId: { type: 'uuid', primary: true, index: true },
  },
});
