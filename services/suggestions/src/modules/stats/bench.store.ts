import type { SqlEntityManager } from '@mikro-orm/postgresql';
import { sqlSchema, sqlTable } from '@renda/db/tables';
import { SuggestionKeySchema, SuggestionSchema } from '../suggestions/suggestion.entity.ts';
import { primaryDb, rebuildRollups, rollupTables } from './stats.store.ts';

/**
 * The statements of the synthetic province of the benchmarks (`src/bench-data.ts`, S-8): set-based SQL
 * (generate_series) straight into this service's tables, named from the ORM's metadata (the two scratch tables
 * of the load, no entity's, in the ORM's schema). Never used by the service itself.
 */
const tables = (em: SqlEntityManager) => ({
  items: sqlTable(em, SuggestionSchema),
  keys: sqlTable(em, SuggestionKeySchema),
  townships: `${sqlSchema(em)}."bench_townships"`,
  units: `${sqlSchema(em)}."bench_units"`,
});

/** The item triggers a bulk load switches off (the rollups' and the key registry's), each rebuilt after it. */
export type ItemTrigger = 'suggestions_rollups_rows' | 'suggestions_keys_rows';

export async function setItemTrigger(em: SqlEntityManager, trigger: ItemTrigger, on: boolean): Promise<void> {
  await em.getKnex().raw(`alter table ${tables(em).items} ${on ? 'enable' : 'disable'} trigger "${trigger}"`);
}

/** 2,115 regions of Hunan 43 (14 cities, 140 counties, 1,960 townships) and a lead unit per county. */
export async function createBenchRegions(em: SqlEntityManager): Promise<void> {
  const t = tables(em);
  const knex = em.getKnex();
  await knex.raw(`create table ${t.townships} as
    select (row_number() over (order by code) - 1)::int as idx, code, left(code, 6) as county from (
      select '43' || lpad(c::text, 2, '0') || lpad(k::text, 2, '0') || lpad(w::text, 3, '0') as code
      from generate_series(1, 14) c, generate_series(1, 10) k, generate_series(1, 14) w) x`);
  await knex.raw(
    `create table ${t.units} as select county, gen_random_uuid() as id from (select distinct county from ${t.townships}) x`,
  );
}

export async function dropBenchRegions(em: SqlEntityManager): Promise<void> {
  const t = tables(em);
  await em.getKnex().raw(`drop table ${t.townships}, ${t.units}`);
}

/**
 * `items` suggestions over 2024-2026 in the bench regions, and their rows in the key registry, in one
 * transaction (the registry's foreign key is checked at commit).
 */
export async function insertBenchItems(em: SqlEntityManager, items: number): Promise<void> {
  const t = tables(em);
  await em.getKnex().transaction(async (trx) => {
    await trx.raw(`insert into ${t.items} ("id", "kind", "region_code", "year", "session_id", "register_key", "serial_number", "title", "content",
        "category", "lead_deputy_id", "proposer_name", "stage", "round", "grade", "lead_official", "complex", "is_key", "key_supervisor", "lead_unit_id",
        "assigned_on", "reply_due_on", "reply_category", "replied_on", "reply_on_time", "latest_result", "coercion_risk", "rehandling", "published",
        "registered_at", "registered_by", "step_count", "version")
      select gen_random_uuid(), 'SUGGESTION', t.code, y, null, t.code || ':' || y, g, '建议 ' || g, '关于改善民生的建议',
        (array['交通', '教育', '医疗卫生', '城乡建设', '农业农村', '生态环境', '社会保障', '经济发展', '文化旅游', '公共安全', '水利', '政务服务'])
          [1 + (t.idx / 14 + g % 3) % 12], null, null,
        case when r < 10 then 'RECEIVED' when r < 25 then 'HANDLING' when r < 60 then 'REPLIED' else 'EVALUATED' end,
        1, 'LEVEL_4', '分管领导', false, g % 50 = 0, null, case when r < 10 then null else u.id end,
        case when r < 10 then null else a end, case when r < 10 then null else (a + interval '3 months')::date end,
        case when r < 25 then null when g / 3 % 3 = 0 then 'SOLVED' when g / 3 % 3 = 1 then 'PLANNED' else 'EXPLAINED' end,
        case when r < 25 then null when g % 10 = 0 then a + 120 else a + 60 end, case when r < 25 then null else g % 10 <> 0 end,
        case when r < 60 then null when g % 7 = 0 then 'DISSATISFIED' when g % 7 < 3 then 'BASICALLY_SATISFIED' else 'SATISFIED' end,
        r >= 60 and g % 7 <> 0 and g / 3 % 3 = 2, false, r >= 60, (d + time '10:00') at time zone 'Asia/Shanghai', 'bench', 1, 1
      from (select g, r, y, d, d + 20 as a from (select g, (g::bigint * 7919 % 100)::int as r, 2024 + g % 3 as y,
        make_date(2024 + g % 3, 1 + g / 3 % 12, 1 + g / 36 % 28) as d from generate_series(1, ${Math.trunc(items)}) g) x) s
      join ${t.townships} t on t.idx = s.g % 1960
      join ${t.units} u on u.county = t.county`);
    await trx.raw(`insert into ${t.keys} ("id", "year", "register_key", "kind", "serial_number", "source_contact_id",
        "source_opinion_index")
      select s."id", s."year", s."register_key", s."kind", s."serial_number", s."source_contact_id", s."source_opinion_index"
      from ${t.items} s where not exists (select from ${t.keys} k where k."id" = s."id")`);
  });
}

/** The rollups rebuilt after the load (the triggers were off). */
export const rebuildBenchRollups = (em: SqlEntityManager) => rebuildRollups(primaryDb(em));

/** VACUUM ANALYZE of the items and every rollup grain. */
export async function vacuumAnalyze(em: SqlEntityManager): Promise<void> {
  const knex = em.getKnex();
  for (const table of [tables(em).items, ...rollupTables(primaryDb(em))]) await knex.raw(`vacuum analyze ${table}`);
}

/** The plan of the province scan of `year` (EXPLAIN ANALYZE, BUFFERS), a line each. */
export async function provinceScanPlan(em: SqlEntityManager, year: number): Promise<string[]> {
  const { rows } = (await em
    .getKnex()
    .raw(
      `explain (analyze, buffers) select count(*), count(reply_category), count(latest_result) from ${tables(em).items} s where s.year = ${Math.trunc(year)} and s.region_code like '43%'`,
    )) as { rows: { 'QUERY PLAN': string }[] };
  return rows.map((r) => r['QUERY PLAN']);
}
