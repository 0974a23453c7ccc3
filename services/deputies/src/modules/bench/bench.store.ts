import type { EntityManager } from '@mikro-orm/postgresql';
import { sqlSchema, sqlTable } from '@renda/db/tables';
import { mapTable, type CopyStep } from '@renda/server-kit/bench-copies';
import type { RegionLevel } from '@renda/server-kit/validate';
import { DeputyGroupSchema, DeputySchema, LiaisonStationSchema } from '../deputies/deputy.entity.ts';
import { CommitteeAssignmentSchema, CommitteeMemberSchema, ContactRecordSchema } from '../liaison/liaison.entity.ts';
import { PersonSchema } from '../persons/person.entity.ts';
import { CongressSchema, CongressSessionSchema, RegionSchema } from '../regions/region.entity.ts';
import { DeputyRollupPartSchema, DeputyRollupSchema } from '../stats/rollup.entity.ts';

/**
 * The copies of the benchmark's deputies template (`bench-data.ts`) into every region of `regions`
 * (`createProvinceRegions`): each region gets its template region's row, groups, stations, congresses with
 * their sessions and committee members; each congress `perCongress[level]` deputies, the template's deputies
 * dealt round (the n-th copy is of template deputy n modulo their number, in the order of their constituency),
 * each with a person of their own, their contacts and committee assignments.
 */
export function deputyCopySteps(
  em: EntityManager,
  regions: string,
  templatePrefix: string,
  perCongress: Record<RegionLevel, number>,
): CopyStep[] {
  /** The template's rows of a table with a region code. */
  const template = (table: string, column = 'region_code', key = 'id') =>
    `select ${key} as old from ${table} where ${column} like '${templatePrefix.replace(/\D/g, '')}%'`;
  /** One copy of a template row of the region `column` names, per region of its level. */
  const perRegion = (table: string, column = 'region_code') =>
    `select t.id as old, r.n as copy, r.code as region, gen_random_uuid() as new
       from ${table} t join (select code, template, row_number() over (order by code) as n from ${regions}) r
       on r.template = t.${column}`;
  const deputies = sqlTable(em, DeputySchema);
  const wanted = `case length(c.region) when 9 then ${perCongress.TOWNSHIP} when 6 then ${perCongress.COUNTY}
    when 4 then ${perCongress.CITY} else ${perCongress.PROVINCE} end`;
  return [
    {
      table: sqlTable(em, RegionSchema),
      map: 'regions',
      key: 'code',
      roots: `select r.template as old, row_number() over (order by r.code) as copy, r.code as region, r.code as new
        from ${regions} r`,
      template: template(sqlTable(em, RegionSchema), 'code', 'code'),
      set: { name: `'区划' || m.region`, parent_code: `(select parent from ${regions} p where p.code = m.region)` },
    },
    {
      table: sqlTable(em, DeputyGroupSchema),
      map: 'groups',
      roots: perRegion(sqlTable(em, DeputyGroupSchema)),
      template: template(sqlTable(em, DeputyGroupSchema)),
      region: ['region_code'],
    },
    {
      table: sqlTable(em, LiaisonStationSchema),
      map: 'stations',
      roots: perRegion(sqlTable(em, LiaisonStationSchema)),
      template: template(sqlTable(em, LiaisonStationSchema)),
      region: ['region_code'],
    },
    {
      table: sqlTable(em, CongressSchema),
      map: 'congresses',
      roots: perRegion(sqlTable(em, CongressSchema)),
      template: template(sqlTable(em, CongressSchema)),
      region: ['region_code'],
      set: { name: `m.region || '第' || t.term_number || '届人民代表大会'` },
    },
    {
      table: sqlTable(em, CongressSessionSchema),
      map: 'sessions',
      follows: { column: 'congress_id', map: 'congresses' },
      region: ['region_code'],
    },
    {
      table: sqlTable(em, CommitteeMemberSchema),
      map: 'members',
      follows: { column: 'congress_id', map: 'congresses' },
      region: ['region_code'],
    },
    {
      table: deputies,
      map: 'deputies',
      // Copy j of template deputy i (of n in its congress) is the congress copy's deputy j * n + i.
      roots: `select d.id as old, c.copy * 10000 + j as copy, c.region, gen_random_uuid() as new
        from (select id, congress_id, row_number() over (partition by congress_id order by constituency, id) - 1 as i,
            count(*) over (partition by congress_id) as n from ${deputies}) d
        join ${mapTable('congresses')} c on c.old = d.congress_id
        cross join lateral generate_series(0, (${wanted} - 1) / d.n) j
        where j * d.n + d.i < ${wanted}`,
      template: template(deputies),
      region: ['region_code'],
      refs: {
        congress_id: { map: 'congresses', by: 'region' },
        group_id: { map: 'groups', by: 'region' },
        station_id: { map: 'stations', by: 'region' },
        person_id: { map: 'persons' },
      },
    },
    {
      table: sqlTable(em, PersonSchema),
      map: 'persons',
      // D-12 aside (the template's persons hold one mandate each), each deputy's copy is a person of their own.
      roots: `select d.person_id as old, m.copy, m.region, gen_random_uuid() as new
        from ${deputies} d join ${mapTable('deputies')} m on m.old = d.id`,
      template: template(deputies).replace('select id as', 'select person_id as'),
    },
    {
      table: sqlTable(em, CommitteeAssignmentSchema),
      follows: { column: 'deputy_id', map: 'deputies' },
      refs: { member_id: { map: 'members', by: 'region' } },
    },
    {
      table: sqlTable(em, ContactRecordSchema),
      map: 'contacts',
      follows: { column: 'deputy_id', map: 'deputies' },
      region: ['region_code'],
      refs: {
        group_id: { map: 'groups', by: 'region' },
        station_id: { map: 'stations', by: 'region' },
        committee_member_id: { map: 'members', by: 'region' },
      },
    },
    {
      // The key registry of the year-partitioned contacts (Migration20261130145010; no entity): kept by a
      // trigger, which the copies run without.
      table: `${sqlSchema(em)}."contact_record_keys"`,
      follows: { column: 'id', map: 'contacts' },
    },
  ];
}

/** The tables the benchmark counts and vacuums after the copies. */
export const benchTables = (em: EntityManager) => ({
  regions: sqlTable(em, RegionSchema),
  deputies: sqlTable(em, DeputySchema),
  contacts: sqlTable(em, ContactRecordSchema),
  congresses: sqlTable(em, CongressSchema),
  rollups: sqlTable(em, DeputyRollupSchema),
  rollupParts: sqlTable(em, DeputyRollupPartSchema),
});
