import type { SqlEntityManager } from '@mikro-orm/postgresql';
import { sqlTable } from '@renda/db/tables';
import { FiledDocumentSchema } from '../filings/filing.entity.ts';
import { OpinionItemSchema } from '../opinions/opinion.entity.ts';
import { opinionOverdueParams, opinionOverdueSql } from '../opinions/overdue.ts';
import { ReportSchema } from '../reports/report.entity.ts';
import { GovernmentUnitSchema } from '../units/unit.entity.ts';

/** One unit's counts for `unitAssessments` (G-7). */
export interface AssessmentCounts {
  unit_id: string;
  filed: number;
  late: number;
  items: number;
  overdue: number;
  heard: number;
  rated: number;
  satisfied: number;
  basically_satisfied: number;
  dissatisfied: number;
}

/**
 * Every unit of the subtree `code` with its filings, opinion items (overdue on `date`) and reports of the days
 * `from`..`to`, worst first: one statement, tables named from the metadata.
 */
export async function assessmentRows(
  em: SqlEntityManager,
  code: string,
  from: string,
  to: string,
  date: string,
): Promise<AssessmentCounts[]> {
  const t = {
    units: sqlTable(em, GovernmentUnitSchema),
    filed: sqlTable(em, FiledDocumentSchema),
    items: sqlTable(em, OpinionItemSchema),
    reports: sqlTable(em, ReportSchema),
  };
  const { rows } = (await em.getKnex().raw(
    `select u.id as unit_id,
            coalesce(d.filed, 0)::int as filed, coalesce(d.late, 0)::int as late,
            coalesce(o.items, 0)::int as items, coalesce(o.overdue, 0)::int as overdue,
            coalesce(r.heard, 0)::int as heard, coalesce(r.rated, 0)::int as rated,
            coalesce(r.satisfied, 0)::int as satisfied, coalesce(r.basically_satisfied, 0)::int as basically_satisfied,
            coalesce(r.dissatisfied, 0)::int as dissatisfied
       from ${t.units} u
       left join (select issuer_id, count(*) as filed, count(*) filter (where filed_late) as late
                    from ${t.filed} where filed_on between ? and ? and withdrawn_at is null
                    group by issuer_id) d
              on d.issuer_id = u.id
       left join (select unit_id, count(*) as items,
                         count(*) filter (where ${opinionOverdueSql('oi', '?::date')}) as overdue
                    from ${t.items} oi where due_on between ? and ? group by unit_id) o
              on o.unit_id = u.id
       left join (select unit_id, count(*) as heard, count(*) filter (where satisfied is not null) as rated,
                         sum(satisfied) as satisfied, sum(basically_satisfied) as basically_satisfied,
                         sum(dissatisfied) as dissatisfied
                    from ${t.reports} where heard_on between ? and ? group by unit_id) r
              on r.unit_id = u.id
      where u.region_code like ?
      order by overdue desc, late desc, u.region_code, u.name, u.id`,
    [from, to, ...opinionOverdueParams(date), from, to, from, to, `${code}%`],
  )) as { rows: AssessmentCounts[] };
  return rows;
}
