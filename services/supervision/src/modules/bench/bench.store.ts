import type { EntityManager } from '@mikro-orm/postgresql';
import { sqlTable } from '@renda/db/tables';
import { mapTable, type CopyStep } from '@renda/server-kit/bench-copies';
import { FiledDocumentSchema } from '../filings/filing.entity.ts';
import { GovernmentUnitSchema } from '../units/unit.entity.ts';

/**
 * The copies of the benchmark's filings template (`bench-data.ts`) into every region of `regions`
 * (`createProvinceRegions`) whose template region has units: each such region gets the template's units, and
 * each unit `perYear[digits of its region code]` filings a year, its template unit's filings of that year dealt
 * round (the n-th copy is of template filing n modulo their number, in the order they were published). A copy's
 * document number gets the copy's number appended: one live filing per issuer and number.
 */
export function filingCopySteps(
  em: EntityManager,
  regions: string,
  templatePrefix: string,
  perYear: { county: number; city: number; province: number },
): CopyStep[] {
  const units = sqlTable(em, GovernmentUnitSchema);
  const filings = sqlTable(em, FiledDocumentSchema);
  const template = (table: string) =>
    `select id as old from ${table} where region_code like '${templatePrefix.replace(/\D/g, '')}%'`;
  const wanted = `case length(u.region) when 6 then ${perYear.county} when 4 then ${perYear.city}
    when 2 then ${perYear.province} else 0 end`;
  return [
    {
      table: units,
      map: 'units',
      roots: `select t.id as old, r.n as copy, r.code as region, gen_random_uuid() as new
        from ${units} t join (select code, template, row_number() over (order by code) as n from ${regions}) r
        on r.template = t.region_code`,
      template: template(units),
      region: ['region_code'],
      refs: { parent_id: { map: 'units', by: 'region' } },
    },
    {
      table: filings,
      map: 'filings',
      roots: `select f.id as old, u.copy * 10000 + j as copy, u.region, gen_random_uuid() as new
        from (select id, issuer_id,
            row_number() over (partition by issuer_id, extract(year from published_on) order by published_on, id) - 1 as i,
            count(*) over (partition by issuer_id, extract(year from published_on)) as n
          from ${filings}) f
        join ${mapTable('units')} u on u.old = f.issuer_id
        cross join lateral generate_series(0, (${wanted} - 1) / f.n) j
        where j * f.n + f.i < ${wanted}`,
      template: template(filings),
      region: ['region_code'],
      refs: { issuer_id: { map: 'units', by: 'region' } },
      set: { document_number: `t.document_number || '-' || m.copy` },
    },
  ];
}

/** The filings table, counted and vacuumed after the copies. */
export const filingsTable = (em: EntityManager) => sqlTable(em, FiledDocumentSchema);
