import { Migration } from '@mikro-orm/migrations';

const s = '"deputies"';

/**
 * D-4 at province scale: the committee members' assignments join the deputy rollups (Migration20261130144200),
 * so `deputyFigures` no longer counts them live (one probe of the contacts per assignment and period: about a
 * second for a province's 10 years once a province's members hold tens of thousands of assignments). Two parts
 * more in what a deputy contributes (`deputy_parts`):
 * - `A` (assignments): per office span, the deputy's assignments (as `O` counts the deputy);
 * - `M` (member marks): per assignment, year and k = 1..5, the day the member's k-th committee contact with
 *   the deputy that year fell, with `office_from` and `until` (the end of the deputy's office in that year): an
 *   assignment meets the yearly minimum N ≤ 5 on day X when the N-th contact came by X and the deputy was in
 *   office in the period. Contacts count from the year's start whatever the office, as the live count does.
 * The rollup trigger now also fires on assignments and when a contact's member changes. The rollups are rebuilt.
 */
const partsV2 = `create or replace function ${s}."deputy_parts"(p_ids uuid[])
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
      from d join ${s}."contact_records" k on k.deputy_id = d.id and k.withdrawn_at is null and k.kind in ('VOTER', 'GROUP_ACTIVITY')
        and k.occurred_on between d.office_from and d.office_to),
    visits as (
      select d.id, extract(year from k.occurred_on)::int as year, k.occurred_on,
        row_number() over (partition by d.id, a.member_id, extract(year from k.occurred_on) order by k.occurred_on) as nth
      from d join ${s}."committee_assignments" a on a.deputy_id = d.id
      join ${s}."contact_records" k on k.deputy_id = d.id and k.committee_member_id = a.member_id
        and k.kind = 'COMMITTEE_MEMBER' and k.withdrawn_at is null
        and k.occurred_on <= d.office_to and extract(year from k.occurred_on) >= extract(year from d.office_from))
    select d.id, d.region_code, 'O'::char(1), d.level, null::int, null::varchar, null::smallint, null::date, null::date,
      d.congress_id, d.office_from, d.office_to, 1
    from d
    union all
    select d.id, d.region_code, 'C', d.level, null, a.kind, null, a.occurred_on, null, null, null, null, count(*)::int
    from d join acts a on a.id = d.id group by d.id, d.region_code, d.level, a.kind, a.occurred_on
    union all
    select d.id, d.region_code, 'K', d.level, a.year, a.kind, a.nth::smallint, a.occurred_on,
      least(d.office_to, make_date(a.year, 12, 31)), null, null, null, 1
    from d join acts a on a.id = d.id where a.nth <= 5
    union all
    select d.id, d.region_code, 'A', d.level, null, null, null, null, null, null, d.office_from, d.office_to, count(*)::int
    from d join ${s}."committee_assignments" a on a.deputy_id = d.id group by d.id, d.region_code, d.level, d.office_from, d.office_to
    union all
    select d.id, d.region_code, 'M', d.level, v.year, null, v.nth::smallint, v.occurred_on,
      least(d.office_to, make_date(v.year, 12, 31)), null, d.office_from, null, 1
    from d join visits v on v.id = d.id where v.nth <= 5
  $$;`;

const triggersV2 = `create or replace function ${s}."install_deputy_rollup_triggers"() returns void language plpgsql as $$
  begin
    drop trigger if exists "deputy_rollups_contacts" on ${s}."contact_records";
    create trigger "deputy_rollups_contacts" after insert or delete
      or update of "deputy_id", "kind", "occurred_on", "withdrawn_at", "committee_member_id"
      on ${s}."contact_records" for each row execute function ${s}."deputy_rollups_trigger"();
    drop trigger if exists "deputy_rollups_deputies" on ${s}."deputies";
    create trigger "deputy_rollups_deputies" after insert or delete or update of "congress_id", "region_code",
      "mandate_starts_on", "mandate_ends_on" on ${s}."deputies" for each row execute function ${s}."deputy_rollups_trigger"();
    drop trigger if exists "deputy_rollups_congresses" on ${s}."congresses";
    -- A term inserted after its deputies (one flush orders inserts freely) brings them into office then.
    create trigger "deputy_rollups_congresses" after insert or delete or update of "level", "starts_on", "ends_on"
      on ${s}."congresses" for each row execute function ${s}."deputy_rollups_trigger"();
    drop trigger if exists "deputy_rollups_assignments" on ${s}."committee_assignments";
    create trigger "deputy_rollups_assignments" after insert or delete or update
      on ${s}."committee_assignments" for each row execute function ${s}."deputy_rollups_trigger"();
  end $$;`;

export class Migration20261201040000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(partsV2);
    this.addSql(triggersV2);
    this.addSql(`select ${s}."install_deputy_rollup_triggers"();`);
    // Member marks are read as ranges of days per year and k, as the deputies' marks are.
    this.addSql(
      `create index "deputy_rollups_member_marks" on ${s}."deputy_rollups" ("scope_code", "part", "year", "nth", "day") where "part" = 'M';`,
    );
    this.addSql(`select ${s}."rebuild_deputy_rollups"();`);
  }

  override async down(): Promise<void> {
    this.addSql(
      `do $$ begin
        raise exception 'Migration20261201040000 (assignments in the deputy rollups) is not reversed: restore a backup';
      end $$;`,
    );
  }
}
