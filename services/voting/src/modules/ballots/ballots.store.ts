import type { EntityManager } from '@mikro-orm/postgresql';
import { sqlTable } from '@renda/db/tables';
import { ProjectSchema } from '../projects/project.entity.ts';
import { placeholders, query, run } from '../sql.ts';
import {
  BallotCandidateSchema,
  BallotParticipationSchema,
  BallotRollSchema,
  BallotSchema,
  BallotTallySchema,
} from './ballot.entity.ts';

/**
 * The statements of the ballots module, each table named from the ORM's metadata. V-3: every one goes through
 * `query`/`run` (`../sql.ts`), so each value (a deputy, a candidate, a count) is a bound parameter and never
 * part of the statement text. A ballot's own counter table is named by `countsTable` (`../secrecy.ts`): a
 * table per ballot, not an entity. The service keeps the rules.
 */
const tables = (em: EntityManager) => ({
  ballots: sqlTable(em, BallotSchema),
  roll: sqlTable(em, BallotRollSchema),
  participation: sqlTable(em, BallotParticipationSchema),
  candidates: sqlTable(em, BallotCandidateSchema),
  tallies: sqlTable(em, BallotTallySchema),
  projects: sqlTable(em, ProjectSchema),
});

/** The candidates of the ballots `ids`, in ballot-paper order. */
export function candidateRows(
  em: EntityManager,
  ids: readonly string[],
): Promise<{ ballot_id: string; candidate_id: string; position: number }[]> {
  return query<{ ballot_id: string; candidate_id: string; position: number }>(
    em,
    `select "ballot_id", "candidate_id", "position" from ${tables(em).candidates}
          where "ballot_id" in (${placeholders(ids.length, '?::uuid')}) order by "ballot_id", "position"`,
    ids,
  );
}

export interface TallyRow {
  ballot_id: string;
  candidate_id: string;
  position: number;
  votes_for: number;
  votes_against: number;
  abstentions: number;
  final: boolean;
  passed: boolean;
  elected: boolean;
  tied: boolean;
}

/** The totals of the closed ballots `ids`, in ballot-paper order. */
export function tallyRows(em: EntityManager, ids: readonly string[]): Promise<TallyRow[]> {
  return query<TallyRow>(
    em,
    `select "ballot_id", "candidate_id", "position", "votes_for", "votes_against", "abstentions", "final", "passed", "elected", "tied"
           from ${tables(em).tallies} where "ballot_id" in (${placeholders(ids.length, '?::uuid')}) order by "ballot_id", "position"`,
    ids,
  );
}

/** The row of a ballot that opens (OPEN, nothing cast yet). */
export interface NewBallot {
  id: string;
  programId: string;
  regionCode: string;
  year: number;
  seats: number;
  runOff: boolean;
  rollSize: number;
  openedAt: Date;
  method: string;
}

/** Inserts an opening ballot. */
export async function insertBallot(em: EntityManager, b: NewBallot): Promise<void> {
  await run(
    em,
    `insert into ${tables(em).ballots} ("id", "program_id", "region_code", "year", "status", "seats", "run_off",
           "roll_size", "ballots_cast", "opened_at", "closed_at", "method")
         values (?, ?, ?, ?, 'OPEN', ?, ?, ?, 0, ?, null, ?)`,
    [b.id, b.programId, b.regionCode, b.year, b.seats, b.runOff, b.rollSize, b.openedAt, b.method],
  );
}

/** Inserts deputies of a ballot's roll (a part of at most 1000). */
export async function insertRoll(em: EntityManager, ballotId: string, deputyIds: readonly string[]): Promise<void> {
  await run(
    em,
    `insert into ${tables(em).roll} ("ballot_id", "deputy_id") values ${placeholders(deputyIds.length, '(?, ?)')}`,
    deputyIds.flatMap((d) => [ballotId, d]),
  );
}

/** Inserts the candidates of a ballot in ballot-paper order (position 1, 2, …). */
export async function insertCandidates(
  em: EntityManager,
  ballotId: string,
  candidateIds: readonly string[],
): Promise<void> {
  await run(
    em,
    `insert into ${tables(em).candidates} ("ballot_id", "candidate_id", "position") values ${placeholders(candidateIds.length, '(?, ?, ?)')}`,
    candidateIds.flatMap((c, i) => [ballotId, c, i + 1]),
  );
}

/** Creates an ONLINE ballot's own counter table `counts` (see `countsTable`), one zero row per candidate. */
export async function createCounts(em: EntityManager, counts: string, candidateIds: readonly string[]): Promise<void> {
  await run(
    em,
    `create table ${counts} ("candidate_id" uuid not null primary key, "votes_for" int not null default 0, "votes_against" int not null default 0, "abstentions" int not null default 0)`,
  );
  await run(em, `insert into ${counts} ("candidate_id") values ${placeholders(candidateIds.length, '(?)')}`, [
    ...candidateIds,
  ]);
}

/** Drops a ballot's counter table (at close, once its totals are copied). */
export async function dropCounts(em: EntityManager, counts: string): Promise<void> {
  await run(em, `drop table ${counts}`);
}

/** Whether a deputy is on a ballot's roll. */
export async function isOnRollRow(em: EntityManager, ballotId: string, deputyId: string): Promise<boolean> {
  return (
    (
      await query(em, `select 1 from ${tables(em).roll} where "ballot_id" = ? and "deputy_id" = ?`, [
        ballotId,
        deputyId,
      ])
    ).length > 0
  );
}

/** Turns an OPEN ballot CLOSED at `closedAt`: the number of rows closed (0 if it was closed already). */
export function closeBallotRow(em: EntityManager, ballotId: string, closedAt: Date): Promise<number> {
  return run(
    em,
    `update ${tables(em).ballots} set "status" = 'CLOSED', "closed_at" = ? where "id" = ? and "status" = 'OPEN'`,
    [closedAt, ballotId],
  );
}

/** A candidate's totals read from a ballot's counter table. */
export interface CountRow {
  candidate_id: string;
  position: number;
  votes_for: number;
  votes_against: number;
  abstentions: number;
}

/** The totals of an ONLINE ballot from its counter table `counts`, in ballot-paper order. */
export function onlineCounts(em: EntityManager, counts: string, ballotId: string): Promise<CountRow[]> {
  return query<CountRow>(
    em,
    `select k."candidate_id", c."position", k."votes_for", k."votes_against", k."abstentions"
           from ${counts} k
           join ${tables(em).candidates} c on c."ballot_id" = ? and c."candidate_id" = k."candidate_id"
          order by c."position"`,
    [ballotId],
  );
}

/** Inserts the final totals of a closed ballot with their outcome, one row per candidate. */
export async function insertTallies(
  em: EntityManager,
  ballotId: string,
  counts: readonly CountRow[],
  outcome: { passed: ReadonlySet<string>; elected: readonly string[]; tied: readonly string[] },
): Promise<void> {
  await run(
    em,
    `insert into ${tables(em).tallies}
         ("ballot_id", "candidate_id", "position", "votes_for", "votes_against", "abstentions", "final", "passed", "elected", "tied")
       values ${placeholders(counts.length, '(?, ?, ?, ?, ?, ?, true, ?, ?, ?)')}`,
    counts.flatMap((c) => [
      ballotId,
      c.candidate_id,
      c.position,
      c.votes_for,
      c.votes_against,
      c.abstentions,
      outcome.passed.has(c.candidate_id),
      outcome.elected.includes(c.candidate_id),
      outcome.tied.includes(c.candidate_id),
    ]),
  );
}

/** The number of projects of a program already elected (ELECTED, IN_PROGRESS or COMPLETED). */
export async function electedCount(em: EntityManager, programId: string): Promise<number> {
  const [{ n }] = (await query<{ n: number }>(
    em,
    `select count(*)::int as n from ${tables(em).projects} where "program_id" = ? and "status" in ('ELECTED', 'IN_PROGRESS', 'COMPLETED')`,
    [programId],
  )) as [{ n: number }];
  return n;
}

/** A CANDIDATE project turns ELECTED with its rank. */
export async function markElected(em: EntityManager, projectId: string, rank: number): Promise<void> {
  await run(
    em,
    `update ${tables(em).projects} set "status" = 'ELECTED', "rank" = ? where "id" = ? and "status" = 'CANDIDATE'`,
    [rank, projectId],
  );
}

/** Every CANDIDATE project left in a program turns NOT_ELECTED. */
export async function markNotElected(em: EntityManager, programId: string): Promise<void> {
  await run(
    em,
    `update ${tables(em).projects} set "status" = 'NOT_ELECTED' where "program_id" = ? and "status" = 'CANDIDATE'`,
    [programId],
  );
}

/** The deputies on a ballot's roll, by id. */
export async function rollOf(em: EntityManager, ballotId: string): Promise<string[]> {
  const roll = await query<{ deputy_id: string }>(
    em,
    `select "deputy_id" from ${tables(em).roll} where "ballot_id" = ? order by "deputy_id"`,
    [ballotId],
  );
  return roll.map((r) => r.deputy_id);
}

/** Deputy.ballotsCast: the participation rows per (deputy, year) pair. */
export function ballotsCastRows(
  em: EntityManager,
  pairs: readonly (readonly [string, string])[],
): Promise<{ deputy_id: string; year: number; n: number }[]> {
  const t = tables(em);
  return query<{ deputy_id: string; year: number; n: number }>(
    em,
    `select p."deputy_id", b."year", count(*)::int as n
           from ${t.participation} p join ${t.ballots} b on b."id" = p."ballot_id"
          where (p."deputy_id", b."year") in (${pairs.map(() => '(?::uuid, ?::int)').join(', ')})
          group by p."deputy_id", b."year"`,
    pairs.flatMap(([d, y]) => [d, Number(y)]),
  );
}
