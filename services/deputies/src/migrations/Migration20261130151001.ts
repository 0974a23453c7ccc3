import { Migration } from '@mikro-orm/migrations';

const schema = 'deputies';

/** [table, column, referenced table, referenced column (default id)]: references inside this service. */
const foreignKeys: [string, string, string, string?][] = [
  ['deputies', 'congress_id', 'congresses'],
  ['deputies', 'group_id', 'deputy_groups'],
  ['deputies', 'station_id', 'liaison_stations'],
  ['congress_sessions', 'congress_id', 'congresses'],
  ['committee_members', 'congress_id', 'congresses'],
  ['committee_assignments', 'member_id', 'committee_members'],
  ['committee_assignments', 'deputy_id', 'deputies'],
  ['leader_links', 'leader_id', 'government_leaders'],
  ['leader_links', 'deputy_id', 'deputies'],
  ['contact_records', 'deputy_id', 'deputies'],
  ['contact_records', 'committee_member_id', 'committee_members'],
  ['contact_records', 'government_leader_id', 'government_leaders'],
  ['contact_records', 'station_id', 'liaison_stations'],
  ['session_attendance', 'session_id', 'congress_sessions'],
  ['session_attendance', 'deputy_id', 'deputies'],
  ['session_attendance', 'congress_id', 'congresses'],
  ['committee_meeting_attendance', 'congress_id', 'congresses'],
  ['regions', 'parent_code', 'regions', 'code'],
];

/** [table, column, values]: enum columns, with the values of their TypeScript unions and SDL enums. */
const enumChecks: [string, string, string[]][] = [
  ['deputies', 'gender', ['MALE', 'FEMALE']],
  ['deputies', 'status', ['ACTIVE', 'TERMINATED', 'RESIGNED', 'RECALLED', 'DECEASED']],
  ['committee_members', 'role', ['CHAIR', 'VICE_CHAIR', 'SECRETARY_GENERAL', 'MEMBER']],
  ['government_leaders', 'role', ['MAYOR', 'VICE_MAYOR']],
  ['contact_records', 'kind', ['COMMITTEE_MEMBER', 'GOVERNMENT_LEADER', 'VOTER', 'GROUP_ACTIVITY', 'DUTY_REPORT']],
  ['contact_records', 'method', ['VISIT', 'MEETING', 'PHONE', 'LETTER', 'ONLINE']],
  ['session_attendance', 'status', ['PRESENT', 'EXCUSED', 'ABSENT']],
  ['regions', 'level', ['PROVINCE', 'CITY', 'COUNTY', 'TOWNSHIP']],
  ['congresses', 'level', ['PROVINCE', 'CITY', 'COUNTY', 'TOWNSHIP']],
];

const foreignKeyName = (table: string, column: string) => `${table}_${column.replace(/_(id|code)$/, '')}_fk`;

/**
 * Integrity in the database: foreign keys between this service's own tables, checked at commit (the rows
 * of one transaction are flushed in any order), and the enum checks the older tables lacked. Ids of
 * other services' records stay plain ids: that is federation's boundary.
 */
export class Migration20261130151001 extends Migration {
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
