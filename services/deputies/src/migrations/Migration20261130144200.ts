import { Migration } from '@mikro-orm/migrations';

/**
 * F-1 to F-4 at province scale: `deputyFigures` reads rollups kept by row triggers in the same transaction as
 * every write to a deputy, a congress or a contact, instead of joining every deputy in office to their
 * contacts. A deputy is in office from `greatest(mandate start, term start)` to `least(mandate end, term end)`
 * and their duty acts are the voter contacts and group activities dated in that span. One row of
 * `deputy_rollups` per subtree (the deputy's region and each ancestor) and congress level, and:
 * - `O` (office): per congress and office span, the deputies;
 * - `C` (contacts): per kind and day, the duty acts;
 * - `K` (marks): per year, kind and k = 1..5, the deputies whose k-th act of the year fell on `day`, with
 *   `until` = the end of their office in that year: a deputy meets a yearly minimum N ≤ 5 on day X when
 *   their N-th act came by X.
 * What one deputy contributes is one SQL function, `deputy_parts`; it is kept per deputy in
 * `deputy_rollup_parts` so that a change replaces the deputy's old contribution by the new one.
 */
const s = '"deputies"';
const keys = [
  'scope_code',
  'part',
  'level',
  'year',
  'kind',
  'nth',
  'day',
  'until',
  'congress_id',
  'office_from',
  'office_to',
] as const;
const cols = keys.slice(1);
const columnDefs = `"part" char(1) not null, "level" varchar(10) not null, "year" int null, "kind" varchar(20) null, "nth" smallint null,
  "day" date null, "until" date null, "congress_id" uuid null, "office_from" date null, "office_to" date null, "n" int not null`;
export const deputyRollupMarks = 5;

export class Migration20261130144200 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table ${s}."deputy_rollups" ("scope_code" varchar(9) not null, ${columnDefs},
      constraint "deputy_rollups_key" unique nulls not distinct (${keys.map((k) => `"${k}"`).join(', ')}))
      with (fillfactor = 80, parallel_workers = 0);`);
    // Duty acts by day and marks by year are read as ranges of days whatever the level.
    this.addSql(
      `create index "deputy_rollups_days" on ${s}."deputy_rollups" ("scope_code", "part", "day") where "part" = 'C';`,
    );
    this.addSql(
      `create index "deputy_rollups_marks" on ${s}."deputy_rollups" ("scope_code", "part", "year", "nth", "kind", "day") where "part" = 'K';`,
    );
    this.addSql(
      `create table ${s}."deputy_rollup_parts" ("deputy_id" uuid not null, "region_code" varchar(9) not null, ${columnDefs});`,
    );
    this.addSql(`create index "deputy_rollup_parts_deputy" on ${s}."deputy_rollup_parts" ("deputy_id");`);

    this.addSql(`create function ${s}."deputy_parts"(p_ids uuid[])
      returns table ("deputy_id" uuid, "region_code" varchar, "part" char(1), "level" varchar, "year" int, "kind" varchar, "nth" smallint,
        "day" date, "until" date, "congress_id" uuid, "office_from" date, "office_to" date, "n" int)
      language sql stable as $$
        with d as (
          select d.id, d.region_code, c.level, c.id as congress_id,
            greatest(d.mandate_starts_on, c.starts_on) as office_from,
            least(coalesce(d.mandate_ends_on, 'infinity'::date), coalesce(c.ends_on, 'infinity'::date)) as office_to
          from ${s}."deputies" d join ${s}."congresses" c on c.id = d.congress_id
          where d.id = any(p_ids) and d.mandate_starts_on is not null
            and greatest(d.mandate_starts_on, c.starts_on) <= least(coalesce(d.mandate_ends_on, 'infinity'::date), coalesce(c.ends_on, 'infinity'::date))),
        acts as (
          select d.id, k.kind, k.occurred_on, extract(year from k.occurred_on)::int as year,
            row_number() over (partition by d.id, k.kind, extract(year from k.occurred_on) order by k.occurred_on) as nth
          from d join ${s}."contact_records" k on k.deputy_id = d.id and k.kind in ('VOTER', 'GROUP_ACTIVITY')
            and k.occurred_on between d.office_from and d.office_to)
        select d.id, d.region_code, 'O'::char(1), d.level, null::int, null::varchar, null::smallint, null::date, null::date,
          d.congress_id, d.office_from, d.office_to, 1
        from d
        union all
        select d.id, d.region_code, 'C', d.level, null, a.kind, null, a.occurred_on, null, null, null, null, count(*)::int
        from d join acts a on a.id = d.id group by d.id, d.region_code, d.level, a.kind, a.occurred_on
        union all
        select d.id, d.region_code, 'K', d.level, a.year, a.kind, a.nth::smallint, a.occurred_on,
          least(d.office_to, make_date(a.year, 12, 31)), null, null, null, 1
        from d join acts a on a.id = d.id where a.nth <= ${deputyRollupMarks}
      $$;`);

    const apply = (
      delta: string,
    ) => `insert into ${s}."deputy_rollups" as t (${keys.map((k) => `"${k}"`).join(', ')}, "n")
      select left(x."region_code", len), ${cols.map((c) => `x."${c}"`).join(', ')}, sum(x."n")
      from (${delta}) x cross join unnest(array[2, 4, 6, 9]) len where len <= length(x."region_code")
      group by ${keys.map((_, i) => i + 1).join(', ')} having sum(x."n") <> 0
      on conflict (${keys.map((k) => `"${k}"`).join(', ')}) do update set "n" = t."n" + excluded."n"`;
    const partCols = ['region_code', ...cols, 'n'].map((c) => `"${c}"`).join(', ');
    this.addSql(`create function ${s}."refresh_deputy_rollups"(p_ids uuid[]) returns void language sql as $$
      with old as (delete from ${s}."deputy_rollup_parts" where "deputy_id" = any(p_ids) returning *),
      new as (insert into ${s}."deputy_rollup_parts" select * from ${s}."deputy_parts"(p_ids) returning *)
      ${apply(`select ${partCols} from new union all select "region_code", ${cols.map((c) => `"${c}"`).join(', ')}, -"n" from old`)};
    $$;`);
    this.addSql(`create function ${s}."deputy_rollups_trigger"() returns trigger language plpgsql as $$
      begin
        if tg_table_name = 'congresses' then
          perform ${s}."refresh_deputy_rollups"(array(select d.id from ${s}."deputies" d where d.congress_id in (old.id, new.id)));
        elsif tg_table_name = 'deputies' then
          perform ${s}."refresh_deputy_rollups"(array_remove(array[old.id, new.id], null));
        else
          perform ${s}."refresh_deputy_rollups"(array_remove(array[old.deputy_id, new.deputy_id], null));
        end if;
        return null;
      end $$;`);
    this.addSql(`create function ${s}."install_deputy_rollup_triggers"() returns void language plpgsql as $$
      begin
        drop trigger if exists "deputy_rollups_contacts" on ${s}."contact_records";
        create trigger "deputy_rollups_contacts" after insert or delete or update of "deputy_id", "kind", "occurred_on"
          on ${s}."contact_records" for each row execute function ${s}."deputy_rollups_trigger"();
        drop trigger if exists "deputy_rollups_deputies" on ${s}."deputies";
        create trigger "deputy_rollups_deputies" after insert or delete or update of "congress_id", "region_code",
          "mandate_starts_on", "mandate_ends_on" on ${s}."deputies" for each row execute function ${s}."deputy_rollups_trigger"();
        drop trigger if exists "deputy_rollups_congresses" on ${s}."congresses";
        -- A term inserted after its deputies (one flush orders inserts freely) brings them into office then.
        create trigger "deputy_rollups_congresses" after insert or delete or update of "level", "starts_on", "ends_on"
          on ${s}."congresses" for each row execute function ${s}."deputy_rollups_trigger"();
      end $$;`);
    this.addSql(`select ${s}."install_deputy_rollup_triggers"();`);
    // `pnpm --filter @renda/deputies rollups:rebuild` and bulk loads (with the triggers off).
    this.addSql(`create function ${s}."rebuild_deputy_rollups"() returns void language sql set work_mem = '256MB' as $$
      truncate ${s}."deputy_rollup_parts";
      truncate ${s}."deputy_rollups";
      insert into ${s}."deputy_rollup_parts" select * from ${s}."deputy_parts"(array(select id from ${s}."deputies"));
      ${apply(`select "region_code", ${cols.map((c) => `"${c}"`).join(', ')}, sum("n")::int as "n" from ${s}."deputy_rollup_parts"
        group by ${['region_code', ...cols].map((c) => `"${c}"`).join(', ')}`).replace(
        ' having sum(x."n") <> 0',
        ` having sum(x."n") <> 0 order by ${keys.map((_, i) => i + 1).join(', ')}`,
      )};
    $$;`);
    this.addSql(`select ${s}."rebuild_deputy_rollups"();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists "deputy_rollups_contacts" on ${s}."contact_records";`);
    this.addSql(`drop trigger if exists "deputy_rollups_deputies" on ${s}."deputies";`);
    this.addSql(`drop trigger if exists "deputy_rollups_congresses" on ${s}."congresses";`);
    this.addSql(`drop function ${s}."rebuild_deputy_rollups"();`);
    this.addSql(`drop function ${s}."install_deputy_rollup_triggers"();`);
    this.addSql(`drop function ${s}."deputy_rollups_trigger"();`);
    this.addSql(`drop function ${s}."refresh_deputy_rollups"(uuid[]);`);
    this.addSql(`drop function ${s}."deputy_parts"(uuid[]);`);
    this.addSql(`drop table ${s}."deputy_rollup_parts";`);
    this.addSql(`drop table ${s}."deputy_rollups";`);
  }
}
