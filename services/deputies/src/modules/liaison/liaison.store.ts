import type { SqlEntityManager } from '@mikro-orm/postgresql';
import { sqlTable } from '@renda/db/tables';
import { DeputySchema } from '../deputies/deputy.entity.ts';
import { CongressSessionSchema } from '../regions/region.entity.ts';
import {
  CommitteeAssignmentSchema,
  CommitteeMemberSchema,
  ContactRecordSchema,
  GovernmentLeaderSchema,
  LeaderLinkSchema,
  SessionAttendanceSchema,
} from './liaison.entity.ts';

/**
 * The statements of the liaison module (assignments, leaders and links, duty counts, session absences), each
 * table named from the ORM's metadata. The services (`liaison.service.ts`, `attendance-corrections.ts`) keep
 * the rules; this file only reads.
 */
const tables = (em: SqlEntityManager) => ({
  deputies: sqlTable(em, DeputySchema),
  members: sqlTable(em, CommitteeMemberSchema),
  assignments: sqlTable(em, CommitteeAssignmentSchema),
  leaders: sqlTable(em, GovernmentLeaderSchema),
  links: sqlTable(em, LeaderLinkSchema),
  contacts: sqlTable(em, ContactRecordSchema),
  attendance: sqlTable(em, SessionAttendanceSchema),
  sessions: sqlTable(em, CongressSessionSchema),
});

/** A table of the query builder's `from` or `join`, under an alias: `"schema"."table" as "alias"` (as the builder quotes it). */
function tableAs(em: SqlEntityManager, table: string, alias: string) {
  return em.getKnex().raw(`${table} as "${alias}"`);
}

/** D-4: the deputies assigned to the members `memberIds`, by deputy name. */
export function assignedDeputyRows(
  em: SqlEntityManager,
  memberIds: readonly string[],
): Promise<{ member_id: string; id: string }[]> {
  const t = tables(em);
  return em
    .getKnex()(tableAs(em, t.assignments, 'a'))
    .join(tableAs(em, t.deputies, 'd'), 'd.id', 'a.deputy_id')
    .whereIn('a.member_id', [...memberIds])
    .select('a.member_id', 'd.id')
    .orderBy('d.name');
}

export interface DutyCountsRow {
  id: string;
  voter: string;
  grp: string;
  committee: string;
  reports: string;
  absent: string;
}

/**
 * D-6, D-7, D-11: per deputy of `ids`, the live contacts of each kind dated `from`–`to` (duty reports: all
 * of them) and the sessions opened then that they missed.
 */
export async function dutyCountRows(
  em: SqlEntityManager,
  ids: string[],
  from: string,
  to: string,
): Promise<DutyCountsRow[]> {
  const t = tables(em);
  const { rows } = (await em.getKnex().raw(
    `select d.id,
             count(*) filter (where c.kind = 'VOTER' and c.occurred_on between ? and ?) as voter,
             count(*) filter (where c.kind = 'GROUP_ACTIVITY' and c.occurred_on between ? and ?) as grp,
             count(*) filter (where c.kind = 'COMMITTEE_MEMBER' and c.occurred_on between ? and ?) as committee,
             count(*) filter (where c.kind = 'DUTY_REPORT') as reports,
             (select count(*) from ${t.attendance} a join ${t.sessions} s on s.id = a.session_id
               where a.deputy_id = d.id and a.status = 'ABSENT' and a.withdrawn_at is null and s.opens_on between ? and ?) as absent
           from ${t.deputies} d left join ${t.contacts} c on c.deputy_id = d.id and c.withdrawn_at is null
           where d.id = any(?::uuid[]) group by d.id`,
    [from, to, from, to, from, to, from, to, ids],
  )) as { rows: DutyCountsRow[] };
  return rows;
}

/** D-5: the leaders of the subtree `code` with fewer than `maxLinked` links. */
export function leadersShortOfLinks(em: SqlEntityManager, code: string, maxLinked: number): Promise<{ id: string }[]> {
  const t = tables(em);
  const knex = em.getKnex();
  const full = knex(knex.raw(t.links)).select('leader_id').groupBy('leader_id').havingRaw('count(*) >= ?', [maxLinked]);
  return knex(knex.raw(t.leaders)).select('id').where('region_code', 'like', `${code}%`).whereNotIn('id', full);
}

/** 常委会组成人员 registered per congress of `congressIds` (those with none are left out). */
export function committeeMemberCounts(
  em: SqlEntityManager,
  congressIds: readonly string[],
): Promise<{ congress_id: string; n: string }[]> {
  const knex = em.getKnex();
  return knex(knex.raw(tables(em).members))
    .select('congress_id')
    .count('* as n')
    .whereIn('congress_id', [...congressIds])
    .groupBy('congress_id') as unknown as Promise<{ congress_id: string; n: string }[]>;
}

/** D-8: the deputy's live ABSENT rows in the congress, in session order. */
export function liveAbsenceRows(
  em: SqlEntityManager,
  deputyId: string,
  congressId: string,
): Promise<{ id: string; session_id: string; opens_on: string; number: number; ended_mandate: boolean }[]> {
  const t = tables(em);
  return em
    .getKnex()(tableAs(em, t.attendance, 'a'))
    .join(tableAs(em, t.sessions, 's'), 's.id', 'a.session_id')
    .select('a.id', 'a.session_id', em.getKnex().raw('s.opens_on::text as opens_on'), 's.number', 'a.ended_mandate')
    .where({ 'a.deputy_id': deputyId, 'a.congress_id': congressId, 'a.status': 'ABSENT' })
    .whereNull('a.withdrawn_at')
    .orderBy([{ column: 's.opens_on' }, { column: 's.number' }]);
}
