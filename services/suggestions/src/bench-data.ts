import type { RunningService } from '@renda/server-kit/service';
import { maintainYearPartitions } from '@renda/db/partitions';
import { suggestionsService } from './server.ts';

/**
 * Loads a synthetic province for benchmarks (S-8): `items` suggestions over three years, 140 lead
 * units and 2,115 regions (Hunan 43, 14 cities, 140 counties, 1,960 townships), with set-based SQL
 * (generate_series) straight into this service's tables, then VACUUM ANALYZE; prints the plan of the
 * province scan. Used by `gateway/bench/suggestion-stats.ts`; never by the service itself.
 */
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export async function loadSyntheticProvince(service: RunningService, items: number, year: number): Promise<void> {
  const run = (sql: string) => service.orm.em.getConnection().execute(sql);
  // One partition per year loaded (2024-2026), made before the load rather than moved out of DEFAULT after it.
  await maintainYearPartitions(service.orm, suggestionsService.partitions!, [2024, 2025, 2026]);
  let t = performance.now();
  await run(`create table "suggestions"."bench_townships" as
    select (row_number() over (order by code) - 1)::int as idx, code, left(code, 6) as county from (
      select '43' || lpad(c::text, 2, '0') || lpad(k::text, 2, '0') || lpad(w::text, 3, '0') as code
      from generate_series(1, 14) c, generate_series(1, 10) k, generate_series(1, 14) w) x`);
  await run(
    `create table "suggestions"."bench_units" as select county, gen_random_uuid() as id from (select distinct county from "suggestions"."bench_townships") x`,
  );
  // The rollup triggers are off for the bulk insert; the rollups are rebuilt in one statement after it.
  await run('alter table "suggestions"."suggestions" disable trigger "suggestions_rollups_rows"');
  // So is the key registry's: it is filled in one statement in the same transaction (its foreign key is
  // checked at commit).
  await run('alter table "suggestions"."suggestions" disable trigger "suggestions_keys_rows"');
  await service.orm.em
    .getConnection()
    .getKnex()
    .transaction(async (trx) => {
      await trx.raw(`insert into "suggestions"."suggestions" ("id", "kind", "region_code", "year", "session_id", "register_key", "serial_number", "title", "content",
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
        make_date(2024 + g % 3, 1 + g / 3 % 12, 1 + g / 36 % 28) as d from generate_series(1, ${items}) g) x) s
      join "suggestions"."bench_townships" t on t.idx = s.g % 1960
      join "suggestions"."bench_units" u on u.county = t.county`);
      await trx.raw(`insert into "suggestions"."suggestion_keys" ("id", "year", "register_key", "kind", "serial_number", "source_contact_id",
        "source_opinion_index")
      select s."id", s."year", s."register_key", s."kind", s."serial_number", s."source_contact_id", s."source_opinion_index"
      from "suggestions"."suggestions" s where not exists (select from "suggestions"."suggestion_keys" k where k."id" = s."id")`);
    });
  await run('alter table "suggestions"."suggestions" enable trigger "suggestions_keys_rows"');
  console.log(`loaded ${items.toLocaleString()} items in ${seconds(performance.now() - t)}`);
  t = performance.now();
  await run('alter table "suggestions"."suggestions" enable trigger "suggestions_rollups_rows"');
  await run('select "suggestions"."rebuild_rollups"()');
  console.log(`rebuilt the rollups in ${seconds(performance.now() - t)}`);
  t = performance.now();
  await run('vacuum analyze "suggestions"."suggestions"');
  for (const g of ['unit', 'period', 'topic']) await run(`vacuum analyze "suggestions"."suggestion_rollups_${g}"`);
  console.log(`vacuum analyze in ${seconds(performance.now() - t)}`);
  await run('drop table "suggestions"."bench_townships", "suggestions"."bench_units"');
  const plan: { 'QUERY PLAN': string }[] = await service.orm.em
    .getConnection()
    .execute(
      `explain (analyze, buffers) select count(*), count(reply_category), count(latest_result) from "suggestions"."suggestions" s where s.year = ${year} and s.region_code like '43%'`,
    );
  console.log(`plan of the province scan:\n  ${plan.map((r) => r['QUERY PLAN']).join('\n  ')}`);
}
