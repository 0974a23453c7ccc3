import { Migration } from '@mikro-orm/migrations';

const schema = 'suggestions';

/**
 * [table, column, referenced table, referenced column (default id)]: references inside this service. An item's
 * id is unique in its key registry `suggestion_keys` (the items are partitioned by year: Migration20261130145000,
 * which also gave `process_steps` its key to the registry).
 */
const foreignKeys: [string, string, string, string?][] = [
  ['suggestion_signers', 'suggestion_id', 'suggestion_keys'],
  ['handling_units', 'suggestion_id', 'suggestion_keys'],
  ['replies', 'suggestion_id', 'suggestion_keys'],
  ['evaluations', 'suggestion_id', 'suggestion_keys'],
  ['supervision_sheets', 'suggestion_id', 'suggestion_keys'],
];

/** [table, column, values]: enum columns, with the values of their TypeScript unions and SDL enums. */
const enumChecks: [string, string, string[]][] = [
  ['suggestions', 'kind', ['SUGGESTION', 'MOTION', 'CPPCC_PROPOSAL', 'VOTER_OPINION']],
  [
    'suggestions',
    'stage',
    [
      'RECEIVED',
      'ASSIGNED',
      'HANDLING',
      'SUPERVISED',
      'REVIEWED',
      'REPLIED',
      'INSPECTED',
      'FOLLOWED_UP',
      'EVALUATED',
      'SUMMARIZED',
      'PUBLISHED',
      'ARCHIVED',
    ],
  ],
  ['suggestions', 'grade', ['LEVEL_1', 'LEVEL_2', 'LEVEL_3', 'LEVEL_4']],
  ['suggestions', 'reply_category', ['SOLVED', 'PLANNED', 'EXPLAINED']],
  ['suggestions', 'latest_result', ['SATISFIED', 'BASICALLY_SATISFIED', 'DISSATISFIED']],
  ['handling_units', 'role', ['LEAD', 'CO_HANDLER']],
  [
    'process_steps',
    'stage',
    [
      'RECEIVED',
      'ASSIGNED',
      'HANDLING',
      'SUPERVISED',
      'REVIEWED',
      'REPLIED',
      'INSPECTED',
      'FOLLOWED_UP',
      'EVALUATED',
      'SUMMARIZED',
      'PUBLISHED',
      'ARCHIVED',
    ],
  ],
  ['replies', 'category', ['SOLVED', 'PLANNED', 'EXPLAINED']],
  ['evaluations', 'attitude', ['SATISFIED', 'BASICALLY_SATISFIED', 'DISSATISFIED']],
  ['evaluations', 'result', ['SATISFIED', 'BASICALLY_SATISFIED', 'DISSATISFIED']],
  ['supervision_sheets', 'kind', ['ASSIGNMENT', 'SUPERVISION', 'REMINDER']],
  ['serial_counters', 'kind', ['SUGGESTION', 'MOTION', 'CPPCC_PROPOSAL', 'VOTER_OPINION']],
  ['deputy_contacts', 'phase', ['BEFORE', 'DURING', 'AFTER']],
  ['deputy_contacts', 'method', ['VISIT', 'PHONE', 'MEETING', 'LETTER', 'ONLINE']],
];

const foreignKeyName = (table: string, column: string) => `${table}_${column.replace(/_(id|code)$/, '')}_fk`;

/**
 * Integrity in the database: foreign keys between this service's own tables, checked at commit (the rows
 * of one transaction are flushed in any order), and the enum checks the older tables lacked. Ids of
 * other services' records stay plain ids: that is federation's boundary.
 */
export class Migration20261130151002 extends Migration {
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
  }

  override async down(): Promise<void> {
    for (const [table, column] of enumChecks) {
      this.addSql(`alter table "${schema}"."${table}" drop constraint "${table}_${column}_check";`);
    }
    for (const [table, column] of foreignKeys) {
      this.addSql(`alter table "${schema}"."${table}" drop constraint "${foreignKeyName(table, column)}";`);
    }
  }
}
