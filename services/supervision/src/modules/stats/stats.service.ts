import { readKnex } from '@renda/db/replicas';
import { requireReadIn } from '@renda/auth/guards';
import type { ServiceContext } from '@renda/server-kit/context';
import { today } from '@renda/server-kit/dates';
import {
  figurePeriods,
  legacyRate,
  levelOfLengthSql,
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
 * closed, overdue) are taken on the period's measuring day (F-1). One statement for every region asked
 * with the same arguments, whose size does not grow with them: the subtrees are a VALUES list joined to
 * one lateral read (each branch a range of the table's region-prefix index, index-only for the filings,
 * Migration20261130200000), so it is planned once; each row meets the periods of its own year only (a
 * hash join on the year), and it runs on one process (`serial_plan()`: starting workers costs more than
 * reading the rows).
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
        const { sql, params } = supervisionFiguresSql(periods, codes);
        const { rows: result } = (await readKnex(ctx.em).raw(sql, params as never[])) as {
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

/** SQL: rows of `t` in the subtree `s.key` (codes are digits: the prefix index's range, then the prefix itself). */
const inSubtree = `t.region_code ~>=~ s.key and t.region_code ~<~ (s.key || ':') and t.region_code like s.key || '%'`;

/**
 * The statement of `supervisionFigures` (see there) and its parameters. The periods are consecutive, so the
 * period of a day is the number of period starts up to it (`width_bucket`, a binary search): each row is
 * counted into its period and level in one hash aggregate, with no join to the periods. A row counts if dated
 * up to its period's measuring day (due up to its last day for opinion items): the periods before the one
 * holding the measuring day (`asOf`, or today) are whole, those after it empty, so that is one range of days for
 * all of them, the index's range. States are measured on the row's period's measuring day.
 */
function supervisionFiguresSql(periods: FigurePeriod[], codes: readonly string[]): { sql: string; params: unknown[] } {
  const measured = periods.map((p) => p.measuredOn);
  const ends = periods.map((p) => p.endsOn);
  const params: unknown[] = [...codes, periods.map((p) => p.startsOn), measured];
  const zero = (except: Partial<Record<FigureMeasure, string>>) =>
    figureMeasures.map((m) => `${except[m] ?? '0'} as ${m}`).join(', ');
  const branch = (table: string, dated: string, measures: Partial<Record<FigureMeasure, string>>, extra = '') => {
    const upTo = dated === 'due_on' ? ends : measured;
    params.push(periods[0]!.startsOn, [...upTo].sort().at(-1));
    return `select width_bucket(t.${dated}, b.starts) as n, length(t.region_code) as len, ${zero(measures)}
       from supervision.${table} t
       where ${inSubtree}${extra} and t.${dated} between ?::date and ?::date
       group by 1, 2`;
  };
  const measuredOn = 'b.measured[width_bucket(t.due_on, b.starts)]';
  const sql = `with scopes(key) as (values ${codes.map(() => '(?::text)').join(', ')}),
      b(starts, measured) as (values (?::date[], ?::date[]))
    select s.key, x.n - 1 as i,
      ${levelOfLengthSql('x.len')} as level,
      ${figureMeasures.map((m) => `sum(x.${m})::int as ${m}`).join(', ')}
    from scopes s cross join b cross join lateral (
      ${branch(
        'filed_documents',
        'filed_on',
        {
          filed: 'count(*)',
          filed_on_time: 'count(*) filter (where not t.filed_late)',
          reviewed: 'count(*) filter (where t.reviewed_on <= b.measured[width_bucket(t.filed_on, b.starts)])',
        },
        ' and t.withdrawn_at is null',
      )}
      union all ${branch('major_matters', 'decided_on', {
        decided: 'count(*)',
        reported_first: 'count(*) filter (where t.reported_before_decision)',
      })}
      union all ${branch('opinion_items', 'due_on', {
        items_due: 'count(*)',
        items_closed: `count(*) filter (where t.closed_on <= ${measuredOn})`,
        items_overdue: `count(*) filter (where ${opinionOverdueSql('t', measuredOn)})`,
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
    ) x
    where supervision.serial_plan()
    group by s.key, x.n, x.len`;
  return { sql, params };
}
