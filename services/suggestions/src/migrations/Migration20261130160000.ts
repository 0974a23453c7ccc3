import { Migration } from '@mikro-orm/migrations';

/**
 * S-8, F-1 at province scale: the rollups of Migration20261130144000 keep each day-dependent event (overdue,
 * replies by a day) in a third span, its year (`Y`, bucket = 1 January), beside its month (`M`) and day (`D`).
 * The state on day X is then the sum of the year rows before X + 1's year, the month rows of that year before
 * X + 1's month and the day rows of that month up to X: at a year's end (every past year's figures, F-1) a
 * province's `suggestionStats` reads one `T` and a few `Y` rows per lead unit instead of 12 months and 31 days
 * of them. `rollup_rows` (the one definition of what an item adds, used by the trigger and the rebuild) gains
 * the span; the existing `Y` rows are summed from the `M` rows here, in this migration's transaction.
 */
const s = '"suggestions"';
const grains = ['unit', 'period', 'topic'] as const;
const counters = [
  'items',
  'key_items',
  'replied',
  'replied_on_time',
  'evaluated',
  'satisfied',
  'basically_satisfied',
  'dissatisfied',
  'solved',
  'coercion_risks',
  'overdue',
  'replied_by',
  'replied_on_time_by',
  'solved_by',
];
const keysOf: Record<(typeof grains)[number], string[]> = {
  unit: ['scope_code', 'year', 'lead_unit_id'],
  period: ['scope_code', 'year', 'month', 'level'],
  topic: ['scope_code', 'year', 'month', 'level', 'category'],
};
const facts = [
  ['year', 'int'],
  ['registered_at', 'timestamptz'],
  ['region_code', 'varchar'],
  ['lead_unit_id', 'uuid'],
  ['category', 'varchar'],
  ['is_key', 'boolean'],
  ['reply_category', 'varchar'],
  ['reply_on_time', 'boolean'],
  ['replied_on', 'date'],
  ['reply_due_on', 'date'],
  ['latest_result', 'varchar'],
  ['coercion_risk', 'boolean'],
] as const;

/** `rollup_rows` with the event spans `spans` (Migration20261130144000's body otherwise). */
const rollupRows = (
  spans: string[],
) => `create or replace function ${s}."rollup_rows"(sign int, ${facts.map(([f, t]) => `p_${f} ${t}`).join(', ')})
  returns table ("scope_code" varchar, "year" int, "month" smallint, "level" varchar, "lead_unit_id" uuid, "category" varchar,
    "span" char(1), "bucket" date, ${counters.map((c) => `"${c}" int`).join(', ')})
  language sql stable as $$
    select p_region_code::varchar, p_year, extract(month from p_registered_at at time zone 'Asia/Shanghai')::smallint,
      (case length(p_region_code) when 2 then 'PROVINCE' when 4 then 'CITY' when 6 then 'COUNTY' else 'TOWNSHIP' end)::varchar,
      p_lead_unit_id, p_category, r.span, r.bucket,
      ${counters.map((c) => `sign * r."${c}"`).join(', ')}
    from (
      select 'T'::char(1) as span, null::date as bucket, 1 as items, p_is_key::int as key_items,
        (p_reply_category is not null)::int as replied, coalesce(p_reply_on_time, false)::int as replied_on_time,
        (p_latest_result is not null)::int as evaluated, coalesce(p_latest_result = 'SATISFIED', false)::int as satisfied,
        coalesce(p_latest_result = 'BASICALLY_SATISFIED', false)::int as basically_satisfied,
        coalesce(p_latest_result = 'DISSATISFIED', false)::int as dissatisfied,
        coalesce(p_reply_category = 'SOLVED', false)::int as solved, p_coercion_risk::int as coercion_risks,
        0 as overdue, 0 as replied_by, 0 as replied_on_time_by, 0 as solved_by
      union all
      select sp.span, case sp.span when 'Y' then date_trunc('year', e.day::timestamp)::date
          when 'M' then date_trunc('month', e.day::timestamp)::date else e.day end,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, e.overdue, e.replied_by, e.replied_on_time_by, e.solved_by
      from (
        -- overdue from the day after the due date …
        select p_reply_due_on + 1 as day, 1 as overdue, 0 as replied_by, 0 as replied_on_time_by, 0 as solved_by
        where p_reply_due_on is not null and (p_replied_on is null or p_replied_on > p_reply_due_on)
        union all
        -- … until the day of a late reply; every reply counts from its day
        select p_replied_on, (p_reply_due_on is not null and p_replied_on > p_reply_due_on)::int * -1, 1,
          coalesce(p_reply_on_time, false)::int, coalesce(p_reply_category = 'SOLVED', false)::int
        where p_replied_on is not null
      ) e cross join (values ${spans.map((x) => `('${x}'::char(1))`).join(', ')}) sp(span)
    ) r
  $$;`;

const check = (grain: string, spans: string) =>
  `alter table ${s}."suggestion_rollups_${grain}" drop constraint "suggestion_rollups_${grain}_span_check",
    add constraint "suggestion_rollups_${grain}_span_check" check ("span" in (${spans}) and ("span" = 'T') = ("bucket" is null));`;

export class Migration20261130160000 extends Migration {
  override async up(): Promise<void> {
    for (const g of grains) this.addSql(check(g, `'T', 'Y', 'M', 'D'`));
    // A marker keeping a rollup read on one process (`stats.store.ts`): PostgreSQL plans no parallel workers for
    // a statement calling a parallel-unsafe function, and starting them costs more than reading a few hundred
    // rows (tens of ms on a busy machine); `set local` would need a transaction.
    this.addSql(
      `create function ${s}."serial_plan"() returns boolean language sql stable parallel unsafe as 'select true';`,
    );
    this.addSql(rollupRows(['Y', 'M', 'D']));
    for (const g of grains) {
      const keys = keysOf[g].map((k) => `"${k}"`).join(', ');
      this
        .addSql(`insert into ${s}."suggestion_rollups_${g}" (${keys}, "span", "bucket", ${counters.map((c) => `"${c}"`).join(', ')})
        select ${keys}, 'Y', date_trunc('year', "bucket"::timestamp)::date, ${counters.map((c) => `sum("${c}")`).join(', ')}
        from ${s}."suggestion_rollups_${g}" where "span" = 'M'
        group by ${keys}, date_trunc('year', "bucket"::timestamp)::date
        order by "scope_code", "year";`);
      this.addSql(`analyze ${s}."suggestion_rollups_${g}";`);
    }
  }

  override async down(): Promise<void> {
    this.addSql(`drop function ${s}."serial_plan"();`);
    this.addSql(rollupRows(['M', 'D']));
    for (const g of grains) {
      this.addSql(`delete from ${s}."suggestion_rollups_${g}" where "span" = 'Y';`);
      this.addSql(check(g, `'T', 'M', 'D'`));
    }
  }
}
