import type { EntityManager } from '@mikro-orm/postgresql';
import { schemaOf } from '@renda/db/tables';
import { eventsTable } from '@renda/outbox/table';

/**
 * Copies of a template (benchmarks, issue 9): rows a seed wrote through the service's write functions,
 * replicated with set-based `insert … select` across regions, with new ids and region codes. Nothing is
 * computed: every column is the template row's, but for the ids (each copied row gets a new one, and a
 * column naming a copied row names its copy), the region code, and the columns a step sets itself.
 *
 * Each step copies one table. A step that owns a map (`map`) first records, in a temporary table
 * `bench_map_<map>` (old, copy, region, new), the new key of each copy of each template row; a later step
 * names those copies through `follows` or `refs`. Maps are made in the order of the steps, then the rows are
 * inserted, so a table may name a copy made by a later step (a deputy its person). Runs in the caller's
 * transaction (the maps are dropped at its commit).
 */
export interface CopyStep {
  /** `"schema"."table"`, from the ORM's metadata (`sqlTable`). */
  table: string;
  /** The name of this step's map of new keys; needed when other steps name these rows, or to delete them. */
  map?: string;
  /** This table's key column (default `id`), mapped to the copies' new keys when the step has a map. */
  key?: string;
  /**
   * Template rows and their copies, for a step no other step leads to: SQL selecting `old` (the template
   * row's key), `copy` (one number per copy), `region` (the copy's region code) and `new` (the copy's key,
   * `gen_random_uuid()` for a uuid). May read the maps of earlier steps (`bench_map_<name>`).
   */
  roots?: string;
  /**
   * With `roots`: SQL selecting `old`, the key of every template row of this table, copied or not (a template
   * deputy beyond the number a congress seats is not): what `deleteTemplate` deletes.
   */
  template?: string;
  /** The rows are copied once for each copy of the row their `column` names (in the map `map`). */
  follows?: { column: string; map: string };
  /**
   * Other columns naming copied rows: the copy of the same `copy`, or (`by: 'region'`) the one copy in the
   * same region (a region's group or station, named by each deputy of it).
   */
  refs?: Record<string, { map: string; by?: 'copy' | 'region' }>;
  /** Columns holding the region code: set to the copy's region. */
  region?: string[];
  /** Other columns given an expression over `t` (the template row) and `m` (old, copy, region, new). */
  set?: Record<string, string>;
}

/** The temporary table of a step's map, for the `roots` of a later step. */
export const mapTable = (name: string) => `bench_map_${name}`;

/** The template region of each level that the copies replicate. */
export interface TemplateRegions {
  PROVINCE: string;
  CITY: string;
  COUNTY: string;
  TOWNSHIP: string;
}

/** The templates' regions: a province of its own (99), deleted once copied; the copies' are Hunan's (43). */
export const benchTemplateRegions: TemplateRegions = {
  PROVINCE: '99',
  CITY: '9901',
  COUNTY: '990101',
  TOWNSHIP: '990101101',
};

/** The last day a template writes: the benchmark's clock is 2026-06-15. */
export const benchLastDay = '2026-06-14';

/**
 * One service's part of the synthetic province, in one transaction: the template written through the service's
 * write functions (`write`, in a savepoint, so that its outbox events are written at once and deleted with it),
 * the province's regions, the copies (`steps`), then the template and its events deleted. After the commit, the
 * rollups rebuilt from the copies (`rebuild`), VACUUM ANALYZE of `analyze`, and the rows of each table of `count`.
 */
export async function loadFromTemplate<K extends string>(
  em: EntityManager,
  options: {
    write: (em: EntityManager) => Promise<void>;
    steps: (tx: EntityManager, regions: string) => CopyStep[];
    rebuild: () => Promise<unknown>;
    analyze: string[];
    count: Record<K, string>;
  },
): Promise<Record<K, number>> {
  await em.transactional(async (tx) => {
    await tx.transactional((inner) => options.write(inner));
    await tx.execute('set local session_replication_role = replica');
    const regions = await createProvinceRegions(tx, benchTemplateRegions);
    const steps = options.steps(tx, regions);
    await copyTemplate(tx, steps);
    await deleteTemplate(tx, steps);
    await deleteTemplateEvents(tx, benchTemplateRegions.PROVINCE);
  });
  await options.rebuild();
  const conn = em.fork().getConnection();
  for (const table of options.analyze) await conn.execute(`vacuum analyze ${table}`);
  const counts = {} as Record<K, number>;
  for (const [name, table] of Object.entries(options.count) as [K, string][]) {
    const [row] = await conn.execute<{ n: string }[]>(`select count(*) as n from ${table}`);
    counts[name] = Number(row!.n);
  }
  return counts;
}

/**
 * The regions of the synthetic province (Hunan 43: 14 cities, 10 counties each, 14 townships each county: 2,115
 * regions, the codes of `loadSyntheticProvince`), each with the template region of its level, as the temporary
 * table `bench_regions (code, level, parent, template)` of the caller's transaction. Returns its name.
 */
async function createProvinceRegions(em: EntityManager, templates: TemplateRegions): Promise<string> {
  await em.execute(
    `create temporary table bench_regions on commit drop as
      select code, level, parent, case level when 'PROVINCE' then ?::text when 'CITY' then ?::text
          when 'COUNTY' then ?::text else ?::text end as template
      from (select code,
          case length(code) when 2 then 'PROVINCE' when 4 then 'CITY' when 6 then 'COUNTY' else 'TOWNSHIP' end as level,
          case length(code) when 2 then null when 4 then left(code, 2) when 6 then left(code, 4) else left(code, 6) end as parent
        from (select '43' as code
          union all select '43' || lpad(c::text, 2, '0') from generate_series(1, 14) c
          union all select '43' || lpad(c::text, 2, '0') || lpad(k::text, 2, '0')
            from generate_series(1, 14) c, generate_series(1, 10) k
          union all select '43' || lpad(c::text, 2, '0') || lpad(k::text, 2, '0') || lpad(w::text, 3, '0')
            from generate_series(1, 14) c, generate_series(1, 10) k, generate_series(1, 14) w) codes) r`,
    [templates.PROVINCE, templates.CITY, templates.COUNTY, templates.TOWNSHIP],
  );
  return 'bench_regions';
}
const quote = (column: string) => `"${column.replace(/"/g, '""')}"`;

/** The columns of `table` that an insert writes (not generated ones), from the catalog. */
async function columnsOf(em: EntityManager, table: string): Promise<string[]> {
  const rows = await em.execute<{ column_name: string }[]>(
    `select attname as column_name from pg_attribute
      where attrelid = ?::regclass and attnum > 0 and not attisdropped and attgenerated = ''
      order by attnum`,
    [table],
  );
  if (rows.length === 0) throw new Error(`copyTemplate: no columns found for ${table}`);
  return rows.map((r) => r.column_name);
}

/** Makes the maps of `steps`, then inserts the copies; returns the rows inserted per table. */
async function copyTemplate(em: EntityManager, steps: CopyStep[]): Promise<Record<string, number>> {
  for (const s of steps) {
    if (!s.map) continue;
    const key = quote(s.key ?? 'id');
    const source = s.roots
      ? `select r.old, r.copy::bigint as copy, r.region::text as region, r.new from (${s.roots}) r`
      : s.follows
        ? `select t.${key} as old, p.copy, p.region, gen_random_uuid() as new
             from ${s.table} t join ${mapTable(s.follows.map)} p on p.old = t.${quote(s.follows.column)}`
        : null;
    if (!source) throw new Error(`copyTemplate: step ${s.table} has neither roots nor follows`);
    await em.execute(`create temporary table ${mapTable(s.map)} on commit drop as ${source}`);
    await em.execute(`create index on ${mapTable(s.map)} (old, copy)`);
    await em.execute(`analyze ${mapTable(s.map)}`);
  }
  const inserted: Record<string, number> = {};
  for (const s of steps) {
    const columns = await columnsOf(em, s.table);
    const joins: string[] = [];
    // The row's own copies: through its map, else through the map of the row it follows.
    if (s.map) joins.push(`join ${mapTable(s.map)} m on m.old = t.${quote(s.key ?? 'id')}`);
    else if (s.follows) joins.push(`join ${mapTable(s.follows.map)} m on m.old = t.${quote(s.follows.column)}`);
    else throw new Error(`copyTemplate: step ${s.table} has neither a map nor follows`);
    const refs: Record<string, { map: string; by?: 'copy' | 'region' }> = { ...s.refs };
    if (s.follows && s.map) refs[s.follows.column] = { map: s.follows.map };
    const values = new Map<string, string>();
    if (s.map) values.set(s.key ?? 'id', 'm.new');
    else if (s.follows) values.set(s.follows.column, 'm.new');
    Object.entries(refs).forEach(([column, ref], i) => {
      const alias = `r${i}`;
      joins.push(
        `left join ${mapTable(ref.map)} ${alias} on ${alias}.old = t.${quote(column)} and ${
          ref.by === 'region' ? `${alias}.region = m.region` : `${alias}.copy = m.copy`
        }`,
      );
      values.set(column, `${alias}.new`);
    });
    for (const column of s.region ?? []) values.set(column, 'm.region');
    for (const [column, expression] of Object.entries(s.set ?? {})) values.set(column, expression);
    for (const column of values.keys())
      if (!columns.includes(column)) throw new Error(`copyTemplate: ${s.table} has no column ${column}`);
    const result = await em.execute(
      `insert into ${s.table} (${columns.map(quote).join(', ')})
        select ${columns.map((c) => values.get(c) ?? `t.${quote(c)}`).join(', ')}
        from ${s.table} t ${joins.join(' ')}`,
      [],
      'run',
    );
    inserted[s.table] = (inserted[s.table] ?? 0) + Number((result as { affectedRows?: number }).affectedRows ?? 0);
  }
  return inserted;
}

/**
 * Deletes the template `steps` copied: the rows of each root step's `template`, and the rows following them, last
 * step first (the template was written only to be copied). Run with the foreign keys' triggers off
 * (`session_replication_role = replica`) or in an order the keys allow.
 */
async function deleteTemplate(em: EntityManager, steps: CopyStep[]): Promise<void> {
  const sets = new Map<string, string>();
  // Every template key of each step with a map, before anything is deleted: followers are found through them.
  for (const s of steps) {
    if (!s.map) continue;
    const set = `bench_template_${s.map}`;
    const source = s.roots
      ? s.template
      : `select t.${quote(s.key ?? 'id')} as old from ${s.table} t
          where t.${quote(s.follows!.column)} in (select old from ${sets.get(s.follows!.map)})`;
    if (!source) throw new Error(`deleteTemplate: the root step ${s.table} names no template`);
    await em.execute(`create temporary table ${set} on commit drop as ${source}`);
    sets.set(s.map, set);
  }
  for (const s of [...steps].reverse()) {
    const [column, set] = s.map ? [s.key ?? 'id', sets.get(s.map)!] : [s.follows!.column, sets.get(s.follows!.map)!];
    await em.execute(`delete from ${s.table} where ${quote(column)} in (select old from ${set})`, [], 'run');
  }
}

/**
 * Deletes the outbox events the template's writes recorded (those of regions under `regionPrefix`), in the
 * transaction that wrote them: the copies announce nothing, and neither does the template they were made from.
 * The template must be written in a savepoint (`em.transactional` inside the transaction), where events are
 * written at once rather than at the outer commit.
 */
async function deleteTemplateEvents(em: EntityManager, regionPrefix: string): Promise<number> {
  const result = await em.execute(
    `delete from ${eventsTable(schemaOf(em))} where region_code like ? || '%'`,
    [regionPrefix],
    'run',
  );
  return Number((result as { affectedRows?: number }).affectedRows ?? 0);
}
