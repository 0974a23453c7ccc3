import type { Knex, SqlEntityManager } from '@mikro-orm/postgresql';
import { readKnex } from '@renda/db/replicas';
import { sqlSchema, sqlTable } from '@renda/db/tables';
import type { FigurePeriod } from '@renda/server-kit/figures';
import type { RegionLevel } from '@renda/server-kit/validate';
import type { DutyRules } from '../../env.ts';
import { deputyRollupMarks } from '../../migrations/Migration20261130144200.ts';
import { DeputySchema } from '../deputies/deputy.entity.ts';
import { CommitteeAssignmentSchema, ContactRecordSchema } from '../liaison/liaison.entity.ts';
import { CongressSchema } from '../regions/region.entity.ts';
import { DeputyRollupSchema } from './rollup.entity.ts';

/**
 * The statements of `deputyFigures` (F-1 to F-4, D-4, D-6, D-7) in two forms that must agree: `rollups` (what
 * the API reads, the table kept by the triggers of Migration20261130144200) and `live` (the same over the
 * deputies and their contacts: what the rollups are checked against by the property test and the benchmark).
 *
 * A deputy is in office from `greatest(mandate start, term start)` to `least(mandate end, term end)`; in a
 * period if that span overlaps it up to its measuring day. Their duty acts are the voter contacts and group
 * activities dated within that span: in the period (`voter`, `grp`) and in its year up to the measuring day
 * against the yearly minimums (`voter_ok`, `group_ok`).
 */
export type Source = 'rollups' | 'live';

export interface FigureRow {
  key: string;
  i: number;
  level: RegionLevel;
  congresses: number;
  deputies: number;
  voter: number;
  grp: number;
  voter_ok: number;
  group_ok: number;
  assignments: number;
  assignments_ok: number;
}

export const figureCounts = [
  'congresses',
  'deputies',
  'voter',
  'grp',
  'voter_ok',
  'group_ok',
  'assignments',
  'assignments_ok',
] as const;

/** The tables the statements read (and the schema of its functions), named from the ORM's metadata. */
const tables = (em: SqlEntityManager) => ({
  deputies: sqlTable(em, DeputySchema),
  congresses: sqlTable(em, CongressSchema),
  contacts: sqlTable(em, ContactRecordSchema),
  assignments: sqlTable(em, CommitteeAssignmentSchema),
  rollups: sqlTable(em, DeputyRollupSchema),
  schema: sqlSchema(em),
});

/** How the statements run (`rollupRaw`, `liveRaw`) and the tables they name. */
export interface Raw {
  run: (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>;
  t: ReturnType<typeof tables>;
}

const from = `greatest(d.mandate_starts_on, c.starts_on)`;
const to = `least(coalesce(d.mandate_ends_on, 'infinity'::date), coalesce(c.ends_on, 'infinity'::date))`;
/** SQL: deputy `d` of congress `c` in office during period `p` (up to its measuring day). */
const inOffice = `d.mandate_starts_on is not null and ${from} <= ${to} and ${from} <= p.measured_on and ${to} >= p.starts_on`;

/**
 * The days all periods cover, as constants beside the per-period bounds: the planner then reads only the
 * contact partitions of those years (contacts are partitioned by year; the join bounds alone prune none).
 */
function contactSpan(periods: FigurePeriod[]): [string, string] {
  return [
    periods.map((p) => `${p.year}-01-01`).sort()[0]!,
    periods
      .map((p) => p.measuredOn)
      .sort()
      .at(-1)!,
  ];
}

function periodsCte(periods: FigurePeriod[]): { sql: string; params: unknown[] } {
  return {
    sql: `periods(i, year, starts_on, year_starts_on, measured_on) as (values ${periods.map(() => '(?::int, ?::int, ?::date, ?::date, ?::date)').join(', ')})`,
    params: periods.flatMap((p, i) => [i, p.year, p.startsOn, `${p.year}-01-01`, p.measuredOn]),
  };
}

/** Whether the rollups can answer for these minimums (they keep each deputy's first five acts of a year). */
export function rollupsServe(rules: DutyRules): boolean {
  return [rules.minVoterContacts, rules.minGroupActivities, rules.minCommitteeContacts].every(
    (n) => n >= 1 && n <= deputyRollupMarks,
  );
}

/** The live aggregate of the deputies in office and their duty acts (the assignments: `assignmentRows`). */
async function mainRows(
  raw: Raw,
  codes: readonly string[],
  periods: FigurePeriod[],
  rules: DutyRules,
): Promise<FigureRow[]> {
  const { t } = raw;
  const cte = periodsCte(periods);
  const params: unknown[] = [...cte.params];
  const parts = codes.map((c) => {
    params.push(rules.minVoterContacts, rules.minGroupActivities, c, `${c}%`, ...contactSpan(periods));
    return `select key, i, level, count(distinct congress_id)::int as congresses, count(*)::int as deputies,
          sum(voter)::int as voter, sum(grp)::int as grp,
          count(*) filter (where voter_ytd >= ?)::int as voter_ok, count(*) filter (where group_ytd >= ?)::int as group_ok
        from (
          select ?::text as key, p.i, c.level, d.id, d.congress_id,
            count(k.id) filter (where k.kind = 'VOTER' and k.occurred_on >= p.starts_on) as voter,
            count(k.id) filter (where k.kind = 'GROUP_ACTIVITY' and k.occurred_on >= p.starts_on) as grp,
            count(k.id) filter (where k.kind = 'VOTER') as voter_ytd,
            count(k.id) filter (where k.kind = 'GROUP_ACTIVITY') as group_ytd
          from periods p
          join ${t.deputies} d on d.region_code like ?
          join ${t.congresses} c on c.id = d.congress_id
          left join ${t.contacts} k on k.deputy_id = d.id and k.kind in ('VOTER', 'GROUP_ACTIVITY')
            and k.withdrawn_at is null
            and k.occurred_on between p.year_starts_on and p.measured_on and k.occurred_on between ${from} and ${to}
            and k.occurred_on between ?::date and ?::date
          where p.measured_on >= p.starts_on and ${inOffice}
          group by p.i, c.level, d.id, d.congress_id) o
        group by key, i, level`;
  });
  return (await raw.run(`with ${cte.sql} ${parts.join(' union all ')}`, params)) as unknown as FigureRow[];
}

/**
 * Every subtree `codes` of the rollups in one statement whose size does not grow with them: the subtrees are
 * a VALUES list joined to one lateral read (five index ranges each), so planning is paid once, not per
 * subtree (planning 14 `union all` parts cost more than reading their rows).
 */
async function rollupRows(
  raw: Raw,
  codes: readonly string[],
  periods: FigurePeriod[],
  rules: DutyRules,
): Promise<FigureRow[]> {
  const { t } = raw;
  const cte = periodsCte(periods);
  const params: unknown[] = [
    ...cte.params,
    ...codes,
    rules.minVoterContacts,
    rules.minGroupActivities,
    rules.minCommitteeContacts,
  ];
  return (await raw.run(
    `with ${cte.sql}, ${scopesCte(codes)}
      select s.key, p.i, r.level,
        count(distinct r.congress_id) filter (where r.part = 'O' and r.n > 0)::int as congresses,
        coalesce(sum(r.n) filter (where r.part = 'O'), 0)::int as deputies,
        coalesce(sum(r.n) filter (where r.part = 'C' and r.kind = 'VOTER'), 0)::int as voter,
        coalesce(sum(r.n) filter (where r.part = 'C' and r.kind = 'GROUP_ACTIVITY'), 0)::int as grp,
        coalesce(sum(r.n) filter (where r.part = 'K' and r.kind = 'VOTER'), 0)::int as voter_ok,
        coalesce(sum(r.n) filter (where r.part = 'K' and r.kind = 'GROUP_ACTIVITY'), 0)::int as group_ok,
        coalesce(sum(r.n) filter (where r.part = 'A'), 0)::int as assignments,
        coalesce(sum(r.n) filter (where r.part = 'M'), 0)::int as assignments_ok
      from periods p cross join scopes s cross join lateral (
        select r.* from ${t.rollups} r
          where r.scope_code = s.key and r.part = 'O' and r.office_from <= p.measured_on and r.office_to >= p.starts_on
        union all select r.* from ${t.rollups} r
          where r.scope_code = s.key and r.part = 'C' and r.day between p.starts_on and p.measured_on
        union all select r.* from ${t.rollups} r
          where r.scope_code = s.key and r.part = 'K' and r.year = p.year and r.day <= p.measured_on and r.until >= p.starts_on
            and ((r.kind = 'VOTER' and r.nth = ?) or (r.kind = 'GROUP_ACTIVITY' and r.nth = ?))
        union all select r.* from ${t.rollups} r
          where r.scope_code = s.key and r.part = 'A' and r.office_from <= p.measured_on and r.office_to >= p.starts_on
        union all select r.* from ${t.rollups} r
          where r.scope_code = s.key and r.part = 'M' and r.year = p.year and r.nth = ? and r.day <= p.measured_on
            and r.until >= p.starts_on and r.office_from <= p.measured_on
      ) r
      where p.measured_on >= p.starts_on
      group by s.key, p.i, r.level`,
    params,
  )) as unknown as FigureRow[];
}

/** The subtrees asked, as a CTE `scopes(key)`. */
const scopesCte = (codes: readonly string[]) => `scopes(key) as (values ${codes.map(() => '(?::text)').join(', ')})`;

/**
 * D-4, live: committee-member assignments of deputies in office, and those contacted the yearly minimum, for every
 * subtree `codes` in one statement (the subtrees a VALUES list, planned once): one probe of the contacts per
 * assignment and period. The rollups answer the same from their parts A and M.
 */
async function assignmentRows(
  raw: Raw,
  codes: readonly string[],
  periods: FigurePeriod[],
  rules: DutyRules,
): Promise<FigureRow[]> {
  const { t } = raw;
  const cte = periodsCte(periods);
  const params: unknown[] = [...cte.params, ...codes, ...contactSpan(periods), rules.minCommitteeContacts];
  return (await raw.run(
    `with ${cte.sql}, ${scopesCte(codes)}
      select s.key, p.i, c.level, count(*)::int as assignments,
        count(*) filter (where (select count(*) from ${t.contacts} k
          where k.deputy_id = a.deputy_id and k.committee_member_id = a.member_id and k.kind = 'COMMITTEE_MEMBER'
            and k.withdrawn_at is null
            and k.occurred_on between p.year_starts_on and p.measured_on
            and k.occurred_on between ?::date and ?::date) >= ?)::int as assignments_ok
      from periods p cross join ${t.assignments} a
      join ${t.deputies} d on d.id = a.deputy_id
      join scopes s on left(d.region_code, length(s.key)) = s.key
      join ${t.congresses} c on c.id = d.congress_id
      where p.measured_on >= p.starts_on and ${inOffice}
      group by s.key, p.i, c.level`,
    params,
  )) as unknown as FigureRow[];
}

/**
 * F-1: the rollups recomputed from the deputies, terms, contacts and assignments (`rebuild_deputy_rollups()`), in one
 * transaction on the primary: writes to those tables wait until it commits (SHARE locks), so none falls between
 * the recount and the switch. Returns the deputies counted.
 */
export function rebuildRollups(em: SqlEntityManager): Promise<number> {
  const t = tables(em);
  return em.getKnex().transaction(async (trx) => {
    await trx.raw(`lock table ${t.deputies}, ${t.congresses}, ${t.contacts}, ${t.assignments} in share mode`);
    await trx.raw(`select ${t.schema}."rebuild_deputy_rollups"()`);
    const { rows } = (await trx.raw(`select count(*)::int as n from ${t.deputies}`)) as { rows: { n: number }[] };
    return rows[0]?.n ?? 0;
  });
}

/** The figures of each subtree `codes` per period and congress level, from `source`. */
export async function deputyFigureRows(
  raw: Raw,
  source: Source,
  codes: readonly string[],
  periods: FigurePeriod[],
  rules: DutyRules,
): Promise<FigureRow[]> {
  // The rollups hold the assignments too (parts A and M, Migration20261201040000); live, they are counted apart.
  if (source === 'rollups') return rollupRows(raw, codes, periods, rules);
  const [main, assigned] = await Promise.all([
    mainRows(raw, codes, periods, rules),
    assignmentRows(raw, codes, periods, rules),
  ]);
  const byKey = new Map<string, FigureRow>();
  for (const r of main) byKey.set(`${r.key}|${r.i}|${r.level}`, { ...r, assignments: 0, assignments_ok: 0 });
  for (const a of assigned) {
    const k = `${a.key}|${a.i}|${a.level}`;
    const row = byKey.get(k);
    // An assignment's deputy is in office, so their row exists in either source.
    if (row) Object.assign(row, { assignments: Number(a.assignments), assignments_ok: Number(a.assignments_ok) });
  }
  return [...byKey.values()];
}

/**
 * A rollup read: on one process (`serial_plan()`, Migration20261130160100: a parallel-unsafe call keeps the
 * planner from starting workers, which cost more than reading a few hundred rows). On `knex` (default: a
 * replica when one is configured and `em` has not written).
 */
export function rollupRaw(em: SqlEntityManager, knex: Knex = readKnex(em)): Raw {
  const live = liveRaw(em, knex);
  return {
    ...live,
    run: (sql, params) => live.run(`select * from (${sql}) q where ${live.t.schema}.serial_plan()`, params),
  };
}

/** A live read on `knex` (default: a replica when one is configured and `em` has not written). */
export function liveRaw(em: SqlEntityManager, knex: Knex = readKnex(em)): Raw {
  return {
    t: tables(em),
    run: async (sql, params) =>
      ((await knex.raw(sql, params as Knex.RawBinding[])) as { rows: Record<string, unknown>[] }).rows,
  };
}
