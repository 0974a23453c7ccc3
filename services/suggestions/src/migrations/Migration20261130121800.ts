import { Migration } from '@mikro-orm/migrations';

/**
 * F-1: a year's figures count replies given by the day they are measured on, so the covering
 * indexes of the statistics carry the reply date too (the figures stay index-only scans).
 */
export class Migration20261130121800 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`drop index if exists "suggestions"."suggestions_year_region_prefix";`);
    this.addSql(`drop index if exists "suggestions"."suggestions_lead_unit_year";`);
    this.addSql(
      `create index "suggestions_year_region_prefix" on "suggestions"."suggestions" ("year", "region_code" varchar_pattern_ops) include ("is_key", "reply_category", "reply_on_time", "reply_due_on", "replied_on", "latest_result", "coercion_risk", "lead_unit_id");`,
    );
    this.addSql(
      `create index "suggestions_lead_unit_year" on "suggestions"."suggestions" ("lead_unit_id", "year") include ("is_key", "reply_category", "reply_on_time", "reply_due_on", "replied_on", "latest_result", "coercion_risk", "region_code");`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "suggestions"."suggestions_year_region_prefix";`);
    this.addSql(`drop index if exists "suggestions"."suggestions_lead_unit_year";`);
    this.addSql(
      `create index "suggestions_year_region_prefix" on "suggestions"."suggestions" ("year", "region_code" varchar_pattern_ops) include ("is_key", "reply_category", "reply_on_time", "reply_due_on", "latest_result", "coercion_risk", "lead_unit_id");`,
    );
    this.addSql(
      `create index "suggestions_lead_unit_year" on "suggestions"."suggestions" ("lead_unit_id", "year") include ("is_key", "reply_category", "reply_on_time", "reply_due_on", "latest_result", "coercion_risk", "region_code");`,
    );
  }
}
