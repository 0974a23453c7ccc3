import { EntitySchema } from '@mikro-orm/postgresql';

export type RegionLevel = 'PROVINCE' | 'CITY' | 'COUNTY' | 'TOWNSHIP';

export interface Region {
  code: string;
  name: string;
  level: RegionLevel;
  parentCode: string | null;
}

export const RegionSchema = new EntitySchema<Region>({
  name: 'Region',
  tableName: 'regions',
  properties: {
    code: { type: 'string', length: 9, primary: true },
    name: { type: 'string', length: 100 },
    level: { type: 'string', length: 10 },
    parentCode: { type: 'string', length: 9, nullable: true, index: true },
  },
});

export interface Congress {
  id: string;
  regionCode: string;
  level: RegionLevel;
  termNumber: number;
  name: string;
  startsOn: string;
  endsOn: string | null;
}

export const CongressSchema = new EntitySchema<Congress>({
  name: 'Congress',
  tableName: 'congresses',
  uniques: [{ properties: ['regionCode', 'termNumber'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    regionCode: { type: 'string', length: 9, index: true },
    level: { type: 'string', length: 10 },
    termNumber: { type: 'integer' },
    name: { type: 'string', length: 200 },
    startsOn: { type: 'date' },
    endsOn: { type: 'date', nullable: true },
  },
});

export interface CongressSession {
  id: string;
  congressId: string;
  regionCode: string;
  number: number;
  opensOn: string;
  closesOn: string;
}

export const CongressSessionSchema = new EntitySchema<CongressSession>({
  name: 'CongressSession',
  tableName: 'congress_sessions',
  uniques: [{ properties: ['congressId', 'number'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    congressId: { type: 'uuid', index: true },
    regionCode: { type: 'string', length: 9 },
    number: { type: 'integer' },
    opensOn: { type: 'date' },
    closesOn: { type: 'date' },
  },
});
