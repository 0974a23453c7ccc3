import type { EntityManager } from '@mikro-orm/postgresql';
import { sqlTable } from '@renda/db/tables';
import { ProjectSchema } from '../projects/project.entity.ts';
import { placeholders, query, run } from '../sql.ts';
import {
  EvaluationGroupTallySchema,
  EvaluationItemSchema,
  EvaluationMemberParticipationSchema,
  EvaluationMemberRollSchema,
  EvaluationRollSchema,
  EvaluationRoundSchema,
  EvaluationTallySchema,
  type RaterGroup,
} from './evaluation.entity.ts';

/**
 * The statements of the evaluations module (satisfaction rounds), each table named from the ORM's metadata.
 * V-3, V-4: every one goes through `query`/`run` (`../sql.ts`), so each value (a rater, a project, a count) is a
 * bound parameter and never part of the statement text. A round's own counter tables are named by
 * `groupCountsTable` (`countsTable` of `../secrecy.ts`): tables per round, not entities. The service keeps the
 * rules.
 */
const tables = (em: EntityManager) => ({
  rounds: sqlTable(em, EvaluationRoundSchema),
  roll: sqlTable(em, EvaluationRollSchema),
  memberRoll: sqlTable(em, EvaluationMemberRollSchema),
  memberParticipation: sqlTable(em, EvaluationMemberParticipationSchema),
  items: sqlTable(em, EvaluationItemSchema),
  tallies: sqlTable(em, EvaluationTallySchema),
  groupTallies: sqlTable(em, EvaluationGroupTallySchema),
  projects: sqlTable(em, ProjectSchema),
});

/** The projects the rounds `ids` rate, by round then project id. */
export function itemRows(
  em: EntityManager,
  ids: readonly string[],
): Promise<{ round_id: string; project_id: string }[]> {
  return query<{ round_id: string; project_id: string }>(
    em,
    `select "round_id", "project_id" from ${tables(em).items} where "round_id" in (${placeholders(ids.length, '?::uuid')}) order by "round_id", "project_id"`,
    ids,
  );
}

/** The row of a round that opens (OPEN, no response yet). */
export interface NewRound {
  id: string;
  programId: string;
  regionCode: string;
  year: number;
  rollSize: number;
  openedAt: Date;
  sessionId: string | null;
  raters: string;
}

/** Inserts an opening round. */
export async function insertRound(em: EntityManager, r: NewRound): Promise<void> {
  await run(
    em,
    `insert into ${tables(em).rounds}
           ("id", "program_id", "region_code", "year", "status", "roll_size", "responses", "opened_at", "closed_at",
            "session_id", "raters")
         values (?, ?, ?, ?, 'OPEN', ?, 0, ?, null, ?, ?)`,
    [r.id, r.programId, r.regionCode, r.year, r.rollSize, r.openedAt, r.sessionId, r.raters],
  );
}

/** Inserts deputies of a round's roll with their rater group (a part of at most 1000). */
export async function insertRoll(
  em: EntityManager,
  roundId: string,
  part: readonly (readonly [string, RaterGroup])[],
): Promise<void> {
  await run(
    em,
    `insert into ${tables(em).roll} ("round_id", "deputy_id", "rater_group")
           values ${placeholders(part.length, '(?, ?, ?)')}`,
    part.flatMap(([d, g]) => [roundId, d, g]),
  );
}

/** Inserts the committee members' roll of a round (V-7). */
export async function insertMemberRoll(
  em: EntityManager,
  roundId: string,
  memberIds: readonly string[],
): Promise<void> {
  await run(
    em,
    `insert into ${tables(em).memberRoll} ("round_id", "member_id")
           values ${placeholders(memberIds.length, '(?, ?)')}`,
    memberIds.flatMap((m) => [roundId, m]),
  );
}

/** Inserts the projects a round rates. */
export async function insertItems(em: EntityManager, roundId: string, projectIds: readonly string[]): Promise<void> {
  await run(
    em,
    `insert into ${tables(em).items} ("round_id", "project_id")
           values ${placeholders(projectIds.length, '(?, ?)')}`,
    projectIds.flatMap((p) => [roundId, p]),
  );
}

/** Creates one rater group's counter table `counts` of a round, one zero row per project (if any). */
export async function createCounts(em: EntityManager, counts: string, projectIds: readonly string[]): Promise<void> {
  await run(
    em,
    `create table ${counts} ("project_id" uuid not null primary key, "satisfied" int not null default 0,
             "basically_satisfied" int not null default 0, "dissatisfied" int not null default 0)`,
  );
  if (projectIds.length) {
    await run(em, `insert into ${counts} ("project_id") values ${placeholders(projectIds.length, '(?)')}`, [
      ...projectIds,
    ]);
  }
}

/** Drops a round's counter table (at close, once its totals are copied). */
export async function dropCounts(em: EntityManager, counts: string): Promise<void> {
  await run(em, `drop table ${counts}`);
}

/** Whether a committee member is on a round's members' roll (V-7). */
export async function isOnMemberRoll(em: EntityManager, roundId: string, memberId: string): Promise<boolean> {
  const onRoll = await query(em, `select 1 from ${tables(em).memberRoll} where "round_id" = ? and "member_id" = ?`, [
    roundId,
    memberId,
  ]);
  return onRoll.length > 0;
}

/** The rater group of a deputy on a round's roll; none when not on it. */
export async function rollGroupOf(
  em: EntityManager,
  roundId: string,
  deputyId: string,
): Promise<'DEPUTIES' | 'SUPERVISION_GROUP' | undefined> {
  const [row] = await query<{ rater_group: 'DEPUTIES' | 'SUPERVISION_GROUP' }>(
    em,
    `select "rater_group" from ${tables(em).roll} where "round_id" = ? and "deputy_id" = ?`,
    [roundId, deputyId],
  );
  return row?.rater_group;
}

/** Turns an OPEN round CLOSED at `closedAt`: the number of rows closed (0 if it was closed already). */
export function closeRoundRow(em: EntityManager, roundId: string, closedAt: Date): Promise<number> {
  return run(
    em,
    `update ${tables(em).rounds} set "status" = 'CLOSED', "closed_at" = ?
        where "id" = ? and "status" = 'OPEN'`,
    [closedAt, roundId],
  );
}

/** Copies one rater group's totals from its counter table `counts` into the group tallies. */
export async function insertGroupTallies(
  em: EntityManager,
  roundId: string,
  group: RaterGroup,
  counts: string,
): Promise<void> {
  await run(
    em,
    `insert into ${tables(em).groupTallies}
           ("round_id", "project_id", "rater_group", "satisfied", "basically_satisfied", "dissatisfied")
         select ?::uuid, "project_id", ?, "satisfied", "basically_satisfied", "dissatisfied" from ${counts}`,
    [roundId, group],
  );
}

/** Inserts each project's final totals: the sum over the round's counter tables `counts`. */
export async function insertTallies(em: EntityManager, roundId: string, counts: readonly string[]): Promise<void> {
  await run(
    em,
    `insert into ${tables(em).tallies} ("round_id", "project_id", "satisfied", "basically_satisfied", "dissatisfied", "final")
       select ?::uuid, "project_id", sum("satisfied")::int, sum("basically_satisfied")::int,
              sum("dissatisfied")::int, true
         from (${counts.map((t) => `select * from ${t}`).join(' union all ')}) as k
        group by "project_id"`,
    [roundId],
  );
}

/** The deputies on a round's roll, by id. */
export async function rollOf(em: EntityManager, roundId: string): Promise<string[]> {
  const roll = await query<{ deputy_id: string }>(
    em,
    `select "deputy_id" from ${tables(em).roll} where "round_id" = ? order by "deputy_id"`,
    [roundId],
  );
  return roll.map((r) => r.deputy_id);
}

export interface GroupTallyRow {
  round_id: string;
  project_id: string;
  rater_group: RaterGroup;
  satisfied: number;
  basically_satisfied: number;
  dissatisfied: number;
}

/** The group tallies of the rounds `ids`, in project order then group order. */
export function groupTallyRows(em: EntityManager, ids: readonly string[]): Promise<GroupTallyRow[]> {
  const t = tables(em);
  return query<GroupTallyRow>(
    em,
    `select t."round_id", t."project_id", t."rater_group", t."satisfied", t."basically_satisfied", t."dissatisfied"
           from ${t.groupTallies} t join ${t.projects} p on p."id" = t."project_id"
          where t."round_id" in (${placeholders(ids.length, '?::uuid')})
          order by t."round_id", p."rank" nulls last, p."position",
                   array_position(array['DEPUTIES', 'COMMITTEE_MEMBERS', 'SUPERVISION_GROUP']::text[],
                                  t."rater_group"::text)`,
    ids,
  );
}

/** The raters on a round's rolls per group (the members' roll counted as COMMITTEE_MEMBERS). */
export function rollSizeRows(em: EntityManager, roundId: string): Promise<{ rater_group: RaterGroup; n: number }[]> {
  const t = tables(em);
  return query<{ rater_group: RaterGroup; n: number }>(
    em,
    `select "rater_group", count(*)::int as n from ${t.roll}
      where "round_id" = ? group by "rater_group"
     union all
     select 'COMMITTEE_MEMBERS', count(*)::int from ${t.memberRoll} where "round_id" = ?`,
    [roundId, roundId],
  );
}

/** Whether a committee member has responded in a round. */
export async function memberResponded(em: EntityManager, roundId: string, memberId: string): Promise<boolean> {
  const rows = await query(
    em,
    `select 1 from ${tables(em).memberParticipation} where "round_id" = ? and "member_id" = ?`,
    [roundId, memberId],
  );
  return rows.length > 0;
}
