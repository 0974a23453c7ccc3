import type { SqlEntityManager } from '@mikro-orm/postgresql';
import { readKnex } from '@renda/db/replicas';
import { sqlSchema, sqlTable } from '@renda/db/tables';
import { levelOfLengthSql, rollupWindowParams, rollupWindowSql, type FigurePeriod } from '@renda/server-kit/figures';
import { yearRange } from '@renda/server-kit/validate';
import { AppointmentMotionSchema } from '../appointments/motion.entity.ts';
import { FiledDocumentSchema } from '../filings/filing.entity.ts';
import { InquirySchema } from '../inquiries/inquiry.entity.ts';
import { MajorMatterSchema } from '../major-matters/major-matter.entity.ts';
import { opinionOverdueParams, opinionOverdueSql } from '../opinions/overdue.ts';
import { OpinionItemSchema } from '../opinions/opinion.entity.ts';
import { ReportSchema } from '../reports/report.entity.ts';

/**
 * The statements of the supervision statistics (`supervisionStats`, `supervisionFigures`): every query of the
 * module, each table named from the ORM's metadata. The service keeps the rules (who may read, which day a
 * period is measured on, the rates); this file only counts.
 */
const tables = (em: SqlEntityManager) => ({
  filed: sqlTable(em, FiledDocumentSchema),
  matters: sqlTable(em, MajorMatterSchema),
  items: sqlTable(em, OpinionItemSchema),
  inquiries: sqlTable(em, InquirySchema),
  motions: sqlTable(em, AppointmentMotionSchema),
  reports: sqlTable(em, ReportSchema),
});

/**
 * Where the figures are counted: `rollups` (what the API reads: the table kept by the triggers of
 * Migration20261201020000) or `live` (the aggregate over the base tables: what the rollups are checked against
 * by the property test and the benchmark). Both return the same rows, bar rows that count nothing.
 */
export type Source = 'rollups' | 'live';

/** `figure_rollups` (Migration20261201020000): kept by triggers, no entity's. */
export const rollupTable = (em: SqlEntityManager) => `${sqlSchema(em)}."figure_rollups"`;

/** The counts of `supervisionStats`, by the name of the rollups' counter each is read from. */
const statsCounters: Record<string, string> = {
  filed: 'year_filed',
  late: 'year_late',
  reviewed: 'year_reviewed',
  corrections: 'year_corrections',
  corrected: 'year_corrected',
  matters: 'year_matters',
  reported_first: 'year_reported_first',
  items: 'items_due',
  closed: 'year_closed',
  overdue: 'items_overdue',
  inquiries: 'year_inquiries',
  motions: 'year_motions',
  exams: 'year_exams',
  passed: 'year_passed',
  content: 'year_content',
  rated: 'year_rated',
};
export const statsNames = Object.keys(statsCounters);

/**
 * The rows of `supervisionStats` of `year` for the subtrees `codes`, overdue items measured on `measuredOn`:
 * from the rollups (every subtree in one lateral read: its year's `T` rows and the overdue events up to that
 * day, `rollupWindowSql`) or live (`liveStatsRows`). A row for each subtree, zeros included.
 */
export async function statsRows(
  em: SqlEntityManager,
  codes: readonly string[],
  year: number,
  measuredOn: string,
  source: Source = 'rollups',
): Promise<Record<string, string | number | null>[]> {
  if (source === 'live') return liveStatsRows(em, codes, year, measuredOn);
  const window = rollupWindowSql(rollupTable(em), 'w.scope_code = s.key and w.year = ?', '?::date');
  const { rows } = (await readKnex(em).raw(
    `with scopes(key) as (values ${codes.map(() => '(?::text)').join(', ')})
     select s.key, ${Object.entries(statsCounters)
       .map(([as, c]) => `coalesce(sum(r.${c}), 0)::int as ${as}`)
       .join(', ')}
     from scopes s left join lateral ${window} r on true
     where ${sqlSchema(em)}.serial_plan()
     group by s.key`,
    [...codes, ...rollupWindowParams([year], [measuredOn])] as never[],
  )) as { rows: Record<string, string | number | null>[] };
  return rows;
}

/** One branch per region asked, a `union all`: each a range of the prefix indexes. */
async function liveStatsRows(
  em: SqlEntityManager,
  codes: readonly string[],
  year: number,
  measuredOn: string,
): Promise<Record<string, string | number | null>[]> {
  const [from, to] = yearRange(year);
  const t = tables(em);
  const part = `select ?::text as key,
       d.filed, d.late, d.reviewed, d.corrections, d.corrected,
       m.matters, m.reported_first,
       o.items, o.closed, o.overdue,
       (select count(*) from ${t.inquiries} where region_code like ? and filed_on between ? and ?) as inquiries,
       a.motions, a.exams, a.passed,
       r.content, r.rated
     from
       (select count(*) as filed,
          count(*) filter (where filed_late) as late,
          count(*) filter (where review_status <> 'PENDING') as reviewed,
          count(*) filter (where review_status in ('CORRECTION_REQUESTED', 'CORRECTED', 'REVOKED')) as corrections,
          count(*) filter (where review_status = 'CORRECTED') as corrected
        from ${t.filed}
        where region_code like ? and filed_on between ? and ? and withdrawn_at is null) d,
       (select count(*) as matters,
          count(*) filter (where reported_before_decision) as reported_first
        from ${t.matters} where region_code like ? and year = ?) m,
       (select count(*) as items,
          count(*) filter (where status = 'CLOSED') as closed,
          count(*) filter (where ${opinionOverdueSql('oi', '?::date')}) as overdue
        from ${t.items} oi where region_code like ? and due_on between ? and ?) o,
       (select count(*) as motions,
          count(*) filter (where exam_score is not null) as exams,
          count(*) filter (where exam_passed) as passed
        from ${t.motions} where region_code like ? and submitted_on between ? and ?) a,
       (select coalesce(sum(satisfied + basically_satisfied), 0) as content,
          coalesce(sum(satisfied + basically_satisfied + dissatisfied), 0) as rated
        from ${t.reports} where region_code like ? and heard_on between ? and ? and satisfied is not null) r`;
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
  const { rows } = (await readKnex(em).raw(codes.map(() => `(${part})`).join(' union all '), params)) as {
    rows: Record<string, string | number | null>[];
  };
  return rows;
}

export const figureMeasures = [
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
export type FigureMeasure = (typeof figureMeasures)[number];

/** The rows of `supervisionFigures` for the subtrees `codes`: one statement (`rollupFiguresSql`, `figuresSql`). */
export async function figureRows(
  em: SqlEntityManager,
  periods: FigurePeriod[],
  codes: readonly string[],
  source: Source = 'rollups',
): Promise<Record<string, string | number>[]> {
  const { sql, params } = (source === 'rollups' ? rollupFiguresSql : figuresSql)(em, periods, codes);
  const { rows } = (await readKnex(em).raw(sql, params as never[])) as { rows: Record<string, string | number>[] };
  return rows;
}

/**
 * The rollups' statement of `supervisionFigures`: for each subtree and period, the rows of the subtree dated in
 * the period (its year, and its month for a month) that make the state on the period's measuring day
 * (`rollupWindowSql`: the `T` rows and the events up to that day), summed per level. Every subtree in one
 * lateral read, planned once; on one process (`serial_plan()`: a few thousand rows at most).
 */
function rollupFiguresSql(
  em: SqlEntityManager,
  periods: FigurePeriod[],
  codes: readonly string[],
): { sql: string; params: unknown[] } {
  const window = rollupWindowSql(
    rollupTable(em),
    'w.scope_code = s.key and w.year = p.year and (p.month = 0 or w.month = p.month)',
    'p.measured_on',
  );
  const sql = `with periods(i, year, month, measured_on) as (values ${periods.map(() => '(?::int, ?::int, ?::int, ?::date)').join(', ')}),
      scopes(key) as (values ${codes.map(() => '(?::text)').join(', ')})
    select s.key, p.i, r.level, ${figureMeasures.map((m) => `sum(r.${m})::int as ${m}`).join(', ')}
    from periods p cross join scopes s cross join lateral ${window} r
    where ${sqlSchema(em)}.serial_plan()
    group by s.key, p.i, r.level`;
  const params = [...periods.flatMap((p, i) => [i, p.year, p.month ?? 0, p.measuredOn]), ...codes];
  return { sql, params };
}

/**
 * Every row of `figure_rollups` recomputed from the base tables (the function of Migration20261201020000), in
 * the transaction of `em` if it has one.
 */
export async function rebuildFigureRollups(em: SqlEntityManager): Promise<void> {
  await em.execute(`select ${sqlSchema(em)}."rebuild_figure_rollups"()`);
  await em.execute(`analyze ${rollupTable(em)}`);
}

/**
 * The rebuild of `rollups:rebuild`, in one transaction: writes to the six counted tables wait until it commits
 * (a SHARE lock), so none falls between the recount and the switch; reads go on. Returns the rollup rows made.
 */
export async function rebuildFigureRollupsLocked(em: SqlEntityManager): Promise<number> {
  await em.transactional(async (tx) => {
    await tx.execute(`lock table ${Object.values(tables(tx)).join(', ')} in share mode`);
    await rebuildFigureRollups(tx);
  });
  const [row] = await em.execute<{ n: number }[]>(`select count(*)::int as n from ${rollupTable(em)}`);
  return row?.n ?? 0;
}

/** SQL: rows of `t` in the subtree `s.key` (codes are digits: the prefix index's range, then the prefix itself). */
const inSubtree = `t.region_code ~>=~ s.key and t.region_code ~<~ (s.key || ':') and t.region_code like s.key || '%'`;

/**
 * The live statement of `supervisionFigures` (see there) and its parameters. The periods are consecutive, so the
 * period of a day is the number of period starts up to it (`width_bucket`, a binary search): each row is
 * counted into its period and level in one hash aggregate, with no join to the periods. A row counts if dated
 * up to its period's measuring day (due up to its last day for opinion items): the periods before the one
 * holding the measuring day (`asOf`, or today) are whole, those after it empty, so that is one range of days for
 * all of them, the index's range. States are measured on the row's period's measuring day.
 */
function figuresSql(
  em: SqlEntityManager,
  periods: FigurePeriod[],
  codes: readonly string[],
): { sql: string; params: unknown[] } {
  const t = tables(em);
  const measured = periods.map((p) => p.measuredOn);
  const ends = periods.map((p) => p.endsOn);
  const params: unknown[] = [...codes, periods.map((p) => p.startsOn), measured];
  const zero = (except: Partial<Record<FigureMeasure, string>>) =>
    figureMeasures.map((m) => `${except[m] ?? '0'} as ${m}`).join(', ');
  const branch = (
    table: keyof typeof t,
    dated: string,
    measures: Partial<Record<FigureMeasure, string>>,
    extra = '',
  ) => {
    const upTo = dated === 'due_on' ? ends : measured;
    params.push(periods[0]!.startsOn, [...upTo].sort().at(-1));
    return `select width_bucket(t.${dated}, b.starts) as n, length(t.region_code) as len, ${zero(measures)}
       from ${t[table]} t
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
        'filed',
        'filed_on',
        {
          filed: 'count(*)',
          filed_on_time: 'count(*) filter (where not t.filed_late)',
          reviewed: 'count(*) filter (where t.reviewed_on <= b.measured[width_bucket(t.filed_on, b.starts)])',
        },
        ' and t.withdrawn_at is null',
      )}
      union all ${branch('matters', 'decided_on', {
        decided: 'count(*)',
        reported_first: 'count(*) filter (where t.reported_before_decision)',
      })}
      union all ${branch('items', 'due_on', {
        items_due: 'count(*)',
        items_closed: `count(*) filter (where t.closed_on <= ${measuredOn})`,
        items_overdue: `count(*) filter (where ${opinionOverdueSql('t', measuredOn)})`,
      })}
      union all ${branch('inquiries', 'filed_on', { inquiries: 'count(*)' })}
      union all ${branch('motions', 'submitted_on', {
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
    where ${sqlSchema(em)}.serial_plan()
    group by s.key, x.n, x.len`;
  return { sql, params };
}
