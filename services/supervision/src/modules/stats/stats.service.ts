import { requireReadIn } from '@renda/auth/guards';
import type { ServiceContext } from '@renda/server-kit/context';
import { today } from '@renda/server-kit/dates';
import { requireRegionCode, requireYear, yearRange } from '@renda/server-kit/validate';
import { supervisionRules } from '../../env.ts';

/** 监督工作统计 of a region subtree and year. */
export interface SupervisionStats {
  regionCode: string;
  year: number;
  documentsFiled: number;
  filedLate: number;
  documentsReviewed: number;
  correctionsRequested: number;
  corrected: number;
  majorMatters: number;
  reportedBeforeDecision: number;
  opinionItems: number;
  opinionItemsClosed: number;
  opinionItemsOverdue: number;
  inquiries: number;
  motions: number;
  examPassRate: number;
  reportSatisfactionRate: number;
}

/**
 * Figures for a subtree and calendar year, aggregated in one SQL statement over the region-code
 * prefix indexes (never counted in Node). Readers of the region only (ADMIN, STAFF, ANALYST).
 */
export async function supervisionStats(ctx: ServiceContext, regionCode: string, year: number): Promise<SupervisionStats> {
  const code = requireRegionCode(regionCode, 'regionCode');
  requireReadIn(ctx.viewer, code, 'supervision statistics');
  requireYear(year);
  const [from, to] = yearRange(year);
  const prefix = `${code}%`;
  const { rows } = (await ctx.em.getKnex().raw(
    `select
       d.filed, d.late, d.reviewed, d.corrections, d.corrected,
       m.matters, m.reported_first,
       o.items, o.closed, o.overdue,
       (select count(*) from supervision.inquiries where region_code like ? and filed_on between ? and ?) as inquiries,
       a.motions, a.exams, a.passed,
       r.rate as report_rate
     from
       (select count(*) as filed,
          count(*) filter (where filed_on > filing_due_on) as late,
          count(*) filter (where review_status <> 'PENDING') as reviewed,
          count(*) filter (where review_status in ('CORRECTION_REQUESTED', 'CORRECTED', 'REVOKED')) as corrections,
          count(*) filter (where review_status = 'CORRECTED') as corrected
        from supervision.filed_documents where region_code like ? and filed_on between ? and ?) d,
       (select count(*) as matters,
          count(*) filter (where status = 'DECIDED' and reported_on is not null) as reported_first
        from supervision.major_matters where region_code like ? and year = ?) m,
       (select count(*) as items,
          count(*) filter (where status = 'CLOSED') as closed,
          count(*) filter (where status <> 'CLOSED' and due_on < ?) as overdue
        from supervision.opinion_items where region_code like ? and due_on between ? and ?) o,
       (select count(*) as motions,
          count(*) filter (where exam_score is not null) as exams,
          count(*) filter (where exam_score >= ?) as passed
        from supervision.appointment_motions where region_code like ? and submitted_on between ? and ?) a,
       (select avg((satisfied + basically_satisfied)::float8 / nullif(satisfied + basically_satisfied + dissatisfied, 0)) as rate
        from supervision.reports where region_code like ? and heard_on between ? and ? and satisfied is not null) r`,
    [prefix, from, to, prefix, from, to, prefix, year, today(ctx.clock), prefix, from, to, supervisionRules.examPassScore, prefix, from, to, prefix, from, to],
  )) as { rows: Record<string, string | number | null>[] };
  const r = rows[0]!;
  const n = (v: string | number | null | undefined) => Number(v ?? 0);
  return {
    regionCode: code,
    year,
    documentsFiled: n(r.filed),
    filedLate: n(r.late),
    documentsReviewed: n(r.reviewed),
    correctionsRequested: n(r.corrections),
    corrected: n(r.corrected),
    majorMatters: n(r.matters),
    reportedBeforeDecision: n(r.reported_first),
    opinionItems: n(r.items),
    opinionItemsClosed: n(r.closed),
    opinionItemsOverdue: n(r.overdue),
    inquiries: n(r.inquiries),
    motions: n(r.motions),
    examPassRate: n(r.exams) > 0 ? n(r.passed) / n(r.exams) : 0,
    reportSatisfactionRate: n(r.report_rate),
  };
}
