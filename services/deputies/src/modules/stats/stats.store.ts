import type { SqlEntityManager } from '@mikro-orm/postgresql';
import { readKnex } from '@renda/db/replicas';
import { sqlTable } from '@renda/db/tables';
import type { RegionLevel } from '@renda/server-kit/validate';
import { DeputySchema, LiaisonStationSchema } from '../deputies/deputy.entity.ts';
import { ContactRecordSchema, GovernmentLeaderSchema, LeaderLinkSchema } from '../liaison/liaison.entity.ts';
import { CongressSchema, RegionSchema } from '../regions/region.entity.ts';

/**
 * The statements of the deputy statistics other than `deputyFigures` (`figures.store.ts`): the stations and
 * leaders of `deputyStats`, D-7's body averages, the registered regions and the deputies short of duties. Each
 * table is named from the ORM's metadata; each statement is read through a replica when one is configured and
 * the request has not written. The service keeps the rules (who may read, the periods, the rates).
 */
const tables = (em: SqlEntityManager) => ({
  stations: sqlTable(em, LiaisonStationSchema),
  leaders: sqlTable(em, GovernmentLeaderSchema),
  links: sqlTable(em, LeaderLinkSchema),
  deputies: sqlTable(em, DeputySchema),
  contacts: sqlTable(em, ContactRecordSchema),
  congresses: sqlTable(em, CongressSchema),
  regions: sqlTable(em, RegionSchema),
});

export interface StationsAndLeadersRow {
  key: string;
  stations: number;
  compliant: number;
  leaders: number;
  links: number;
  visited: number;
}

/**
 * Per region code, a `union all` of index range scans over the code prefixes: the stations open between
 * `startsOn` and `measuredOn`, those meeting the six standards, the leaders, their links to deputies in office
 * and those links visited between `yearFrom` and `yearTo`.
 */
export async function stationsAndLeadersRows(
  em: SqlEntityManager,
  codes: readonly string[],
  open: { measuredOn: string; startsOn: string },
  yearFrom: string,
  yearTo: string,
): Promise<StationsAndLeadersRow[]> {
  const t = tables(em);
  const part = `select ?::text as key,
         (select count(*) from ${t.stations} where region_code like ?
            and (established_on is null or established_on <= ?) and (closed_on is null or closed_on >= ?))::int as stations,
         (select count(*) from ${t.stations} where region_code like ?
            and (established_on is null or established_on <= ?) and (closed_on is null or closed_on >= ?)
            and premises and rules and plan and activities and records and results)::int as compliant,
         (select count(*) from ${t.leaders} where region_code like ?)::int as leaders,
         (select count(*) from ${t.links} l
            join ${t.leaders} g on g.id = l.leader_id
            join ${t.deputies} d on d.id = l.deputy_id and d.status = 'ACTIVE'
          where g.region_code like ?)::int as links,
         (select count(*) from ${t.links} l
            join ${t.leaders} g on g.id = l.leader_id
            join ${t.deputies} d on d.id = l.deputy_id and d.status = 'ACTIVE'
          where g.region_code like ? and exists (
            select 1 from ${t.contacts} c
            where c.kind = 'GOVERNMENT_LEADER' and c.withdrawn_at is null and c.government_leader_id = l.leader_id and c.deputy_id = l.deputy_id
              and c.occurred_on between ? and ?))::int as visited`;
  const dates = [open.measuredOn, open.startsOn];
  const params = codes.flatMap((c) => {
    const prefix = `${c}%`;
    return [c, prefix, ...dates, prefix, ...dates, prefix, prefix, prefix, yearFrom, yearTo];
  });
  const { rows } = (await readKnex(em).raw(codes.map(() => `(${part})`).join(' union all '), params)) as {
    rows: StationsAndLeadersRow[];
  };
  return rows;
}

/**
 * D-7: the deputies of a congress in office between `startsOn` and `measuredOn` (mandate and term), with their
 * group-activity participations in that span, by id.
 */
export async function groupActivityRows(
  em: SqlEntityManager,
  congressId: string,
  startsOn: string,
  measuredOn: string,
): Promise<{ id: string; group_id: string | null; grp: number }[]> {
  const t = tables(em);
  const { rows } = (await readKnex(em).raw(
    `select d.id, d.group_id,
       (select count(*) from ${t.contacts} k
         where k.deputy_id = d.id and k.kind = 'GROUP_ACTIVITY' and k.withdrawn_at is null and k.occurred_on between ? and ?)::int as grp
     from ${t.deputies} d join ${t.congresses} c on c.id = d.congress_id
     where d.congress_id = ? and ? <= ?::date
       and d.mandate_starts_on <= ? and (d.mandate_ends_on is null or d.mandate_ends_on >= ?)
       and c.starts_on <= ? and (c.ends_on is null or c.ends_on >= ?)
     order by d.id`,
    [startsOn, measuredOn, congressId, startsOn, measuredOn, measuredOn, startsOn, measuredOn, startsOn],
  )) as { rows: { id: string; group_id: string | null; grp: number }[] };
  return rows;
}

/** V-5, F-4: per region code, the registered regions of `level` in its subtree (a `union all`). */
export async function registeredRegionRows(
  em: SqlEntityManager,
  codes: readonly string[],
  level: RegionLevel,
): Promise<{ key: string; n: number }[]> {
  const parts = codes.map(
    () =>
      `select ?::text as key, count(*)::int as n from ${sqlTable(em, RegionSchema)} where code like ? and level = ?`,
  );
  const { rows } = (await readKnex(em).raw(
    parts.join(' union all '),
    codes.flatMap((c) => [c, `${c}%`, level]),
  )) as {
    rows: { key: string; n: number }[];
  };
  return rows;
}

/**
 * D-6, D-7: the deputies of a congress in office between `startsOn` and `measuredOn` (mandate and term), with
 * their voter contacts and group activities in that span, by id.
 */
export async function dutyCountRows(
  em: SqlEntityManager,
  congressId: string,
  startsOn: string,
  measuredOn: string,
): Promise<{ id: string; voter: number; grp: number }[]> {
  const t = tables(em);
  const { rows } = (await readKnex(em).raw(
    `select d.id,
       count(k.id) filter (where k.kind = 'VOTER')::int as voter,
       count(k.id) filter (where k.kind = 'GROUP_ACTIVITY')::int as grp
     from ${t.deputies} d join ${t.congresses} c on c.id = d.congress_id
     left join ${t.contacts} k on k.deputy_id = d.id and k.kind in ('VOTER', 'GROUP_ACTIVITY')
       and k.withdrawn_at is null and k.occurred_on between ? and ?
     where d.congress_id = ?
       and d.mandate_starts_on <= ? and (d.mandate_ends_on is null or d.mandate_ends_on >= ?)
       and c.starts_on <= ? and (c.ends_on is null or c.ends_on >= ?)
     group by d.id order by d.id`,
    [startsOn, measuredOn, congressId, measuredOn, startsOn, measuredOn, startsOn],
  )) as { rows: { id: string; voter: number; grp: number }[] };
  return rows;
}
