import { readKnex } from '@renda/db/replicas';
import { requireReadIn } from '@renda/auth/guards';
import type { ServiceContext } from '@renda/server-kit/context';
import { today } from '@renda/server-kit/dates';
import {
  figurePeriods,
  legacyRate,
  levelOfCodeSql,
  figureMatrix,
  figuresLoaderKey,
  ratio,
  type FigureArgs,
  type FigurePeriod,
  type Ratio,
} from '@renda/server-kit/figures';
import { requireRegionCode, requireYear, yearRange, type RegionLevel } from '@renda/server-kit/validate';
import { opinionOverdueParams, opinionOverdueSql } from '../opinions/overdue.ts';

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
 * Figures for a subtree and calendar year, aggregated in SQL over the region-code prefix indexes (never
 * counted in Node). Every region asked for the same year in one request shares one statement, a
 * `union all` of one branch per region. Readers of the region only (ADMIN, STAFF, ANALYST).
 */
export async function supervisionStats(
  ctx: ServiceContext,
  regionCode: string,
  year: number,
): Promise<SupervisionStats> {
  const code = requireRegionCode(regionCode, 'regionCode');
  requireReadIn(ctx.viewer, code, 'supervision statistics');
  requireYear(year);
  const r = await ctx.loaders
    .get<string, Record<string, string | number | null> | undefined>(
      `Region.supervisionStats.${year}`,
      async (codes) => {
        const rows = await statsRows(ctx, codes, year);
        const byKey = new Map(rows.map((row) => [String(row.key), row]));
        return codes.map((c) => byKey.get(c));
      },
    )
    .load(code);
  const n = (v: string | number | null | undefined) => Number(v ?? 0);
  return {
    regionCode: code,
    year,
    documentsFiled: n(r?.filed),
    filedLate: n(r?.late),
    documentsReviewed: n(r?.reviewed),
    correctionsRequested: n(r?.corrections),
    corrected: n(r?.corrected),
    majorMatters: n(r?.matters),
    reportedBeforeDecision: n(r?.reported_first),
    opinionItems: n(r?.items),
    opinionItemsClosed: n(r?.closed),
    opinionItemsOverdue: n(r?.overdue),
    inquiries: n(r?.inquiries),
    motions: n(r?.motions),
    examPassRate: legacyRate(n(r?.passed), n(r?.exams)),
    // F-2: the one definition, pooled over every vote: (satisfied + basically satisfied) / votes.
    reportSatisfactionRate: legacyRate(n(r?.content), n(r?.rated)),
  };
}

async function statsRows(
  ctx: ServiceContext,
  codes: readonly string[],
  year: number,
): Promise<Record<string, string | number | null>[]> {
  const [from, to] = yearRange(year);
  // F-1: a past year's overdue items are those overdue on its last day; the current year's, today's.
  const measuredOn = today(ctx.clock) < to ? today(ctx.clock) : to;
  const part = `select ?::text as key,
       d.filed, d.late, d.reviewed, d.corrections, d.corrected,
       m.matters, m.reported_first,
       o.items, o.closed, o.overdue,
       (select count(*) from supervision.inquiries where region_code like ? and filed_on between ? and ?) as inquiries,
       a.motions, a.exams, a.passed,
       r.content, r.rated
     from
       (select count(*) as filed,
          count(*) filter (where filed_late) as late,
          count(*) filter (where review_status <> 'PENDING') as reviewed,
          count(*) filter (where review_status in ('CORRECTION_REQUESTED', 'CORRECTED', 'REVOKED')) as corrections,
          count(*) filter (where review_status = 'CORRECTED') as corrected
        from supervision.filed_documents
        where region_code like ? and filed_on between ? and ? and withdrawn_at is null) d,
       (select count(*) as matters,
          count(*) filter (where reported_before_decision) as reported_first
        from supervision.major_matters where region_code like ? and year = ?) m,
       (select count(*) as items,
          count(*) filter (where status = 'CLOSED') as closed,
          count(*) filter (where ${opinionOverdueSql('oi', '?::date')}) as overdue
        from supervision.opinion_items oi where region_code like ? and due_on between ? and ?) o,
       (select count(*) as motions,
          count(*) filter (where exam_score is not null) as exams,
          count(*) filter (where exam_passed) as passed
        from supervision.appointment_motions where region_code like ? and submitted_on between ? and ?) a,
       (select coalesce(sum(satisfied + basically_satisfied), 0) as content,
          coalesce(sum(satisfied + basically_satisfied + dissatisfied), 0) as rated
        from supervision.reports where region_code like ? and heard_on between ? and ? and satisfied is not null) r`;
  const params = codes.flatMap((code) => {
    const prefix = `${code}%`;
    return [
      code,
      prefix,
      from,
      to,
      prefix,
      from,
      to,
      prefix,
      year,
      ...opinionOverdueParams(measuredOn),
      prefix,
      from,
      to,
      prefix,
      from,
      to,
      prefix,
      from,
      to,
    ];
  });
  const { rows } = (await readKnex(ctx.em).raw(codes.map(() => `(${part})`).join(' union all '), params)) as {
    rows: Record<string, string | number | null>[];
  };
  return rows;
}

/** One period and level of a subtree's supervision figures (G-2, G-3, G-6, F-1 to F-4). */
export interface SupervisionFiguresRow {
  regionCode: string;
  period: FigurePeriod;
  level: RegionLevel;
  documentsFiled: number;
  filedOnTime: Ratio;
  reviewed: Ratio;
  majorMattersDecided: number;
  reportedBeforeDecision: Ratio;
  opinionItemsDue: number;
  opinionItemsClosed: Ratio;
  opinionItemsOverdue: number;
  inquiries: number;
  examsPassed: Ratio;
  reportSatisfaction: Ratio;
}

const figureMeasures = [
  'filed',
  'filed_on_time',
  'reviewed',
  'decided',
  'reported_first',
  'items_due',
  'items_closed',
  'items_overdue',
  'inquiries',
  'exams',
  'passed',
  'content',
  'rated',
] as const;
type FigureMeasure = (typeof figureMeasures)[number];

/**
 * Region.supervisionFigures. Each source table contributes the rows dated in a period (filed, decided,
 * due, submitted, heard), one `union all` branch each, summed per period and level; states (reviewed,
 * closed, overdue) are taken on the period's measuring day (F-1). One statement for every region
 * asked with the same arguments.
 */
export async function supervisionFigures(
  ctx: ServiceContext,
  regionCode: string,
  args: FigureArgs,
): Promise<SupervisionFiguresRow[]> {
  const code = requireRegionCode(regionCode, 'code');
  const periods = figurePeriods(ctx.clock, args);
  requireReadIn(ctx.viewer, code, 'supervision statistics');
  const rows = await ctx.loaders
    .get<string, Record<string, string | number>[]>(
      figuresLoaderKey('Region.supervisionFigures', args),
      async (codes) => {
        const values = periods.map(() => '(?::int, ?::int, ?::date, ?::date, ?::date)').join(', ');
        const params: unknown[] = periods.flatMap((p, i) => [i, p.year, p.startsOn, p.endsOn, p.measuredOn]);
        const zero = (except: Partial<Record<FigureMeasure, string>>) =>
          figureMeasures.map((m) => `${except[m] ?? '0'} as ${m}`).join(', ');
        const branch = (table: string, dated: string, measures: Partial<Record<FigureMeasure, string>>, extra = '') =>
          `select p.i, ${levelOfCodeSql('t.region_code')} as level, ${zero(measures)}
         from periods p join supervision.${table} t on extract(year from t.${dated})::int = p.year
           and t.${dated} between p.starts_on and ${dated === 'due_on' ? 'p.ends_on' : 'p.measured_on'}
         where t.region_code like ?${extra} group by 1, 2`;
        const parts = codes.map(() => {
          return `select ?::text as key, x.i, x.level, ${figureMeasures.map((m) => `sum(x.${m})::int as ${m}`).join(', ')} from (
          ${branch(
            'filed_documents',
            'filed_on',
            {
              filed: 'count(*)',
              filed_on_time: 'count(*) filter (where not t.filed_late)',
              reviewed: 'count(*) filter (where t.reviewed_on <= p.measured_on)',
            },
            ' and t.withdrawn_at is null',
          )}
          union all ${branch('major_matters', 'decided_on', {
            decided: 'count(*)',
            reported_first: 'count(*) filter (where t.reported_before_decision)',
          })}
          union all ${branch('opinion_items', 'due_on', {
            items_due: 'count(*)',
            items_closed: 'count(*) filter (where t.closed_on <= p.measured_on)',
            items_overdue: `count(*) filter (where ${opinionOverdueSql('t', 'p.measured_on')})`,
          })}
          union all ${branch('inquiries', 'filed_on', { inquiries: 'count(*)' })}
          union all ${branch('appointment_motions', 'submitted_on', {
            exams: 'count(*) filter (where t.exam_score is not null)',
            passed: 'count(*) filter (where t.exam_passed)',
          })}
          union all ${branch(
            'reports',
            'heard_on',
            {
              content: 'coalesce(sum(t.satisfied + t.basically_satisfied), 0)',
              rated: 'coalesce(sum(t.satisfied + t.basically_satisfied + t.dissatisfied), 0)',
            },
            ' and t.satisfied is not null',
          )}
        ) x group by x.i, x.level`;
        });
        // Parameters in text order: the key, then each branch's prefix.
        const ordered = codes.flatMap((c) => [c, `${c}%`, `${c}%`, `${c}%`, `${c}%`, `${c}%`, `${c}%`]);
        // Each row meets the periods of its own year only (a hash join on the year), not every period of the series.
        const sql = `with periods(i, year, starts_on, ends_on, measured_on) as (values ${values}) ${parts.join(' union all ')}`;
        const { rows: result } = (await readKnex(ctx.em).raw(sql, [...params, ...ordered] as never[])) as {
          rows: Record<string, string | number>[];
        };
        return codes.map((c) => result.filter((r) => r.key === c));
      },
    )
    .load(code);
  type Row = Record<string, string | number> & { i: number; level: string };
  return figureMatrix(code, periods, args, rows as Row[], (period, level, r) => {
    const n = (k: FigureMeasure) => Number(r?.[k] ?? 0);
    return {
      regionCode: code,
      period,
      level,
      documentsFiled: n('filed'),
      filedOnTime: ratio(n('filed_on_time'), n('filed')),
      reviewed: ratio(n('reviewed'), n('filed')),
      majorMattersDecided: n('decided'),
      reportedBeforeDecision: ratio(n('reported_first'), n('decided')),
      opinionItemsDue: n('items_due'),
      opinionItemsClosed: ratio(n('items_closed'), n('items_due')),
      opinionItemsOverdue: n('items_overdue'),
      inquiries: n('inquiries'),
      examsPassed: ratio(n('passed'), n('exams')),
      reportSatisfaction: ratio(n('content'), n('rated')),
    };
  });
}
