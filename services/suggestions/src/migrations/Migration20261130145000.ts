import { Migration } from '@mikro-orm/migrations';
import { partitionByYearSql } from '@renda/db/partitions';

/**
 * Items and their steps partitioned by year (docs/scale.md). `suggestions` keeps its rows, checks,
 * indexes, the rollup triggers and their functions; its primary key becomes (id, year), and the key
 * registry `suggestion_keys` keeps what must hold across years: one item per id (the other tables'
 * foreign keys now point at it), one serial per register and kind, one item per referred opinion (D-10).
 * `process_steps` gains the item's year (a foreign key to (id, year) that follows a change of year), so
 * an item and its steps share one year partition and its (item, ordinal) unique keeps its meaning.
 */
export class Migration20261130145000 extends Migration {
  override async up(): Promise<void> {
    const items = partitionByYearSql({
      table: 'suggestions.suggestions',
      column: 'year',
      kind: 'year',
      registry: {
        table: 'suggestions.suggestion_keys',
        columns: {
          register_key: 'varchar(60) not null',
          kind: 'varchar(16) not null',
          serial_number: 'int not null',
          source_contact_id: 'uuid null',
          source_opinion_index: 'int null',
        },
        uniques: {
          suggestions_register_kind_serial_unique: ['register_key', 'kind', 'serial_number'],
          // Was a unique index where source_contact_id is not null: NULLs are distinct, the same rows.
          suggestions_source_opinion_unique: ['source_contact_id', 'source_opinion_index'],
        },
      },
    });
    const steps = partitionByYearSql({
      table: 'suggestions.process_steps',
      column: 'year',
      kind: 'year',
      addYear: '(select k."year" from "suggestions"."suggestion_keys" k where k."id" = o."suggestion_id")',
    });
    for (const sql of [...items, ...steps]) this.addSql(sql);
    this.addSql(`alter table "suggestions"."process_steps" add constraint "process_steps_suggestion_fk"
      foreign key ("suggestion_id", "year") references "suggestions"."suggestions" ("id", "year")
      on update cascade deferrable initially deferred;`);
  }

  override async down(): Promise<void> {
    this.addSql(
      `do $$ begin
        raise exception 'Migration20261130145000 (year partitions) is not reversed: restore a backup';
      end $$;`,
    );
  }
}
