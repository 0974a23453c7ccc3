import { Migration } from '@mikro-orm/migrations';

const schema = 'voting';

/** [table, column, referenced table, referenced column (default id)]: references inside this service. */
const foreignKeys: [string, string, string, string?][] = [
  ['ballots', 'program_id', 'programs'],
  ['ballot_roll', 'ballot_id', 'ballots'],
  ['ballot_participation', 'ballot_id', 'ballots'],
  ['ballot_candidates', 'ballot_id', 'ballots'],
  ['ballot_candidates', 'candidate_id', 'projects'],
  ['ballot_tallies', 'ballot_id', 'ballots'],
  ['ballot_tallies', 'candidate_id', 'projects'],
  ['ballot_room_totals', 'candidate_id', 'projects'],
  ['evaluation_rounds', 'program_id', 'programs'],
  ['evaluation_roll', 'round_id', 'evaluation_rounds'],
  ['evaluation_member_roll', 'round_id', 'evaluation_rounds'],
  ['evaluation_member_participation', 'round_id', 'evaluation_rounds'],
  ['evaluation_participation', 'round_id', 'evaluation_rounds'],
  ['evaluation_items', 'round_id', 'evaluation_rounds'],
  ['evaluation_items', 'project_id', 'projects'],
  ['evaluation_tallies', 'round_id', 'evaluation_rounds'],
  ['evaluation_tallies', 'project_id', 'projects'],
  ['evaluation_group_tallies', 'round_id', 'evaluation_rounds'],
  ['evaluation_group_tallies', 'project_id', 'projects'],
  ['proposals', 'program_id', 'programs'],
  ['projects', 'program_id', 'programs'],
  ['projects', 'proposal_id', 'proposals'],
  ['progress_reports', 'project_id', 'projects'],
  ['project_supervisors', 'project_id', 'projects'],
];

/** [table, column, values]: enum columns, with the values of their TypeScript unions and SDL enums. */
const enumChecks: [string, string, string[]][] = [
  ['programs', 'level', ['TOWNSHIP', 'COUNTY', 'CITY']],
  ['programs', 'stage', ['SOLICITING', 'SCREENING', 'VOTING', 'IMPLEMENTING', 'EVALUATING', 'CLOSED']],
  ['ballots', 'status', ['OPEN', 'CLOSED']],
  ['projects', 'status', ['CANDIDATE', 'ELECTED', 'NOT_ELECTED', 'IN_PROGRESS', 'COMPLETED']],
  ['evaluation_rounds', 'status', ['OPEN', 'CLOSED']],
];

const foreignKeyName = (table: string, column: string) => `${table}_${column.replace(/_(id|code)$/, '')}_fk`;

/**
 * Integrity in the database: foreign keys between this service's own tables, checked at commit (the rows
 * of one transaction are flushed in any order), and the enum checks the older tables lacked. Ids of
 * other services' records stay plain ids: that is federation's boundary.
 */
export class Migration20261130151004 extends Migration {
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
