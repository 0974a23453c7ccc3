import { Migration } from '@mikro-orm/migrations';

const counters = [
  ['items', '1'],
  ['key_items', 'r.is_key::int'],
  ['replied', '(r.reply_category is not null)::int'],
  ['replied_on_time', 'coalesce(r.reply_on_time, false)::int'],
  ['evaluated', '(r.latest_result is not null)::int'],
  ['satisfied', "coalesce(r.latest_result = 'SATISFIED', false)::int"],
  ['basically_satisfied', "coalesce(r.latest_result = 'BASICALLY_SATISFIED', false)::int"],
  ['dissatisfied', "coalesce(r.latest_result = 'DISSATISFIED', false)::int"],
  ['solved', "coalesce(r.reply_category = 'SOLVED', false)::int"],
  ['coercion_risks', 'r.coercion_risk::int'],
] as const;

/**
 * Pre-aggregated handling counters per year × region × lead unit (S-8), kept by a trigger in the same
 * transaction as every write to an item, so they never drift from the items. They hold the counts that
 * do not depend on the day asked (overdue and "replied by" are measured live).
 */
export class Migration20261130123000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "suggestions"."suggestion_rollups" (
      "year" int not null, "region_code" varchar(9) not null, "lead_unit_id" uuid null,
      ${counters.map(([c]) => `"${c}" int not null default 0`).join(', ')},
      constraint "suggestion_rollups_key" unique nulls not distinct ("year", "region_code", "lead_unit_id"));`);
    this.addSql(
      `create index "suggestion_rollups_year_region_prefix" on "suggestions"."suggestion_rollups" ("year", "region_code" varchar_pattern_ops);`,
    );
    this
      .addSql(`create function "suggestions"."apply_rollup"(r "suggestions"."suggestions", sign int) returns void language sql as $$
      insert into "suggestions"."suggestion_rollups" as t ("year", "region_code", "lead_unit_id", ${counters.map(([c]) => `"${c}"`).join(', ')})
      values (r.year, r.region_code, r.lead_unit_id, ${counters.map(([, e]) => `sign * ${e}`).join(', ')})
      on conflict ("year", "region_code", "lead_unit_id") do update set ${counters.map(([c]) => `"${c}" = t."${c}" + excluded."${c}"`).join(', ')};
    $$;`);
    this.addSql(`create function "suggestions"."suggestions_rollup"() returns trigger language plpgsql as $$
      begin
        if tg_op in ('UPDATE', 'DELETE') then perform "suggestions"."apply_rollup"(old, -1); end if;
        if tg_op in ('INSERT', 'UPDATE') then perform "suggestions"."apply_rollup"(new, 1); end if;
        return null;
      end $$;`);
    this.addSql(`create trigger "suggestions_rollup_rows" after insert or delete on "suggestions"."suggestions"
      for each row execute function "suggestions"."suggestions_rollup"();`);
    this
      .addSql(`create trigger "suggestions_rollup_changes" after update of "year", "region_code", "lead_unit_id", "is_key",
      "reply_category", "reply_on_time", "latest_result", "coercion_risk" on "suggestions"."suggestions"
      for each row execute function "suggestions"."suggestions_rollup"();`);
    // Bulk loads switch the triggers off and rebuild once.
    this.addSql(`create function "suggestions"."rebuild_rollups"() returns void language sql as $$
      delete from "suggestions"."suggestion_rollups";
      insert into "suggestions"."suggestion_rollups" ("year", "region_code", "lead_unit_id", ${counters.map(([c]) => `"${c}"`).join(', ')})
      select r.year, r.region_code, r.lead_unit_id, ${counters.map(([, e]) => `sum(${e})`).join(', ')}
      from "suggestions"."suggestions" r group by r.year, r.region_code, r.lead_unit_id;
    $$;`);
    this.addSql(`select "suggestions"."rebuild_rollups"();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger "suggestions_rollup_changes" on "suggestions"."suggestions";`);
    this.addSql(`drop trigger "suggestions_rollup_rows" on "suggestions"."suggestions";`);
    this.addSql(`drop function "suggestions"."rebuild_rollups"();`);
    this.addSql(`drop function "suggestions"."suggestions_rollup"();`);
    this.addSql(`drop function "suggestions"."apply_rollup"("suggestions"."suggestions", int);`);
    this.addSql(`drop table "suggestions"."suggestion_rollups";`);
  }
}
