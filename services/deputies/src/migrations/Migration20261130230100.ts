import { Migration } from '@mikro-orm/migrations';

const s = '"deputies"';
const fn = `'${s}."refresh_deputy_rollups"(uuid[])'::regprocedure`;
const having = 'having sum(x."n") <> 0';
/** The unique key of `deputy_rollups`, by position in the statement's select list (Migration20261130144200). */
const ordered = `${having} order by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11`;

/**
 * F-1 to F-4: two writes for different deputies never deadlock on the rollup rows they share (a region's and
 * its ancestors' rows of one day, one office span). `refresh_deputy_rollups` adds a deputy's old and new
 * parts in one statement; its rows now go in the order of the table's unique key instead of the order the
 * GROUP BY happened to produce, so every such write takes its row locks in one global order (as the
 * suggestions' rollups do since Migration20261130230000).
 */
export class Migration20261130230100 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`do $$
      declare definition text := pg_get_functiondef(${fn});
      begin
        if position('${having}' in definition) = 0 then
          raise exception 'refresh_deputy_rollups() is not as Migration20261130144200 wrote it';
        end if;
        execute replace(definition, '${having}', '${ordered}');
      end $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`do $$
      begin
        execute replace(pg_get_functiondef(${fn}), '${ordered}', '${having}');
      end $$;`);
  }
}
