import { EntitySchema } from '@mikro-orm/postgresql';
import { regionPrefixIndex } from '../common/refs.ts';

export type UnitKind =
  'GOVERNMENT' | 'GOVERNMENT_DEPARTMENT' | 'SUPERVISORY_COMMISSION' | 'COURT' | 'PROCURATORATE' | 'OTHER';
export type OfficialStatus = 'APPOINTED' | 'IN_OFFICE' | 'REMOVED';

/** 一府一委两院 and other handling units. */
export interface GovernmentUnit {
  id: string;
  regionCode: string;
  name: string;
  kind: UnitKind;
  parentId: string | null;
}

export const GovernmentUnitSchema = new EntitySchema<GovernmentUnit>({
  name: 'GovernmentUnit',
  tableName: 'government_units',
  indexes: [regionPrefixIndex('government_units')],
  uniques: [{ properties: ['regionCode', 'name'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    regionCode: { type: 'string', length: 9 },
    name: { type: 'string', length: 200 },
    kind: { type: 'string', length: 24 },
    parentId: { type: 'uuid', nullable: true, index: true },
  },
});

/** 人大任命干部: created by an approved APPOINT motion (G-6). */
export interface Official {
  id: string;
  unitId: string;
  regionCode: string;
  name: string;
  position: string;
  status: OfficialStatus;
  appointedOn: string | null;
  swornInOn: string | null;
  removedOn: string | null;
}

export const OfficialSchema = new EntitySchema<Official>({
  name: 'Official',
  tableName: 'officials',
  indexes: [regionPrefixIndex('officials')],
  properties: {
    id: { type: 'uuid', primary: true },
    unitId: { type: 'uuid', index: true },
    regionCode: { type: 'string', length: 9 },
    name: { type: 'string', length: 100 },
    position: { type: 'string', length: 200 },
    status: { type: 'string', length: 10 },
    appointedOn: { type: 'date', nullable: true },
    swornInOn: { type: 'date', nullable: true },
    removedOn: { type: 'date', nullable: true },
  },
});

/** 任后监督: an official's yearly duty report and its satisfaction vote (G-6). */
export interface PerformanceReview {
  officialId: string;
  year: number;
  regionCode: string;
  reportSummary: string;
  satisfied: number;
  basicallySatisfied: number;
  dissatisfied: number;
}

export const PerformanceReviewSchema = new EntitySchema<PerformanceReview>({
  name: 'PerformanceReview',
  tableName: 'performance_reviews',
  properties: {
    officialId: { type: 'uuid', primary: true },
    year: { type: 'integer', primary: true },
    regionCode: { type: 'string', length: 9 },
    reportSummary: { type: 'text' },
    satisfied: { type: 'integer' },
    basicallySatisfied: { type: 'integer' },
    dissatisfied: { type: 'integer' },
  },
});
