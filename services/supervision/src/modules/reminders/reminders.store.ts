import type { Knex } from '@mikro-orm/postgresql';
import { schemaOf, sqlTable, type Names } from '@renda/db/tables';
import { notYetReminded } from '@renda/outbox/reminders';
import { OpinionItemSchema } from '../opinions/opinion.entity.ts';
import { opinionOverdueParams, opinionOverdueSql } from '../opinions/overdue.ts';

/**
 * The statements of the reminder jobs. A job runs in the reminder loop with a knex and no EntityManager: its
 * tables are named from the ORM's metadata (`names`: the ORM, given to the jobs).
 */
export interface OverdueOpinionItemRow {
  id: string;
  region_code: string;
  unit_id: string;
  source_kind: string;
  source_id: string;
  status: string;
  content: string;
  deadline: string;
}

/** G-3: up to `batch` opinion items overdue on `today` (G-3's predicate) and not yet reminded of. */
export async function overdueOpinionItems(
  names: Names,
  knex: Knex,
  today: string,
  batch: number,
): Promise<OverdueOpinionItemRow[]> {
  return knex.transaction(
    async (trx) =>
      (
        (await trx.raw(
          `select i."id", i."region_code", i."unit_id", i."source_kind", i."source_id", i."status", i."content",
             to_char(i."due_on", 'YYYY-MM-DD') as "deadline"
           from ${sqlTable(names, OpinionItemSchema)} i
           where ${opinionOverdueSql('i', '?::date')}
             and ${notYetReminded(schemaOf(names), 'opinion-item-overdue', 'i."id"', 'i."due_on"')}
           order by i."due_on", i."id" limit ${Math.trunc(batch)}`,
          opinionOverdueParams(today),
        )) as { rows: OverdueOpinionItemRow[] }
      ).rows,
  );
}
