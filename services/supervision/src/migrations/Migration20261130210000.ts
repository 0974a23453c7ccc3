import { Migration } from '@mikro-orm/migrations';

/**
 * Supervision rules written once (issue 9): the derived facts the figures used to recompute in SQL are stored
 * when the record is written — a filing's lateness (G-2, `isFiledLate`), whether a major matter was reported
 * before its decision (G-1, `reportedBeforeDecision`), an exam's verdict (G-6, `passesExam`). Existing rows
 * get the facts their records already show: lateness from the stored due date, the report from the decided
 * matter's report date, the verdict from the motion's status (the pass mark of the day is not recomputed).
 */
export class Migration20261130210000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "supervision"."filed_documents" add column "filed_late" boolean null;`);
    this.addSql(`update "supervision"."filed_documents" set "filed_late" = "filed_on" > "filing_due_on";`);
    this.addSql(`alter table "supervision"."filed_documents" alter column "filed_late" set not null;`);
    this.addSql(`alter table "supervision"."major_matters" add column "reported_before_decision" boolean null;`);
    this.addSql(
      `update "supervision"."major_matters" set "reported_before_decision" = "reported_on" is not null where "status" = 'DECIDED';`,
    );
    this.addSql(`alter table "supervision"."appointment_motions" add column "exam_passed" boolean null;`);
    this.addSql(
      `update "supervision"."appointment_motions" set "exam_passed" = "status" <> 'EXAM_FAILED' where "exam_score" is not null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "supervision"."filed_documents" drop column "filed_late";`);
    this.addSql(`alter table "supervision"."major_matters" drop column "reported_before_decision";`);
    this.addSql(`alter table "supervision"."appointment_motions" drop column "exam_passed";`);
  }
}
