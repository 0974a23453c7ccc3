import type { SqlEntityManager } from '@mikro-orm/postgresql';
import { sqlTable } from '@renda/db/tables';
import { DeputySchema } from '../deputies/deputy.entity.ts';
import { CommitteeMeetingAttendanceSchema } from '../meetings/meeting.entity.ts';
import { CommitteeMemberSchema, ContactRecordSchema, SessionAttendanceSchema } from '../liaison/liaison.entity.ts';
import { CongressSessionSchema } from '../regions/region.entity.ts';

/**
 * The statements of D-4 and D-11 积分: the counts the deputies service keeps itself, each table named from the
 * ORM's metadata. The service keeps the rules (the scheme, the weights, who may read).
 */
const tables = (em: SqlEntityManager) => ({
  deputies: sqlTable(em, DeputySchema),
  contacts: sqlTable(em, ContactRecordSchema),
  attendance: sqlTable(em, SessionAttendanceSchema),
  sessions: sqlTable(em, CongressSessionSchema),
  members: sqlTable(em, CommitteeMemberSchema),
  meetingAttendance: sqlTable(em, CommitteeMeetingAttendanceSchema),
});

export interface DeputyCountsRow {
  id: string;
  voter: string;
  grp: string;
  reports: string;
  absent: string;
}

/** D-11: per deputy of `ids`, the live contacts of each kind dated `from`–`to` and the sessions opened then that they missed. */
export async function deputyCountRows(
  em: SqlEntityManager,
  ids: readonly string[],
  from: string,
  to: string,
): Promise<DeputyCountsRow[]> {
  const t = tables(em);
  const { rows } = (await em.getKnex().raw(
    `select d.id,
       count(c.id) filter (where c.kind = 'VOTER') as voter,
       count(c.id) filter (where c.kind = 'GROUP_ACTIVITY') as grp,
       count(c.id) filter (where c.kind = 'DUTY_REPORT') as reports,
       (select count(*) from ${t.attendance} a join ${t.sessions} s on s.id = a.session_id
         where a.deputy_id = d.id and a.status = 'ABSENT' and a.withdrawn_at is null and s.opens_on between ? and ?) as absent
     from ${t.deputies} d
     left join ${t.contacts} c on c.deputy_id = d.id and c.withdrawn_at is null and c.occurred_on between ? and ?
     where d.id = any(?::uuid[]) group by d.id`,
    [from, to, from, to, [...ids]],
  )) as { rows: DeputyCountsRow[] };
  return rows;
}

export interface MemberCountsRow {
  id: string;
  contacts: string;
  attended: string;
  absent: string;
}

/** D-4: per committee member of `ids`, their live contacts with deputies and meetings attended and missed, `from`–`to`. */
export async function memberCountRows(
  em: SqlEntityManager,
  ids: string[],
  from: string,
  to: string,
): Promise<MemberCountsRow[]> {
  const t = tables(em);
  const { rows } = (await em.getKnex().raw(
    `select m.id,
             (select count(*) from ${t.contacts} c where c.committee_member_id = m.id and c.kind = 'COMMITTEE_MEMBER' and c.withdrawn_at is null and c.occurred_on between ? and ?) as contacts,
             (select count(*) from ${t.meetingAttendance} a where a.member_id = m.id and a.status = 'PRESENT' and a.withdrawn_at is null and a.held_on between ? and ?) as attended,
             (select count(*) from ${t.meetingAttendance} a where a.member_id = m.id and a.status = 'ABSENT' and a.withdrawn_at is null and a.held_on between ? and ?) as absent
           from ${t.members} m where m.id = any(?::uuid[])`,
    [from, to, from, to, from, to, ids],
  )) as { rows: MemberCountsRow[] };
  return rows;
}
