import type { Knex } from '@mikro-orm/postgresql';
import { notYetReminded } from '@renda/outbox/reminders';

/**
 * The statements of the reminder jobs. A job runs in the reminder loop with a knex and no EntityManager, so the
 * ORM's metadata is out of reach: its tables are named through the constant map `tables` below (the entities'
 * `tableName`s in the service's schema `voting`); keep it in step with `ballot.entity.ts` and `program.entity.ts`.
 */
const schema = 'voting';
const tables = {
  ballots: `"${schema}"."ballots"`,
  roll: `"${schema}"."ballot_roll"`,
  programs: `"${schema}"."programs"`,
} as const;

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
export function openBallotsToRemind(knex: Knex, since: string, batch: number): Promise<OpenBallotRow[]> {
  return knex.transaction(
    async (trx) =>
      (
        (await trx.raw(
          `select b."id", b."program_id", b."region_code", b."opened_at", b."method", p."title",
                   (select array_agg(r."deputy_id"::text order by r."deputy_id") from ${tables.roll} r where r."ballot_id" = b."id") as "roll"
                 from ${tables.ballots} b join ${tables.programs} p on p."id" = b."program_id"
                 where b."status" = 'OPEN' and b."opened_at" <= ?::timestamptz
                   and ${notYetReminded(schema, 'ballot-open', 'b."id"', `(b."opened_at" at time zone 'Asia/Shanghai')::date`)}
                 order by b."opened_at", b."id" limit ${batch}`,
          [since],
        )) as { rows: OpenBallotRow[] }
      ).rows,
  );
}
