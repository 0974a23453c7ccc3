import { UnderscoreNamingStrategy } from '@mikro-orm/postgresql';

/**
 * Names of the constraints the schema generator writes, as the hand-written constraint migrations named
 * them: a foreign key `<table>_<column without _id>_fk` (`ballots_program_fk`), an enum check
 * `<table>_<column>_check`. With the relations declared in the entities, `migration:create` then finds the
 * committed constraints already in place.
 */
export class RendaNamingStrategy extends UnderscoreNamingStrategy {
  override indexName(
    tableName: string,
    columns: string[],
    type: 'primary' | 'foreign' | 'unique' | 'index' | 'sequence' | 'check',
  ): string {
    if (type === 'foreign') {
      const table = tableName.includes('.') ? tableName.slice(tableName.lastIndexOf('.') + 1) : tableName;
      return `${table}_${columns.map((c) => c.replace(/_(id|code)$/, '')).join('_')}_fk`;
    }
    return super.indexName(tableName, columns, type);
  }
}

/**
 * Tables the shared packages own and migrate themselves (the outbox, reminders, feed tombstones) and the
 * year partitions of partitioned tables: the schema generator leaves them alone.
 */
export const generatorSkipsTables: RegExp[] = [
  /^outbox_events/,
  /^reminder_sent$/,
  /^tombstones$/,
  /_y\d{4}$/,
  /_default$/,
];
