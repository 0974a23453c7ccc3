import type { RunningService } from '@renda/server-kit/service';

/**
 * The other three domains of the synthetic province of `loadSyntheticProvince` (Hunan 43: 14 cities, 140
 * counties, 1,960 townships), scaled by `scale` (1 for 1,000,000 suggestions), with set-based SQL straight
 * into each service's own tables (foreign keys off for the session, like a restore):
 * - deputies: the 2,115 regions; congresses of three five-year terms (2016-2020, 2021-2025, 2026-2030) at
 *   every level; per term 40 deputies a township, 200 a county, 400 a city, 770 the province (× scale);
 *   one voter contact and one group activity per deputy and year of mandate, another of each for every
 *   third deputy (2017-2026);
 * - supervision: normative documents filed with the standing committees: 30 a county, 50 a city and 100
 *   the province each year (× scale), a tenth filed late, most reviewed;
 * - voting: one livelihood program a township and year, its ballot closed in March and an evaluation round
 *   of three projects closed in December (2017-2026); the figures' rollups rebuilt from them.
 * Used by `bench/suggestion-stats.ts` only.
 */
export async function loadProvinceDomains(
  services: Record<string, RunningService>,
  scale: number,
): Promise<Record<string, number>> {
  const sql = async (service: string, statements: string[]) => {
    await services[service]!.orm.em.fork().transactional(async (em) => {
      await em.execute('set local session_replication_role = replica');
      for (const s of statements) await em.execute(s);
    });
  };
  const n = (x: number) => Math.max(1, Math.round(x * scale));
  const regions = `(select code, case length(code) when 2 then 'PROVINCE' when 4 then 'CITY' when 6 then 'COUNTY' else 'TOWNSHIP' end as level,
      case length(code) when 2 then null when 4 then left(code, 2) when 6 then left(code, 4) else left(code, 6) end as parent from (
      select '43' as code
      union all select '43' || lpad(c::text, 2, '0') from generate_series(1, 14) c
      union all select '43' || lpad(c::text, 2, '0') || lpad(k::text, 2, '0') from generate_series(1, 14) c, generate_series(1, 10) k
      union all select '43' || lpad(c::text, 2, '0') || lpad(k::text, 2, '0') || lpad(w::text, 3, '0')
        from generate_series(1, 14) c, generate_series(1, 10) k, generate_series(1, 14) w) x)`;
  await sql('deputies', [
    `insert into deputies.regions (code, name, level, parent_code) select code, '区划' || code, level, parent from ${regions} r
       on conflict (code) do nothing`,
    `insert into deputies.congresses (id, region_code, level, term_number, name, starts_on, ends_on)
       select gen_random_uuid(), r.code, r.level, t, r.code || '第' || t || '届', make_date(2011 + 5 * t, 1, 1), make_date(2015 + 5 * t, 12, 31)
       from ${regions} r, generate_series(1, 3) t`,
    `insert into deputies.deputies (id, person_id, congress_id, region_code, name, gender, work_unit, position, constituency, status,
         mandate_starts_on, mandate_ends_on)
       select gen_random_uuid(), gen_random_uuid(), c.id, c.region_code, '代表' || i, case when i % 3 = 0 then 'FEMALE' else 'MALE' end, '单位', '职务', '选区',
         case when c.ends_on < date '2026-06-15' then 'TERMINATED' else 'ACTIVE' end, c.starts_on, c.ends_on
       from deputies.congresses c, generate_series(1, case c.level when 'TOWNSHIP' then ${n(40)} when 'COUNTY' then ${n(200)}
         when 'CITY' then ${n(400)} else ${n(770)} end) i`,
    `insert into deputies.contact_records (id, kind, method, occurred_on, deputy_id, region_code, summary, recorded_at, recorded_by)
       select gen_random_uuid(), k.kind, 'VISIT', make_date(y, 1 + (abs(hashtext(d.id::text)) + k.n * 5) % 12, 1 + k.n * 7), d.id, d.region_code,
         '联系', now(), 'bench'
       from deputies.deputies d
       cross join generate_series(2017, 2026) y
       cross join (values ('VOTER', 0), ('GROUP_ACTIVITY', 1), ('VOTER', 2), ('GROUP_ACTIVITY', 3)) k(kind, n)
       where make_date(y, 1, 1) between d.mandate_starts_on and d.mandate_ends_on and (k.n < 2 or abs(hashtext(d.id::text)) % 3 = 0)`,
    // The key registry of the year-partitioned contacts (its trigger is off too): checked when the service
    // moves the rows out of the DEFAULT partition at its next start.
    `insert into deputies.contact_record_keys (id, occurred_on) select id, occurred_on from deputies.contact_records`,
    `insert into deputies.persons (id, name) select person_id, name from deputies.deputies`,
    // The rows went in with the triggers off (replica role): the figures' rollups are rebuilt in one statement.
    'select deputies.rebuild_deputy_rollups()',
    'analyze deputies.deputy_rollups',
    'analyze deputies.deputies',
    'analyze deputies.contact_records',
    'analyze deputies.congresses',
  ]);
  await sql('supervision', [
    `insert into supervision.filed_documents (id, title, document_number, kind, issuer_id, region_code, published_on, filed_on, filing_due_on,
         filed_late, review_status, reviewed_on)
       select gen_random_uuid(), '规范性文件', r.code || '-' || y || '-' || i, 'NORMATIVE_DOCUMENT', gen_random_uuid(), r.code, p, p + case when i % 10 = 0 then 40 else 20 end,
         p + 30, i % 10 = 0, case when i % 5 = 0 then 'PENDING' else 'NO_ISSUE' end, case when i % 5 = 0 then null else p + 60 end
       from ${regions} r cross join generate_series(2017, 2026) y
       cross join generate_series(1, case length(r.code) when 6 then ${n(30)} when 4 then ${n(50)} when 2 then ${n(100)} else 0 end) i
       cross join lateral (select make_date(y, 1 + i % 12, 1 + i % 28) as p) d
       where make_date(y, 1, 1) <= date '2026-06-15'`,
    // The rows went in with the triggers off (replica role): the figures' rollups are rebuilt in one statement.
    'select supervision.rebuild_figure_rollups()',
  ]);
  await sql('voting', [
    `create temporary table bench_programs on commit drop as
       select gen_random_uuid() as id, r.code, y from ${regions} r cross join generate_series(2017, 2026) y where r.level = 'TOWNSHIP'`,
    `insert into voting.programs (id, region_code, level, year, session_id, congress_id, title, seats, stage, created_at)
       select id, code, 'TOWNSHIP', y, gen_random_uuid(), gen_random_uuid(), '民生实事', 3, 'CLOSED', make_date(y, 1, 10) from bench_programs`,
    `insert into voting.ballots (id, program_id, region_code, year, status, seats, roll_size, ballots_cast, opened_at, closed_at)
       select gen_random_uuid(), id, code, y, 'CLOSED', 3, 40, 36, make_date(y, 3, 1)::timestamptz, make_date(y, 3, 2)::timestamptz
       from bench_programs where make_date(y, 3, 2) <= date '2026-06-15'`,
    `create temporary table bench_rounds on commit drop as
       select gen_random_uuid() as id, id as program_id, code, y from bench_programs where make_date(y, 12, 20) <= date '2026-06-15'`,
    `insert into voting.evaluation_rounds (id, program_id, region_code, year, status, roll_size, responses, opened_at, closed_at)
       select id, program_id, code, y, 'CLOSED', 40, 30, make_date(y, 12, 1)::timestamptz, make_date(y, 12, 20)::timestamptz from bench_rounds`,
    `insert into voting.evaluation_tallies (round_id, project_id, satisfied, basically_satisfied, dissatisfied, final)
       select r.id, gen_random_uuid(), 20 + p, 8, 2 + p, true from bench_rounds r, generate_series(0, 2) p`,
    // The rows went in with the triggers off (replica role): the figures' rollups are rebuilt in one statement.
    'select voting.rebuild_rollups()',
  ]);
  // Like a database autovacuum has been through (the suggestions' loader does the same): statistics, and the
  // visibility map that lets the figures read the covering indexes alone (outside a transaction).
  const vacuum = async (service: string, tables: string[]) => {
    for (const t of tables) await services[service]!.orm.em.fork().getConnection().execute(`vacuum analyze ${t}`);
  };
  await vacuum('supervision', ['supervision.filed_documents', 'supervision.figure_rollups']);
  await vacuum('voting', [
    'voting.programs',
    'voting.ballots',
    'voting.evaluation_rounds',
    'voting.evaluation_tallies',
    'voting.voting_rollups',
    'voting.voting_region_months',
  ]);
  const count = async (service: string, table: string) =>
    Number(
      (await services[service]!.orm.em.fork().execute<{ n: string }[]>(`select count(*) as n from ${table}`))[0]!.n,
    );
  return {
    regions: await count('deputies', 'deputies.regions'),
    deputies: await count('deputies', 'deputies.deputies'),
    contacts: await count('deputies', 'deputies.contact_records'),
    filings: await count('supervision', 'supervision.filed_documents'),
    programs: await count('voting', 'voting.programs'),
    ballots: await count('voting', 'voting.ballots'),
  };
}
