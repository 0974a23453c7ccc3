import { requireReadIn } from '@renda/auth/guards';
import type { ServiceContext } from '@renda/server-kit/context';
import { today } from '@renda/server-kit/dates';
import { requireRegionCode, requireYear, yearRange } from '@renda/server-kit/validate';
import { requirePlausibleDate } from '../common/dates.ts';
import { opinionOverdueParams, opinionOverdueSql } from '../opinions/overdue.ts';

/** 监督评价 of one unit in a year: its filings, its opinion items and the tallies of its reports. */
export interface UnitAssessment {
  unitId: string;
  year: number;
  asOf: string;
  documentsFiled: number;
  filedLate: number;
  lateFilingRate: number | null;
  opinionItems: number;
  opinionItemsOverdue: number;
  overdueRate: number | null;
  reportsHeard: number;
  reportsRated: number;
  satisfied: number;
  basicallySatisfied: number;
  dissatisfied: number;
  reportSatisfactionRate: number | null;
}

/** F-2: a fraction rounded to 4 places; null when there is nothing to count. */
export function fraction(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;
}

interface Row {
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
 * G-7 (and G-2, G-3): every unit of a subtree assessed for a calendar year, worst first (most overdue
 * items, then most late filings). Filings are those filed in the year, late as stored when filed
 * (`isFiledLate`, G-2); opinion items are those due in the year, overdue on `asOf` (`opinionOverdueSql`,
 * G-3; default: the year's last day, or today for the current year; F-1); report satisfaction
 * pools the ratings of the reports heard in the year (satisfied + basically satisfied) / rated (F-2).
 * One SQL statement. Readers of the region only.
 */
export async function unitAssessments(
  ctx: ServiceContext,
  regionCode: string,
  year: number,
  asOf: string | null | undefined,
): Promise<UnitAssessment[]> {
  const code = requireRegionCode(regionCode, 'regionCode');
  requireReadIn(ctx.viewer, code, 'supervision assessments');
  requireYear(year);
  const [from, to] = yearRange(year);
  const now = today(ctx.clock);
  const date = asOf ? requirePlausibleDate(asOf, 'asOf') : now < to ? now : to;
  const { rows } = (await ctx.em.getKnex().raw(
    `select u.id as unit_id,
            coalesce(d.filed, 0)::int as filed, coalesce(d.late, 0)::int as late,
            coalesce(o.items, 0)::int as items, coalesce(o.overdue, 0)::int as overdue,
            coalesce(r.heard, 0)::int as heard, coalesce(r.rated, 0)::int as rated,
            coalesce(r.satisfied, 0)::int as satisfied, coalesce(r.basically_satisfied, 0)::int as basically_satisfied,
            coalesce(r.dissatisfied, 0)::int as dissatisfied
       from supervision.government_units u
       left join (select issuer_id, count(*) as filed, count(*) filter (where filed_late) as late
                    from supervision.filed_documents where filed_on between ? and ? and withdrawn_at is null
                    group by issuer_id) d
              on d.issuer_id = u.id
       left join (select unit_id, count(*) as items,
                         count(*) filter (where ${opinionOverdueSql('oi', '?::date')}) as overdue
                    from supervision.opinion_items oi where due_on between ? and ? group by unit_id) o
              on o.unit_id = u.id
       left join (select unit_id, count(*) as heard, count(*) filter (where satisfied is not null) as rated,
                         sum(satisfied) as satisfied, sum(basically_satisfied) as basically_satisfied,
                         sum(dissatisfied) as dissatisfied
                    from supervision.reports where heard_on between ? and ? group by unit_id) r
              on r.unit_id = u.id
      where u.region_code like ?
      order by overdue desc, late desc, u.region_code, u.name, u.id`,
    [from, to, ...opinionOverdueParams(date), from, to, from, to, `${code}%`],
  )) as { rows: Row[] };
  return rows.map((r) => {
    const ratings = r.satisfied + r.basically_satisfied + r.dissatisfied;
    return {
      unitId: r.unit_id,
      year,
      asOf: date,
      documentsFiled: r.filed,
      filedLate: r.late,
      lateFilingRate: fraction(r.late, r.filed),
      opinionItems: r.items,
      opinionItemsOverdue: r.overdue,
      overdueRate: fraction(r.overdue, r.items),
      reportsHeard: r.heard,
      reportsRated: r.rated,
      satisfied: r.satisfied,
      basicallySatisfied: r.basically_satisfied,
      dissatisfied: r.dissatisfied,
      reportSatisfactionRate: fraction(r.satisfied + r.basically_satisfied, ratings),
    };
  });
}
