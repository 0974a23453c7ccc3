import { UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { badInput, conflict, forbidden, isCoded, unauthenticated } from '@renda/errors/errors';
import { isId } from '@renda/db/ids';
import type { ServiceContext } from '@renda/server-kit/context';
import { placeholders, query, run } from './store.ts';

/** An id argument or input field: BAD_USER_INPUT when it is not shaped like an id. */
export function requireId(id: string, field: string): string {
  if (!isId(id)) throw badInput(`${JSON.stringify(id)} is not an id.`, field);
  return id;
}

export function isUniqueViolation(e: unknown): boolean {
  return (
    e instanceof UniqueConstraintViolationException ||
    (typeof e === 'object' && e !== null && (e as { code?: unknown }).code === '23505')
  );
}

/** A money amount in yuan: numeric(14,2), `min` or more (exclusive when `positive`). */
export function requireMoney(value: string, field: string, positive: boolean): string {
  const text = String(value).trim();
  if (!/^\d{1,12}(\.\d{1,2})?$/.test(text))
    throw badInput(`\`${field}\` must be yuan with at most 12 digits and 2 decimals, e.g. "1250000.00".`, field);
  if (positive && Number(text) <= 0) throw badInput(`\`${field}\` must be more than 0.`, field);
  return text;
}

/** Rejects repeated ids in a list, naming the position of the repeat. */
export function requireDistinct(ids: readonly string[], field: string): void {
  const seen = new Set<string>();
  ids.forEach((id, i) => {
    if (seen.has(id)) throw badInput(`${field}[${i}] repeats an id listed before.`, `${field}[${i}]`);
    seen.add(id);
  });
}

interface SiblingDeputy {
  id: string;
  status: string;
  congress: { id: string } | null;
}

/**
 * Checks deputies named in input against the deputies subgraph: each exists, is ACTIVE and sits in
 * `congressId`. Batched: one `_entities` call for the whole list.
 */
export async function requireActiveDeputiesOf(
  ctx: ServiceContext,
  ids: readonly string[],
  congressId: string,
  field: string,
): Promise<void> {
  ids.forEach((id, i) => requireId(id, `${field}[${i}]`));
  const found = await Promise.all(
    ids.map((id) => ctx.siblings.entity<SiblingDeputy>('deputies', 'Deputy', { id }, 'id status congress { id }')),
  );
  found.forEach((deputy, i) => {
    if (!deputy) throw badInput(`${field}[${i}] is not a known deputy.`, `${field}[${i}]`);
    if (deputy.status !== 'ACTIVE')
      throw badInput(`${field}[${i}] is not an ACTIVE deputy (${deputy.status}).`, `${field}[${i}]`);
    if (deputy.congress?.id !== congressId)
      throw badInput(`${field}[${i}] is a deputy of another congress than the program's.`, `${field}[${i}]`);
  });
}

/** The deputy a DEPUTY token speaks for; everyone else (ADMIN included) may not vote or rate. */
export function requireDeputyViewer(ctx: ServiceContext, doing: string): string {
  const viewer = ctx.viewer;
  if (!viewer) throw unauthenticated(`Only a deputy may ${doing}, from their own token: sign in.`);
  if (viewer.role !== 'DEPUTY' || !viewer.deputy)
    throw forbidden(`A ${viewer.role} may not ${doing}: only a deputy on the roll may, from their own token.`);
  return viewer.deputy;
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
        `select "${parentColumn}" as parent, deputy_id from "voting"."${table}"
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
 * whatever was chosen. Every value is a bound parameter (`store.ts`): no deputy, key or mark is in
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
        `update "voting"."${parent.table}" set "${parent.counter}" = "${parent.counter}" + 1 where "id" = ? and "status" = 'OPEN'`,
        [parent.id],
      );
      if (counted !== 1) throw conflict(spec.closedMessage);
      try {
        const rater = participation.raterColumn ?? 'deputy_id';
        await run(
          tx,
          `insert into "voting"."${participation.table}" ("${participation.parentColumn}", "${rater}") values (?, ?)`,
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
