import type { Knex } from '@mikro-orm/postgresql';
import { schemaOf, sqlTable, type Names } from '@renda/db/tables';
import { notYetReminded } from '@renda/outbox/reminders';
import { BallotRollSchema, BallotSchema } from '../ballots/ballot.entity.ts';
import { ProgramSchema } from '../programs/program.entity.ts';

/**
 * The statements of the reminder jobs. A job runs in the reminder loop with a knex and no EntityManager: its
 * tables are named from the ORM's metadata (`names`: the ORM, given to the jobs).
 */
const tables = (names: Names) => ({
  ballots: sqlTable(names, BallotSchema),
  roll: sqlTable(names, BallotRollSchema),
  programs: sqlTable(names, ProgramSchema),
});

export interface OpenBallotRow {
  id: string;
  program_id: string;
  region_code: string;
  opened_at: Date;
  method: string;
  title: string;
  roll: string[] | null;
}

/**
 * V-6: up to `batch` ballots OPEN since `since` or earlier and not yet reminded of, oldest first, each with its
 * program's title and its whole roll. Read in a transaction of its own.
 */
export function openBallotsToRemind(names: Names, knex: Knex, since: string, batch: number): Promise<OpenBallotRow[]> {
  const t = tables(names);
  return knex.transaction(
    async (trx) =>
      (
        (await trx.raw(
          `select b."id", b."program_id", b."region_code", b."opened_at", b."method", p."title",
                   (select array_agg(r."deputy_id"::text order by r."deputy_id") from ${t.roll} r where r."ballot_id" = b."id") as "roll"
                 from ${t.ballots} b join ${t.programs} p on p."id" = b."program_id"
                 where b."status" = 'OPEN' and b."opened_at" <= ?::timestamptz
                   and ${notYetReminded(schemaOf(names), 'ballot-open', 'b."id"', `(b."opened_at" at time zone 'Asia/Shanghai')::date`)}
                 order by b."opened_at", b."id" limit ${batch}`,
          [since],
        )) as { rows: OpenBallotRow[] }
      ).rows,
  );
}
