import { EntitySchema } from '@mikro-orm/postgresql';

export type Gender = 'MALE' | 'FEMALE';
export type DeputyStatus = 'ACTIVE' | 'TERMINATED' | 'RESIGNED' | 'RECALLED' | 'DECEASED';

export interface Deputy {
  id: string;
  /** D-12: the person holding this mandate. */
  personId: string;
  /** D-13: a leading cadre (领导干部), who takes part in at least one inspection, research or voter reception a year. */
  leadingCadre: boolean;
  congressId: string;
  regionCode: string;
  name: string;
  gender: Gender;
  ethnicity: string | null;
  workUnit: string;
  position: string;
  phone: string | null;
  constituency: string;
  groupId: string | null;
  stationId: string | null;
  status: DeputyStatus;
  statusReason: string | null;
  /** F-1: first day of the mandate (the congress's first day unless elected later). */
  mandateStartsOn: string;
  /** F-1: last day of the mandate when it ended early; null while ACTIVE (the term's end bounds it). */
  mandateEndsOn: string | null;
}

export const DeputySchema = new EntitySchema<Deputy>({
  name: 'Deputy',
  tableName: 'deputies',
  indexes: [
    {
      name: 'deputies_region_code_prefix',
      expression:
        'create index "deputies_region_code_prefix" on "deputies"."deputies" ("region_code" varchar_pattern_ops)',
    },
  ],
  properties: {
    id: { type: 'uuid', primary: true },
    personId: { type: 'uuid', index: true },
    leadingCadre: { type: 'boolean', default: false },
    congressId: { type: 'uuid', index: true },
    regionCode: { type: 'string', length: 9 },
    name: { type: 'string', length: 100 },
    gender: { type: 'string', length: 6 },
    ethnicity: { type: 'string', length: 20, nullable: true },
    workUnit: { type: 'string', length: 200 },
    position: { type: 'string', length: 200 },
    phone: { type: 'string', length: 40, nullable: true },
    constituency: { type: 'string', length: 200 },
    groupId: { type: 'uuid', nullable: true, index: true },
    stationId: { type: 'uuid', nullable: true, index: true },
    status: { type: 'string', length: 12, default: 'ACTIVE' },
    statusReason: { type: 'text', nullable: true },
    mandateStartsOn: { type: 'date' },
    mandateEndsOn: { type: 'date', nullable: true },
  },
});

export interface DeputyGroup {
  id: string;
  regionCode: string;
  name: string;
}

export const DeputyGroupSchema = new EntitySchema<DeputyGroup>({
  name: 'DeputyGroup',
  tableName: 'deputy_groups',
  properties: {
    id: { type: 'uuid', primary: true },
    regionCode: { type: 'string', length: 9, index: true },
    name: { type: 'string', length: 200 },
  },
});

export interface LiaisonStation {
  id: string;
  regionCode: string;
  name: string;
  address: string;
  premises: boolean;
  rules: boolean;
  plan: boolean;
  activities: boolean;
  records: boolean;
  results: boolean;
  /** 成立 the day it was established; null for stations registered before this was kept. */
  establishedOn: string | null;
  /** 撤销 the day it closed; null while open. */
  closedOn: string | null;
}

export const LiaisonStationSchema = new EntitySchema<LiaisonStation>({
  name: 'LiaisonStation',
  tableName: 'liaison_stations',
  properties: {
    id: { type: 'uuid', primary: true },
    regionCode: { type: 'string', length: 9, index: true },
    name: { type: 'string', length: 200 },
    address: { type: 'string', length: 300 },
    premises: { type: 'boolean', default: false },
    rules: { type: 'boolean', default: false },
    plan: { type: 'boolean', default: false },
    activities: { type: 'boolean', default: false },
    records: { type: 'boolean', default: false },
    results: { type: 'boolean', default: false },
    establishedOn: { type: 'date', nullable: true },
    closedOn: { type: 'date', nullable: true },
  },
});
