import { Migration } from '@mikro-orm/migrations';

const schema = 'supervision';

/** [table, column, referenced table, referenced column (default id)]: references inside this service. */
const foreignKeys: [string, string, string, string?][] = [
  ['government_units', 'parent_id', 'government_units'],
  ['officials', 'unit_id', 'government_units'],
  ['performance_reviews', 'official_id', 'officials'],
  ['appointment_motions', 'unit_id', 'government_units'],
  ['appointment_motions', 'official_id', 'officials'],
  ['major_matters', 'unit_id', 'government_units'],
  ['filed_documents', 'issuer_id', 'government_units'],
  ['inquiries', 'unit_id', 'government_units'],
  ['meeting_attendance', 'official_id', 'officials'],
  ['meeting_attendance', 'unit_id', 'government_units'],
  ['reports', 'unit_id', 'government_units'],
  ['opinion_items', 'unit_id', 'government_units'],
  ['work_evaluations', 'unit_id', 'government_units'],
  ['activity_units', 'unit_id', 'government_units'],
  ['inspection_deputies', 'inspection_id', 'law_inspections'],
  ['inspection_members', 'inspection_id', 'law_inspections'],
];

/** [table, column, values]: enum columns, with the values of their TypeScript unions and SDL enums. */
const enumChecks: [string, string, string[]][] = [
  [
    'government_units',
    'kind',
    ['GOVERNMENT', 'GOVERNMENT_DEPARTMENT', 'SUPERVISORY_COMMISSION', 'COURT', 'PROCURATORATE', 'OTHER'],
  ],
  ['officials', 'status', ['APPOINTED', 'IN_OFFICE', 'REMOVED']],
  ['major_matters', 'status', ['PLANNED', 'REPORTED', 'DECIDED']],
  ['filed_documents', 'kind', ['REGULATION', 'NORMATIVE_DOCUMENT', 'DECISION']],
  ['filed_documents', 'review_status', ['PENDING', 'NO_ISSUE', 'CORRECTION_REQUESTED', 'CORRECTED', 'REVOKED']],
  [
    'reports',
    'kind',
    [
      'WORK_REPORT',
      'SPECIAL_REPORT',
      'LAW_IMPLEMENTATION',
      'BUDGET_EXECUTION',
      'AUDIT_RECTIFICATION',
      'STATE_ASSETS',
      'GOVERNMENT_DEBT',
    ],
  ],
  ['opinion_items', 'source_kind', ['REPORT', 'INSPECTION', 'EVALUATION', 'RESOLUTION', 'ACTIVITY']],
  ['opinion_items', 'status', ['OPEN', 'REPORTED', 'CLOSED']],
  ['inquiries', 'status', ['FILED', 'ANSWERED', 'REANSWER_REQUIRED', 'CLOSED']],
  ['meeting_attendance', 'status', ['PRESENT', 'EXCUSED', 'ABSENT']],
  ['appointment_motions', 'kind', ['APPOINT', 'REMOVE']],
  ['appointment_motions', 'status', ['SUBMITTED', 'EXAM_PASSED', 'EXAM_FAILED', 'APPROVED', 'REJECTED', 'SWORN_IN']],
];

const foreignKeyName = (table: string, column: string) => `${table}_${column.replace(/_(id|code)$/, '')}_fk`;

/**
 * Integrity in the database: foreign keys between this service's own tables, checked at commit (the rows
 * of one transaction are flushed in any order), and the enum checks the older tables lacked. Ids of
 * other services' records stay plain ids: that is federation's boundary.
 */
export class Migration20261130151003 extends Migration {
  override async up(): Promise<void> {
    for (const [table, column, target, key = 'id'] of foreignKeys) {
      this.addSql(
        `alter table "${schema}"."${table}" add constraint "${foreignKeyName(table, column)}" ` +
          `foreign key ("${column}") references "${schema}"."${target}" ("${key}") deferrable initially deferred;`,
      );
    }
    for (const [table, column, values] of enumChecks) {
      const list = values.map((v) => `'${v}'`).join(', ');
      this.addSql(
        `alter table "${schema}"."${table}" add constraint "${table}_${column}_check" ` +
          `check ("${column}" in (${list}));`,
      );
    }
    // G-6: one motion to remove an official before the committee at a time (submitMotion's check, race-safe).
    this.addSql(
      `create unique index "appointment_motions_one_pending_removal" on "${schema}"."appointment_motions" ` +
        `("official_id") where "kind" = 'REMOVE' and "status" = 'SUBMITTED';`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "${schema}"."appointment_motions_one_pending_removal";`);
    for (const [table, column] of enumChecks) {
      this.addSql(`alter table "${schema}"."${table}" drop constraint "${table}_${column}_check";`);
    }
    for (const [table, column] of foreignKeys) {
      this.addSql(`alter table "${schema}"."${table}" drop constraint "${foreignKeyName(table, column)}";`);
    }
  }
}
