import { DeferMode } from '@mikro-orm/core';
import { defineEntity, type InferEntity, p } from '@mikro-orm/postgresql';
import { PersonSchema } from '../persons/person.entity.ts';
import { CongressSchema } from '../regions/region.entity.ts';

export const genders = ['MALE', 'FEMALE'] as const;
export type Gender = (typeof genders)[number];
export const deputyStatuses = ['ACTIVE', 'TERMINATED', 'RESIGNED', 'RECALLED', 'DECEASED'] as const;
export type DeputyStatus = (typeof deputyStatuses)[number];

export const DeputySchema = defineEntity({
  name: 'Deputy',
  tableName: 'deputies',
  indexes: [
    {
      name: 'deputies_region_code_prefix',
      expression:
        'create index "deputies_region_code_prefix" on "deputies"."deputies" ("region_code" varchar_pattern_ops)',
    },
    // The change feed's window (Migration20261130143001).
    { properties: ['updatedAt', 'id'] },
  ],
  uniques: [{ name: 'deputies_person_congress_unique', properties: ['personId', 'congressId'] }],
  checks: [
    {
      name: 'deputies_mandate_dates_check',
      expression: '"mandate_ends_on" is null or "mandate_ends_on" >= "mandate_starts_on"',
    },
  ],
  properties: {
    id: p.uuid().primary(),
    /** D-12: the person holding this mandate. */
    personId: () =>
      p
        .manyToOne(PersonSchema)
        .mapToPk()
        .fieldName('person_id')
        .index()
        .updateRule('no action')
        .deleteRule('no action')
        .deferMode(DeferMode.INITIALLY_DEFERRED),
    /** D-13: a leading cadre (领导干部), who takes part in at least one inspection, research or voter reception a year. */
    leadingCadre: p.boolean().default(false),
    congressId: () =>
      p
        .manyToOne(CongressSchema)
        .mapToPk()
        .fieldName('congress_id')
        .index()
        .updateRule('no action')
        .deleteRule('no action')
        .deferMode(DeferMode.INITIALLY_DEFERRED),
    regionCode: p.string().length(9),
    name: p.string().length(100),
    gender: p.enum([...genders]).columnType('varchar(6)'),
    ethnicity: p.string().length(20).nullable(),
    workUnit: p.string().length(200),
    position: p.string().length(200),
    phone: p.string().length(40).nullable(),
    constituency: p.string().length(200),
    groupId: () =>
      p
        .manyToOne(DeputyGroupSchema)
        .mapToPk()
        .fieldName('group_id')
        .nullable()
        .index()
        .updateRule('no action')
        .deleteRule('no action')
        .deferMode(DeferMode.INITIALLY_DEFERRED),
    stationId: () =>
      p
        .manyToOne(LiaisonStationSchema)
        .mapToPk()
        .fieldName('station_id')
        .nullable()
        .index()
        .updateRule('no action')
        .deleteRule('no action')
        .deferMode(DeferMode.INITIALLY_DEFERRED),
    status: p
      .enum([...deputyStatuses])
      .columnType('varchar(12)')
      .default('ACTIVE'),
    statusReason: p.text().nullable(),
    /** F-1: first day of the mandate (the congress's first day unless elected later). */
    mandateStartsOn: p.date(),
    /** F-1: last day of the mandate when it ended early; null while ACTIVE (the term's end bounds it). */
    mandateEndsOn: p.date().nullable(),
    /** 更正 the optimistic version of the record: a correction names the version it was made on (issue 9). */
    version: p.integer().default(1),
    /** Kept by the trigger `deputies_feed_touch` on every write (the change feed); never set by the code. */
    updatedAt: p.datetime().defaultRaw('clock_timestamp()').lazy(true, false),
  },
});
export type Deputy = InferEntity<typeof DeputySchema>;

export const DeputyGroupSchema = defineEntity({
  name: 'DeputyGroup',
  tableName: 'deputy_groups',
  properties: {
    id: p.uuid().primary(),
    regionCode: p.string().length(9).index(),
    name: p.string().length(200),
  },
});
export type DeputyGroup = InferEntity<typeof DeputyGroupSchema>;

export const LiaisonStationSchema = defineEntity({
  name: 'LiaisonStation',
  tableName: 'liaison_stations',
  checks: [
    {
      name: 'liaison_stations_dates_check',
      expression: '"closed_on" is null or "established_on" is null or "closed_on" >= "established_on"',
    },
  ],
  properties: {
    id: p.uuid().primary(),
    regionCode: p.string().length(9).index(),
    name: p.string().length(200),
    address: p.string().length(300),
    premises: p.boolean().default(false),
    rules: p.boolean().default(false),
    plan: p.boolean().default(false),
    activities: p.boolean().default(false),
    records: p.boolean().default(false),
    results: p.boolean().default(false),
    /** 成立 the day it was established; null for stations registered before this was kept. */
    establishedOn: p.date().nullable(),
    /** 撤销 the day it closed; null while open. */
    closedOn: p.date().nullable(),
  },
});
export type LiaisonStation = InferEntity<typeof LiaisonStationSchema>;
