import { Migration } from '@mikro-orm/migrations';

/**
 * F-1 at province scale (issue 10): `supervisionFigures` reads a province's ten years of filings, tens of
 * thousands of rows, from the region-prefix index alone: it now carries what the figures count besides the
 * prefix and the filing day (the due day, the review day, the withdrawal stamp), so that read touches no table
 * page (an index-only scan). `serial_plan()` marks a statement to run on one process: a function is parallel
 * unsafe unless declared otherwise, and PostgreSQL then plans no workers, whose start costs more than these
 * reads (see the deputies' Migration20261130160100).
 */
export class Migration20261130200000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`drop index "supervision"."filed_documents_region_code_prefix";`);
    this.addSql(
      `create index "filed_documents_region_code_prefix" on "supervision"."filed_documents" ("region_code" varchar_pattern_ops, "filed_on") include ("filing_due_on", "reviewed_on", "withdrawn_at");`,
    );
    this.addSql(
      `create function "supervision"."serial_plan"() returns boolean language sql stable parallel unsafe as 'select true';`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop function "supervision"."serial_plan"();`);
    this.addSql(`drop index "supervision"."filed_documents_region_code_prefix";`);
    this.addSql(
      `create index "filed_documents_region_code_prefix" on "supervision"."filed_documents" ("region_code" varchar_pattern_ops, "filed_on");`,
    );
  }
}
