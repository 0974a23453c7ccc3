import { Migration } from '@mikro-orm/migrations';

/**
 * The figures' filings index (Migration20261130200000) carries the stored lateness (G-2, `filed_late`,
 * Migration20261130210000) instead of the due day the figures no longer compare: still an index-only read.
 */
export class Migration20261130210100 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`drop index "supervision"."filed_documents_region_code_prefix";`);
    this.addSql(
      `create index "filed_documents_region_code_prefix" on "supervision"."filed_documents" ("region_code" varchar_pattern_ops, "filed_on") include ("filed_late", "reviewed_on", "withdrawn_at");`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "supervision"."filed_documents_region_code_prefix";`);
    this.addSql(
      `create index "filed_documents_region_code_prefix" on "supervision"."filed_documents" ("region_code" varchar_pattern_ops, "filed_on") include ("filing_due_on", "reviewed_on", "withdrawn_at");`,
    );
  }
}
