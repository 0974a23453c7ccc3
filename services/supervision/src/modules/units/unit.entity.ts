import { DeferMode } from '@mikro-orm/core';
import { defineEntity, type InferEntity, p } from '@mikro-orm/postgresql';
import { regionPrefixIndex } from '../common/refs.ts';

export const unitKinds = [
  'GOVERNMENT',
  'GOVERNMENT_DEPARTMENT',
  'SUPERVISORY_COMMISSION',
  'COURT',
  'PROCURATORATE',
  'OTHER',
] as const;
export type UnitKind = (typeof unitKinds)[number];
export const officialStatuses = ['APPOINTED', 'IN_OFFICE', 'REMOVED'] as const;

/** 一府一委两院 and other handling units. */
export const GovernmentUnitSchema = defineEntity({
  name: 'GovernmentUnit',
  tableName: 'government_units',
  indexes: [regionPrefixIndex('government_units')],
  uniques: [{ properties: ['regionCode', 'name'] }],
  properties: {
    id: p.uuid().primary(),
    regionCode: p.string().length(9),
    name: p.string().length(200),
    kind: p.enum([...unitKinds]).columnType('varchar(24)'),
    parentId: () =>
      p
        .manyToOne(GovernmentUnitSchema)
        .mapToPk()
        .fieldName('parent_id')
        .nullable()
        .index()
        .updateRule('no action')
        .deleteRule('no action')
        .deferMode(DeferMode.INITIALLY_DEFERRED),
  },
});
export type GovernmentUnit = InferEntity<typeof GovernmentUnitSchema>;

/** A unit's id on a row of this service, as a foreign key to `government_units`, checked at commit. */
export const unitKey = (column = 'unit_id') =>
  p
    .manyToOne(GovernmentUnitSchema)
    .mapToPk()
    .fieldName(column)
    .updateRule('no action')
    .deleteRule('no action')
    .deferMode(DeferMode.INITIALLY_DEFERRED);

/** 人大任命干部: created by an approved APPOINT motion (G-6). */
export const OfficialSchema = defineEntity({
  name: 'Official',
  tableName: 'officials',
  indexes: [regionPrefixIndex('officials')],
  properties: {
    id: p.uuid().primary(),
    unitId: () => unitKey().index(),
    regionCode: p.string().length(9),
    name: p.string().length(100),
    position: p.string().length(200),
    status: p.enum([...officialStatuses]).columnType('varchar(10)'),
    appointedOn: p.date().nullable(),
    swornInOn: p.date().nullable(),
    removedOn: p.date().nullable(),
  },
});
export type Official = InferEntity<typeof OfficialSchema>;

/** An official's id on a row of this service, as a foreign key to `officials`, checked at commit. */
export const officialKey = () =>
  p
    .manyToOne(OfficialSchema)
    .mapToPk()
    .fieldName('official_id')
    .updateRule('no action')
    .deleteRule('no action')
    .deferMode(DeferMode.INITIALLY_DEFERRED);

/** 任后监督: an official's yearly duty report and its satisfaction vote (G-6). */
export const PerformanceReviewSchema = defineEntity({
  name: 'PerformanceReview',
  tableName: 'performance_reviews',
  properties: {
    officialId: () => officialKey().primary(),
    year: p.integer().primary(),
    regionCode: p.string().length(9),
    reportSummary: p.text(),
    satisfied: p.integer(),
    basicallySatisfied: p.integer(),
    dissatisfied: p.integer(),
  },
});
export type PerformanceReview = InferEntity<typeof PerformanceReviewSchema>;
