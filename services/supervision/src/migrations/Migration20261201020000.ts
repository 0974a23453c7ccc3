import { Migration } from '@mikro-orm/migrations';

/**
 * F-1 to F-4 at province scale (issue 10): `supervisionFigures` reads rollups kept by row triggers in the same
 * transaction as every write to the six tables it counts (filings, major matters, opinion items, inquiries,
 * appointment motions, reports), as the suggestions' handling figures do (Migration20261130144000,
 * Migration20261130160000, Migration20261130230000).
 *
 * `figure_rollups` is keyed by the subtree a row counts in (`scope_code`: its region and every ancestor, so a
 * province reads its own rows), the month its figures date it by (`year`, `month`: filed, decided, due,
 * submitted, heard) and the level of its region. A `T` row holds what does not depend on the measuring day
 * (opinion items due; what `supervisionStats` counts of a year, bar the overdue items); everything else is an event on the day it starts to count: a filing counts as filed
 * from its filing day and as reviewed from its review day (never before it is filed), an opinion item as
 * closed from its closing day and as overdue from the day after its due date until its closing day, and so
 * on. An event is kept in its year (`Y`), month (`M`) and day (`D`), so the state on any day X is the sum of
 * the year rows before X + 1's year, the month rows of that year before X + 1's month and the day rows of that
 * month up to X: exact for every `asOf`, by year or by month.
 *
 * Each table's row says what it adds through one overloaded function, `figure_facts(row)`; the trigger and the
 * rebuild (`rebuild_figure_rollups()`, `pnpm --filter @renda/supervision rollups:rebuild`) both read it. The
 * trigger adds a row's old and new contributions in one statement (rows whose net change is zero untouched),
 * taking its rollup rows in unique-key order, so two single-row writes never wait for each other in a cycle.
 */
const s = '"supervision"';
const figureCounters = [
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
  // `supervisionStats` of a year: the rows dated in it whatever the day asked, in their present state (T rows).
  'year_filed',
  'year_late',
  'year_reviewed',
  'year_corrections',
  'year_corrected',
  'year_matters',
  'year_reported_first',
  'year_closed',
  'year_inquiries',
  'year_motions',
  'year_exams',
  'year_passed',
  'year_content',
  'year_rated',
] as const;
type Counter = (typeof figureCounters)[number];

/**
 * The tables counted: a row counts if `where` holds; it adds `[day, counters, dated]` events, each in the month
 * of its `dated` (the table's `dated` unless given). A `null` day makes a T row; a counter is 0 wherever its day
 * is null.
 */
const sources: Record<
  string,
  { row: string; where: string; dated: string; events: [string, Partial<Record<Counter, string>>, string?][] }
> = {
  filed_documents: {
    row: 'd',
    where: 'd.withdrawn_at is null',
    dated: 'd.filed_on',
    events: [
      ['d.filed_on', { filed: '1', filed_on_time: '(not d.filed_late)::int' }],
      ['greatest(d.filed_on, d.reviewed_on)', { reviewed: '(d.reviewed_on is not null)::int' }],
      [
        'null',
        {
          year_filed: '1',
          year_late: 'd.filed_late::int',
          year_reviewed: "(d.review_status <> 'PENDING')::int",
          year_corrections: "(d.review_status in ('CORRECTION_REQUESTED', 'CORRECTED', 'REVOKED'))::int",
          year_corrected: "(d.review_status = 'CORRECTED')::int",
        },
      ],
    ],
  },
  major_matters: {
    row: 'm',
    where: 'true',
    dated: 'm.decided_on',
    events: [
      ['m.decided_on', { decided: '1', reported_first: 'coalesce(m.reported_before_decision, false)::int' }],
      // A matter's year is its own column, not the decision's.
      [
        'null',
        { year_matters: '1', year_reported_first: 'coalesce(m.reported_before_decision, false)::int' },
        'make_date(m.year, 1, 1)',
      ],
    ],
  },
  opinion_items: {
    row: 'o',
    where: 'true',
    dated: 'o.due_on',
    events: [
      ['null', { items_due: '1', year_closed: "(o.status = 'CLOSED')::int" }],
      ['o.closed_on', { items_closed: '(o.closed_on is not null)::int' }],
      // Overdue from the day after the due date until the closing day (G-3, `opinionOverdueSql`).
      ['o.due_on + 1', { items_overdue: '(o.closed_on is null or o.closed_on > o.due_on)::int' }],
      ['o.closed_on', { items_overdue: '-coalesce(o.closed_on > o.due_on, false)::int' }],
    ],
  },
  inquiries: {
    row: 'q',
    where: 'true',
    dated: 'q.filed_on',
    events: [
      ['q.filed_on', { inquiries: '1' }],
      ['null', { year_inquiries: '1' }],
    ],
  },
  appointment_motions: {
    row: 'a',
    where: 'true',
    dated: 'a.submitted_on',
    events: [
      ['a.submitted_on', { exams: '(a.exam_score is not null)::int', passed: 'coalesce(a.exam_passed, false)::int' }],
      [
        'null',
        {
          year_motions: '1',
          year_exams: '(a.exam_score is not null)::int',
          year_passed: 'coalesce(a.exam_passed, false)::int',
        },
      ],
    ],
  },
  reports: {
    row: 'r',
    where: 'r.satisfied is not null',
    dated: 'r.heard_on',
    events: [
      [
        'r.heard_on',
        {
          content: 'coalesce(r.satisfied + r.basically_satisfied, 0)',
          rated: 'coalesce(r.satisfied + r.basically_satisfied + r.dissatisfied, 0)',
        },
      ],
      [
        'null',
        {
          year_content: 'coalesce(r.satisfied + r.basically_satisfied, 0)',
          year_rated: 'coalesce(r.satisfied + r.basically_satisfied + r.dissatisfied, 0)',
        },
      ],
    ],
  },
};

const keys = ['scope_code', 'year', 'month', 'level', 'span', 'bucket'];
/** Key order: subtree and year first, then span and bucket (a day's window is three index ranges), month, level. */
const unique = ['scope_code', 'year', 'span', 'bucket', 'month', 'level'];
const columns = [...keys, ...figureCounters].map((c) => `"${c}"`).join(', ');

/**
 * Rollup rows of the facts `x` (`region_code`, `dated`, `day`, counters, each signed), into the region and
 * every ancestor, T or Y/M/D by the day, summed per key, zero rows left out, in unique-key order.
 */
const expanded = (from: string) => `select left(x.region_code, n)::varchar(9),
      extract(year from x.dated)::int, extract(month from x.dated)::smallint,
      (case length(x.region_code) when 2 then 'PROVINCE' when 4 then 'CITY' when 6 then 'COUNTY' else 'TOWNSHIP' end)::varchar(8),
      sp.span, case sp.span when 'Y' then date_trunc('year', x.day::timestamp)::date
        when 'M' then date_trunc('month', x.day::timestamp)::date when 'D' then x.day end,
      ${figureCounters.map((c) => `sum(x."${c}")::int`).join(', ')}
    from (${from}) x
      cross join unnest(array[2, 4, 6, 9]) n
      cross join (values ('T'::char(1)), ('Y'), ('M'), ('D')) sp(span)
    where n <= length(x.region_code) and (sp.span = 'T') = (x.day is null)
    group by ${keys.map((_, i) => i + 1).join(', ')}
    having ${figureCounters.map((c) => `sum(x."${c}") <> 0`).join(' or ')}
    order by ${unique.map((k) => keys.indexOf(k) + 1).join(', ')}`;

const upsert = (from: string) => `insert into ${s}."figure_rollups" as t (${columns})
    ${expanded(from)}
    on conflict (${unique.map((k) => `"${k}"`).join(', ')}) do update set ${figureCounters
      .map((c) => `"${c}" = t."${c}" + excluded."${c}"`)
      .join(', ')}`;

/** `figure_facts(<table> row, sign)`: what one row of the table adds (nothing for a null row or sign 0). */
function factsFunction(table: string): string {
  const { row, where, dated, events } = sources[table]!;
  const values = events.map(
    ([day, counts, on]) =>
      `((${on ?? dated})::date, (${day})::date, ${figureCounters.map((c) => `(${counts[c] ?? '0'})::int`).join(', ')})`,
  );
  return `create function ${s}."figure_facts"(${row} ${s}."${table}", sign int)
    returns table (region_code varchar, dated date, day date, ${figureCounters.map((c) => `"${c}" int`).join(', ')})
    language sql stable as $$
      select ${row}.region_code::varchar, f.dated, f.day, ${figureCounters.map((c) => `sign * f."${c}"`).join(', ')}
      from (values ${values.join(', ')}) f(dated, day, ${figureCounters.map((c) => `"${c}"`).join(', ')})
      where sign <> 0 and ${row}.region_code is not null and f.dated is not null and ${where}
        and (${figureCounters.map((c) => `f."${c}" <> 0`).join(' or ')})
    $$;`;
}

export class Migration20261201020000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table ${s}."figure_rollups" (
      "scope_code" varchar(9) not null, "year" int not null, "month" smallint not null, "level" varchar(8) not null,
      "span" char(1) not null, "bucket" date null,
      ${figureCounters.map((c) => `"${c}" int not null default 0`).join(', ')},
      constraint "figure_rollups_key" unique nulls not distinct (${unique.map((k) => `"${k}"`).join(', ')}),
      constraint "figure_rollups_span_check" check ("span" in ('T', 'Y', 'M', 'D') and ("span" = 'T') = ("bucket" is null)))
      with (fillfactor = 80, parallel_workers = 0);`);
    for (const table of Object.keys(sources)) this.addSql(factsFunction(table));
    // One trigger function for every table: PL/pgSQL plans it per table, so `figure_facts(old, …)` resolves to
    // that table's overload. On INSERT `old` is null (and on DELETE `new`): its sign is 0.
    this.addSql(`create function ${s}."figure_rollups_change"() returns trigger language plpgsql as $$
      begin
        ${upsert(`select * from ${s}."figure_facts"(old, case when tg_op = 'INSERT' then 0 else -1 end)
          union all select * from ${s}."figure_facts"(new, case when tg_op = 'DELETE' then 0 else 1 end)`)};
        return null;
      end $$;`);
    for (const table of Object.keys(sources)) {
      this.addSql(`create trigger "figure_rollups_rows" after insert or delete on ${s}."${table}"
        for each row execute function ${s}."figure_rollups_change"();`);
      this.addSql(`create trigger "figure_rollups_changes" after update on ${s}."${table}"
        for each row when (old.* is distinct from new.*) execute function ${s}."figure_rollups_change"();`);
    }
    // The rebuild (bulk loads with the triggers off, `rollups:rebuild`): every table's facts, in key order.
    this.addSql(`create function ${s}."rebuild_figure_rollups"() returns void language sql set work_mem = '256MB' as $$
      truncate ${s}."figure_rollups";
      ${upsert(
        Object.entries(sources)
          .map(
            ([table, { row }]) =>
              `select f.* from ${s}."${table}" ${row} cross join lateral ${s}."figure_facts"(${row}, 1) f`,
          )
          .join(' union all '),
      )};
    $$;`);
    this.addSql(`select ${s}."rebuild_figure_rollups"();`);
    this.addSql(`analyze ${s}."figure_rollups";`);
  }

  override async down(): Promise<void> {
    for (const table of Object.keys(sources)) {
      this.addSql(`drop trigger "figure_rollups_rows" on ${s}."${table}";`);
      this.addSql(`drop trigger "figure_rollups_changes" on ${s}."${table}";`);
      this.addSql(`drop function ${s}."figure_facts"(${s}."${table}", int);`);
    }
    this.addSql(`drop function ${s}."rebuild_figure_rollups"();`);
    this.addSql(`drop function ${s}."figure_rollups_change"();`);
    this.addSql(`drop table ${s}."figure_rollups";`);
  }
}
