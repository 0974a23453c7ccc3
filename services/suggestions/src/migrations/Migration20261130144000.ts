import { Migration } from '@mikro-orm/migrations';

/**
 * S-8, F-1 to F-4: the handling figures read from rollups kept by a row trigger in the same transaction as
 * every write to an item, so they are never stale. Replaces the single year × region × unit table of
 * Migration20261130123000 (its trigger, functions and table are dropped here).
 *
 * Every item adds rows to three "grains", each a table keyed by the subtree it counts in (`scope_code`: the
 * item's region and each ancestor, so a region's figures are an equality lookup, not a prefix scan):
 * - `suggestion_rollups_unit`: year × lead unit (suggestionStats, unitRanking, a unit's figures, overdue by unit);
 * - `suggestion_rollups_period`: year × registration month × level (the series of `suggestionFigures`);
 * - `suggestion_rollups_topic`: year × registration month × level × category (S-11: figures by topic).
 * In each, a `T` row holds the counters that do not depend on the day asked; the day-dependent ones are
 * events: "overdue" is +1 the day after the due date and −1 on the day of a late reply, a reply is +1 on
 * its day (with on-time and solved). An event is kept twice: in its day (`D`) and in its month (`M`), so a
 * state on day X is the sum of the months before X's month and of the days of X's month up to X.
 *
 * The trigger is created on the (possibly partitioned) parent "suggestions"."suggestions" by
 * `install_rollup_triggers()`, which a later migration that swaps the table for a partitioned one calls again.
 */
const statics = [
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
] as const;
const events = ['overdue', 'replied_by', 'replied_on_time_by', 'solved_by'] as const;
const counters = [...statics, ...events];

const grains = {
  unit: ['scope_code', 'year', 'lead_unit_id'],
  period: ['scope_code', 'year', 'month', 'level'],
  topic: ['scope_code', 'year', 'month', 'level', 'category'],
} as const;
const columnType: Record<string, string> = {
  scope_code: 'varchar(9) not null',
  year: 'int not null',
  month: 'smallint not null',
  level: 'varchar(8) not null',
  lead_unit_id: 'uuid null',
  category: 'varchar(50) null',
};

/** The item's facts the rollups read, as trigger arguments. */
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
const factArgs = (row: string) => facts.map(([f]) => `${row}."${f}"`).join(', ');

const s = '"suggestions"';

export class Migration20261130144000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`drop trigger if exists "suggestions_rollup_changes" on ${s}."suggestions";`);
    this.addSql(`drop trigger if exists "suggestions_rollup_rows" on ${s}."suggestions";`);
    this.addSql(`drop function if exists ${s}."rebuild_rollups"();`);
    this.addSql(`drop function if exists ${s}."suggestions_rollup"();`);
    this.addSql(`drop function if exists ${s}."apply_rollup"(${s}."suggestions", int);`);
    this.addSql(`drop table if exists ${s}."suggestion_rollups";`);

    for (const [grain, keys] of Object.entries(grains)) {
      // Key order: the subtree and year first, then span and bucket, so "T rows, months before X, days of
      // X's month up to X" are three index ranges whatever the other keys.
      const unique = ['scope_code', 'year', 'span', 'bucket', ...keys.slice(2)];
      this.addSql(`create table ${s}."suggestion_rollups_${grain}" (
        ${keys.map((k) => `"${k}" ${columnType[k]}`).join(', ')}, "span" char(1) not null, "bucket" date null,
        ${counters.map((c) => `"${c}" int not null default 0`).join(', ')},
        constraint "suggestion_rollups_${grain}_key" unique nulls not distinct (${unique.map((k) => `"${k}"`).join(', ')}),
        constraint "suggestion_rollups_${grain}_span_check" check ("span" in ('T', 'M', 'D') and ("span" = 'T') = ("bucket" is null)))
        with (fillfactor = 80, parallel_workers = 0);`);
    }
    this.addSql(
      `create index "suggestion_rollups_unit_by_unit" on ${s}."suggestion_rollups_unit" ("lead_unit_id", "year", "span", "bucket");`,
    );

    // One definition of what an item adds to the rollups (its own region's rows; ancestors are added by
    // the callers): used by the trigger, by the rebuild and by nothing else.
    this.addSql(`create function ${s}."rollup_rows"(sign int, ${facts.map(([f, t]) => `p_${f} ${t}`).join(', ')})
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
          select sp.span, case sp.span when 'M' then date_trunc('month', e.day::timestamp)::date else e.day end,
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
          ) e cross join (values ('M'::char(1)), ('D'::char(1))) sp(span)
        ) r
      $$;`);

    // The rebuild writes rows in key order, so a subtree's rows share pages; fillfactor leaves room for the
    // trigger's updates to stay on their page (counters are not indexed: HOT updates). A read of a few
    // thousand rows gains nothing from parallel workers.
    const grainInsert = (grain: keyof typeof grains, from: string, ordered = false) => {
      const keys = grains[grain];
      const cols = [...keys, 'span', 'bucket'];
      const unique = ['scope_code', 'year', 'span', 'bucket', ...keys.slice(2)];
      return `insert into ${s}."suggestion_rollups_${grain}" as t (${[...cols, ...counters].map((c) => `"${c}"`).join(', ')})
        select ${cols.map((c) => (c === 'scope_code' ? 'left(x."scope_code", n)' : `x."${c}"`)).join(', ')},
          ${counters.map((c) => `sum(x."${c}")`).join(', ')}
        from (${from}) x cross join unnest(array[2, 4, 6, 9]) n where n <= length(x."scope_code")
        group by ${cols.map((_, i) => i + 1).join(', ')}${ordered ? ` order by ${unique.map((k) => cols.indexOf(k) + 1).join(', ')}` : ''}`.concat(
        ` on conflict (${unique.map((k) => `"${k}"`).join(', ')}) do update set ${counters
          .map((c) => `"${c}" = t."${c}" + excluded."${c}"`)
          .join(', ')}`,
      );
    };
    const callArgs = facts.map((_, i) => `$${i + 2}`).join(', ');
    this.addSql(`create function ${s}."apply_rollups"(sign int, ${facts.map(([f, t]) => `p_${f} ${t}`).join(', ')})
      returns void language sql as $$
        ${Object.keys(grains)
          .map((g) => `${grainInsert(g as keyof typeof grains, `select * from ${s}."rollup_rows"($1, ${callArgs})`)};`)
          .join('\n')}
      $$;`);
    this.addSql(`create function ${s}."suggestions_rollups"() returns trigger language plpgsql as $$
      begin
        if tg_op in ('UPDATE', 'DELETE') then perform ${s}."apply_rollups"(-1, ${factArgs('old')}); end if;
        if tg_op in ('INSERT', 'UPDATE') then perform ${s}."apply_rollups"(1, ${factArgs('new')}); end if;
        return null;
      end $$;`);
    const watched = facts.map(([f]) => `"${f}"`).join(', ');
    this.addSql(`create function ${s}."install_rollup_triggers"() returns void language plpgsql as $$
      begin
        drop trigger if exists "suggestions_rollups_rows" on ${s}."suggestions";
        drop trigger if exists "suggestions_rollups_changes" on ${s}."suggestions";
        create trigger "suggestions_rollups_rows" after insert or delete on ${s}."suggestions"
          for each row execute function ${s}."suggestions_rollups"();
        create trigger "suggestions_rollups_changes" after update of ${watched} on ${s}."suggestions"
          for each row when ((${facts.map(([f]) => `old."${f}"`).join(', ')}) is distinct from (${facts.map(([f]) => `new."${f}"`).join(', ')}))
          execute function ${s}."suggestions_rollups"();
      end $$;`);
    this.addSql(`select ${s}."install_rollup_triggers"();`);
    // `pnpm --filter @renda/suggestions rollups:rebuild` and bulk loads (which switch the triggers off):
    // recompute every grain from the items, own regions first, then summed into the ancestors.
    this.addSql(`create function ${s}."rebuild_rollups"() returns void language sql set work_mem = '256MB' as $$
      ${Object.keys(grains)
        .map((g) => {
          const keys = grains[g as keyof typeof grains];
          const own = [...keys, 'span', 'bucket'];
          const from = `select ${own.map((c) => `r."${c}"`).join(', ')}, ${counters.map((c) => `sum(r."${c}") as "${c}"`).join(', ')}
            from ${s}."suggestions" i cross join lateral ${s}."rollup_rows"(1, ${factArgs('i')}) r
            group by ${own.map((_, j) => j + 1).join(', ')}`;
          return `truncate ${s}."suggestion_rollups_${g}";\n${grainInsert(g as keyof typeof grains, from, true)};`;
        })
        .join('\n')}
    $$;`);
    this.addSql(`select ${s}."rebuild_rollups"();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists "suggestions_rollups_rows" on ${s}."suggestions";`);
    this.addSql(`drop trigger if exists "suggestions_rollups_changes" on ${s}."suggestions";`);
    this.addSql(`drop function ${s}."rebuild_rollups"();`);
    this.addSql(`drop function ${s}."install_rollup_triggers"();`);
    this.addSql(`drop function ${s}."suggestions_rollups"();`);
    this.addSql(`drop function ${s}."apply_rollups";`);
    this.addSql(`drop function ${s}."rollup_rows";`);
    for (const g of Object.keys(grains)) this.addSql(`drop table ${s}."suggestion_rollups_${g}";`);
  }
}
