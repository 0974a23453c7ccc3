import { DeferMode } from '@mikro-orm/core';
import { defineEntity, type InferEntity, p } from '@mikro-orm/postgresql';

export const regionLevels = ['PROVINCE', 'CITY', 'COUNTY', 'TOWNSHIP'] as const;
export type RegionLevel = (typeof regionLevels)[number];

export const RegionSchema = defineEntity({
  name: 'Region',
  tableName: 'regions',
  properties: {
    code: p.string().length(9).primary(),
    name: p.string().length(100),
    level: p.enum([...regionLevels]).columnType('varchar(10)'),
    parentCode: () =>
      p
        .manyToOne(RegionSchema)
        .mapToPk()
        .fieldName('parent_code')
        .nullable()
        .index()
        .updateRule('no action')
        .deleteRule('no action')
        .deferMode(DeferMode.INITIALLY_DEFERRED),
  },
});
export type Region = InferEntity<typeof RegionSchema>;

export const CongressSchema = defineEntity({
  name: 'Congress',
  tableName: 'congresses',
  uniques: [{ properties: ['regionCode', 'termNumber'] }],
  properties: {
    id: p.uuid().primary(),
    regionCode: p.string().length(9).index(),
    level: p.enum([...regionLevels]).columnType('varchar(10)'),
    termNumber: p.integer(),
    name: p.string().length(200),
    startsOn: p.date(),
    endsOn: p.date().nullable(),
  },
});
export type Congress = InferEntity<typeof CongressSchema>;

export const CongressSessionSchema = defineEntity({
  name: 'CongressSession',
  tableName: 'congress_sessions',
  uniques: [{ properties: ['congressId', 'number'] }],
  properties: {
    id: p.uuid().primary(),
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
    number: p.integer(),
    opensOn: p.date(),
    closesOn: p.date(),
  },
});
export type CongressSession = InferEntity<typeof CongressSessionSchema>;
