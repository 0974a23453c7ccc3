import { requireReadIn } from '@renda/auth/guards';
import type { ServiceContext } from '@renda/server-kit/context';
import { today } from '@renda/server-kit/dates';
import { requireRegionCode, requireYear, yearRange } from '@renda/server-kit/validate';
import { requirePlausibleDate } from '../common/dates.ts';
import { assessmentRows } from './assessment.store.ts';

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
  const rows = await assessmentRows(ctx.em, code, from, to, date);
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
