import { conflict, isCoded } from '@renda/errors/errors';
import { isId } from '@renda/db/ids';
import type { ServiceContext } from '@renda/server-kit/context';
import type { EntityManager } from '@mikro-orm/postgresql';
import { sqlTable } from '@renda/db/tables';
import { BallotParticipationSchema, BallotSchema } from './ballots/ballot.entity.ts';
import {
  EvaluationMemberParticipationSchema,
  EvaluationParticipationSchema,
  EvaluationRoundSchema,
} from './evaluations/evaluation.entity.ts';
import { isUniqueViolation } from './inputs.ts';
import { placeholders, query, run } from './sql.ts';

/** V-3 secrecy: the secret write of a ballot or a rating, participation, and the per-parent counter tables. */

/** The entities of the tables the secret write names, by table name: each named in SQL from the ORM's metadata. */
const secretEntities = {
  ballots: BallotSchema,
  evaluation_rounds: EvaluationRoundSchema,
  ballot_participation: BallotParticipationSchema,
  evaluation_participation: EvaluationParticipationSchema,
  evaluation_member_participation: EvaluationMemberParticipationSchema,
} as const;

/** `"schema"."table"` of one of the secret write's tables (issue 9: table names from metadata). */
function secretTable(em: EntityManager, table: keyof typeof secretEntities): string {
  return sqlTable(em, secretEntities[table]);
}

/**
 * Runs the write of a secret ballot or rating. Errors the database raises are replaced by a plain
 * message (the driver's text can quote the statement and its parameters, i.e. the choices); only
 * the SQLSTATE is logged.
 */
export async function secretWrite<T>(ctx: ServiceContext, what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (isCoded(e)) throw e;
    if (isUniqueViolation(e)) throw conflict(`Your ${what} was already recorded; each deputy on the roll sends one.`);
    ctx.log.error({ sqlState: (e as { code?: unknown }).code ?? null, what }, 'a secret write failed');
    throw new Error(`Your ${what} could not be recorded and nothing was counted; send it again.`);
  }
}

/**
 * Whether a deputy took part in a ballot or a rating round: participation rows only, which say
 * nothing about the choice. Batched per request over (parent, deputy) pairs.
 */
export function participated(
  ctx: ServiceContext,
  table: 'ballot_participation' | 'evaluation_participation',
  parentColumn: 'ballot_id' | 'round_id',
  parentId: string,
  deputyId: string,
): Promise<boolean> {
  return ctx.loaders
    .get<string, boolean>(`participation.${table}`, async (keys) => {
      const pairs = keys.map((k) => k.split('|') as [string, string]).filter(([p, d]) => isId(p) && isId(d));
      if (!pairs.length) return keys.map(() => false);
      const rows = await query<{ parent: string; deputy_id: string }>(
        ctx.em,
        `select "${parentColumn}" as parent, deputy_id from ${secretTable(ctx.em, table)}
          where ("${parentColumn}", deputy_id) in (${placeholders(pairs.length, '(?::uuid, ?::uuid)')})`,
        pairs.flat(),
      );
      const found = new Set(rows.map((r) => `${r.parent}|${r.deputy_id}`));
      return keys.map((k) => found.has(k));
    })
    .load(`${parentId}|${deputyId}`);
}

/**
 * The one secret write of a ballot or a rating round (V-3): in one transaction, count one more
 * response on the parent row (only while it is OPEN; the row lock also serializes the responses of
 * one parent and orders them before its close), insert the participation row (its primary key
 * refuses a second response: CONFLICT, never a check-then-insert), and add the response to the
 * parent's own counter table (`countsTable`), every row of it, with one statement of the same shape
 * whatever was chosen. Every value is a bound parameter (`sql.ts`): no deputy, key or mark is in
 * the statement text. Nothing written names both the deputy and what they chose.
 */
export async function recordSecretResponse(
  ctx: ServiceContext,
  spec: {
    what: 'ballot' | 'response';
    parent: { table: 'ballots' | 'evaluation_rounds'; counter: 'ballots_cast' | 'responses'; id: string };
    participation: {
      table: 'ballot_participation' | 'evaluation_participation' | 'evaluation_member_participation';
      parentColumn: 'ballot_id' | 'round_id';
      /** `deputy_id` (default), or `member_id` for committee members rating (V-7). */
      raterColumn?: 'deputy_id' | 'member_id';
    };
    counts: { table: string; keyColumn: 'candidate_id' | 'project_id'; counters: readonly [string, string, string] };
    deputyId: string;
    /** One row per counter row: its key and the three increments. */
    increments: readonly (readonly [string, number, number, number])[];
    closedMessage: string;
    duplicateMessage: string;
  },
): Promise<void> {
  const { parent, participation, counts } = spec;
  const [c1, c2, c3] = counts.counters;
  await secretWrite(ctx, spec.what, () =>
    ctx.em.transactional(async (tx) => {
      const counted = await run(
        tx,
        `update ${secretTable(tx, parent.table)} set "${parent.counter}" = "${parent.counter}" + 1 where "id" = ? and "status" = 'OPEN'`,
        [parent.id],
      );
      if (counted !== 1) throw conflict(spec.closedMessage);
      try {
        const rater = participation.raterColumn ?? 'deputy_id';
        await run(
          tx,
          `insert into ${secretTable(tx, participation.table)} ("${participation.parentColumn}", "${rater}") values (?, ?)`,
          [parent.id, spec.deputyId],
        );
      } catch (e) {
        if (isUniqueViolation(e)) throw conflict(spec.duplicateMessage);
        throw e;
      }
      const added = await run(
        tx,
        `update ${counts.table} as t
            set "${c1}" = t."${c1}" + m.x1, "${c2}" = t."${c2}" + m.x2, "${c3}" = t."${c3}" + m.x3
           from (values ${placeholders(spec.increments.length, '(?::uuid, ?::int, ?::int, ?::int)')}) as m(k, x1, x2, x3)
          where t."${counts.keyColumn}" = m.k`,
        spec.increments.flat(),
      );
      if (added !== spec.increments.length) throw new Error(`counter rows changed under an open ${spec.what}`);
    }),
  );
}

/**
 * The per-ballot (or per-round) counter table: created when voting opens, dropped in the closing
 * transaction after its totals are copied into the result table. Its name holds the parent's id,
 * checked to be a uuid (the only thing ever written into the SQL text). A rating round has one table
 * per rater group (V-7): the deputies' has no suffix, the others `_committee` / `_supervision`.
 */
export function countsTable(
  kind: 'ballot' | 'evaluation',
  parentId: string,
  group?: 'committee' | 'supervision',
): string {
  if (!isId(parentId)) throw new Error('counter tables are named after a uuid');
  return `"voting"."${kind}_counts_${parentId.replace(/-/g, '')}${group ? `_${group}` : ''}"`;
}
