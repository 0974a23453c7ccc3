import type { EntitySchema, SqlEntityManager } from '@mikro-orm/postgresql';
import { sqlSchema, sqlTable } from '@renda/db/tables';
import { ContributionSchema, DeputyContactSchema, ProgressReportSchema } from '../handling/handling.entity.ts';
import { CommitteeVoteSchema, KeyHearingSchema } from '../key-items/key-items.entity.ts';
import {
  EvaluationSchema,
  HandlingUnitSchema,
  ProcessStepSchema,
  ReplySchema,
  SerialCounterSchema,
  SheetSchema,
  SuggestionKeySchema,
  SuggestionSchema,
  SuggestionSignerSchema,
} from '../suggestions/suggestion.entity.ts';
import { primaryDb, rebuildRollups, rollupTables } from './stats.store.ts';

/**
 * The statements of the synthetic province of the benchmarks (`src/bench-data.ts`, S-8, issue 9): the regions
 * and units of the province, and the set-based copies of the template that `src/bench-template.ts` wrote through
 * the write functions, every table named from the ORM's metadata (the scratch tables of the load, no entity's,
 * in the ORM's schema, dropped after it). Never used by the service itself.
 */
const tables = (em: SqlEntityManager) => ({
  items: sqlTable(em, SuggestionSchema),
  keys: sqlTable(em, SuggestionKeySchema),
  counters: sqlTable(em, SerialCounterSchema),
  townships: `${sqlSchema(em)}."bench_townships"`,
  units: `${sqlSchema(em)}."bench_units"`,
  template: `${sqlSchema(em)}."bench_template"`,
  slots: `${sqlSchema(em)}."bench_slots"`,
  regions: `${sqlSchema(em)}."bench_regions"`,
  registers: `${sqlSchema(em)}."bench_registers"`,
  itemMap: `${sqlSchema(em)}."bench_items"`,
  ids: `${sqlSchema(em)}."bench_ids"`,
  subs: `${sqlSchema(em)}."bench_subs"`,
});

/** The item triggers the load switches off while the template is written (the rollups', rebuilt after the load). */
export type ItemTrigger = 'suggestions_rollups_rows' | 'suggestions_rollups_changes';

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

/** How a copied column is made from the template row `s` of the copy `c` (slot, shift in years, county unit). */
type Rule = 'keep' | 'newId' | 'item' | 'year' | 'date' | 'time' | 'region' | 'register' | 'id' | 'sub' | 'now';

/**
 * A table the template's write functions filled, and how each of its columns is copied. Columns not named keep
 * the template's value; an id, a date, a time or a year not named stops the load (a new column must be given a
 * rule before it is copied as the template's).
 */
interface CopySpec {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  entity: EntitySchema<any, any>;
  /** The property holding the item's id. */
  item: string;
  rules: Record<string, Rule>;
}

const actor: Record<string, Rule> = { byUnitId: 'id' };

/** Every table the template fills, children after the items (the key registry is filled from the items). */
const copies: CopySpec[] = [
  {
    entity: SuggestionSchema,
    item: 'id',
    rules: {
      id: 'item',
      regionCode: 'region',
      year: 'year',
      sessionId: 'keep',
      registerKey: 'register',
      leadDeputyId: 'id',
      sourceContactId: 'keep',
      leadOfficialId: 'keep',
      leadUnitId: 'id',
      assignedOn: 'date',
      replyDueOn: 'date',
      repliedOn: 'date',
      registeredAt: 'time',
      registeredBy: 'sub',
      withdrawnAt: 'time',
      updatedAt: 'now',
    },
  },
  {
    entity: SuggestionKeySchema,
    item: 'id',
    rules: { id: 'item', year: 'year', registerKey: 'register', sourceContactId: 'keep' },
  },
  {
    entity: ProcessStepSchema,
    item: 'suggestionId',
    rules: { id: 'newId', suggestionId: 'item', year: 'year', at: 'time', by: 'sub', ...actor },
  },
  {
    entity: SuggestionSignerSchema,
    item: 'suggestionId',
    rules: { id: 'newId', suggestionId: 'item', deputyId: 'id', year: 'year' },
  },
  {
    entity: HandlingUnitSchema,
    item: 'suggestionId',
    rules: { id: 'newId', suggestionId: 'item', unitId: 'id', year: 'year' },
  },
  {
    entity: ReplySchema,
    item: 'suggestionId',
    rules: { id: 'newId', suggestionId: 'item', repliedOn: 'date', repliedBy: 'sub', ...actor },
  },
  {
    entity: EvaluationSchema,
    item: 'suggestionId',
    rules: { id: 'newId', suggestionId: 'item', deputyId: 'id', evaluatedAt: 'time', enteredBy: 'sub' },
  },
  {
    entity: SheetSchema,
    item: 'suggestionId',
    rules: {
      id: 'newId',
      suggestionId: 'item',
      unitId: 'id',
      issuedOn: 'date',
      dueOn: 'date',
      issuedBy: 'sub',
      answeredOn: 'date',
      answeredBy: 'sub',
      ...actor,
      answeredByUnitId: 'id',
      updatedAt: 'now',
      withdrawnAt: 'time',
    },
  },
];

/** The tables with an item's id besides those copied: the template must leave them empty (checked). */
const notCopied = [
  ProgressReportSchema,
  ContributionSchema,
  DeputyContactSchema,
  KeyHearingSchema,
  CommitteeVoteSchema,
];

const mustMap = new Set(['uuid', 'date', 'timestamptz', 'timestamp']);

/** `insert … select` of one table's copies from the template rows `s` of the items mapped in `bench_items`. */
function copyStatement(em: SqlEntityManager, spec: CopySpec): string {
  const t = tables(em);
  const meta = em.getMetadata().get(spec.entity.meta.className);
  const joins: string[] = [];
  const columns: string[] = [];
  const values: string[] = [];
  let itemColumn = '';
  for (const prop of meta.props) {
    if (prop.persist === false || !prop.fieldNames?.length) continue;
    const column = prop.fieldNames[0]!;
    const col = `s."${column}"`;
    const rule = spec.rules[prop.name];
    if (prop.name === spec.item) itemColumn = column;
    if (
      !rule &&
      (mustMap.has(String(prop.columnTypes?.[0])) || ['year', 'regionCode', 'registerKey'].includes(prop.name))
    )
      throw new Error(`The benchmark's copy has no rule for ${meta.tableName}.${column}: say how a copy makes it.`);
    const j = `j${joins.length}`;
    const value = {
      keep: () => col,
      newId: () => 'gen_random_uuid()',
      item: () => 'm.new_id',
      year: () => `${col} + c.shift`,
      date: () => `(${col} + make_interval(years => c.shift))::date`,
      time: () => `${col} + make_interval(years => c.shift)`,
      region: () => {
        joins.push(`join ${t.regions} ${j} on ${j}.slot = m.slot and ${j}.old = ${col}`);
        return `${j}.new`;
      },
      register: () => {
        joins.push(`join ${t.registers} ${j} on ${j}.slot = m.slot and ${j}.old = ${col}`);
        return `${j}.new`;
      },
      id: () => {
        joins.push(`left join ${t.ids} ${j} on ${j}.slot = m.slot and ${j}.old = ${col}`);
        return `case when ${col} is null then null else ${j}.new end`;
      },
      sub: () => {
        joins.push(`left join ${t.subs} ${j} on ${j}.slot = m.slot and ${j}.old = ${col}`);
        return `coalesce(${j}.new, ${col})`;
      },
      now: () => 'clock_timestamp()',
    }[rule ?? 'keep']();
    columns.push(`"${column}"`);
    values.push(value);
  }
  const table = sqlTable(em, spec.entity);
  return `insert into ${table} (${columns.join(', ')})
    select ${values.join(', ')}
    from ${t.itemMap} m join ${t.slots} c on c.slot = m.slot join ${table} s on s."${itemColumn}" = m.old_id
    ${joins.join('\n    ')}`;
}

/** What the copies need to know of the template (`bench-template.ts`) besides its rows. */
interface TemplateFacts {
  /** The template townships, each mapped to the township of the same place in each copy's pair. */
  townships: string[];
  county: string;
  unitId: string;
  deputyIds: string[];
  /** The write path's register of a region's year (`registerKeyOf`): the template's, and each copy's. */
  registerKeyOf: (regionCode: string, year: number) => string;
  year: number;
  /** The subjects (`sub`) its viewers acted as, by kind of viewer. */
  subs: { deputy: (id: string) => string; handler: (unitId: string) => string; staff: (county: string) => string };
}

/**
 * The copies of the template (written through the write functions) across the bench townships and the years
 * 2024-2026, `items` items in all: copy `slot` is a pair of townships of one county (its unit the lead unit) in
 * one year, slots spreading over every county and year before the next pair; the template repeated in slot
 * order, its items in register and serial order, truncated at `items`. Every row of the template's items, their
 * children and their key registry entries, with new ids, the copy's regions, unit, deputies and registers, and
 * every date shifted by whole years; the serial counters of the copies' registers; then the template deleted (its
 * events stay in the outbox). One transaction. Returns the copies' items by stage.
 */
export async function copyTemplate(
  em: SqlEntityManager,
  template: TemplateFacts,
  items: number,
): Promise<Record<string, number>> {
  const t = tables(em);
  const knex = em.getKnex();
  return knex.transaction(async (trx) => {
    // The copies are rows the write path wrote, with new ids: no trigger runs on them (the key registry's rows are
    // copied, the rollups rebuilt after, every `updated_at` stamped by the copy) and no foreign key is checked
    // row by row (as the other domains' bench loader, `gateway/bench/province-domains.ts`);
    // `test/bench-data.test.ts` checks each copy's keys, steps, units and signers.
    await trx.raw('set local session_replication_role = replica');
    for (const entity of notCopied) {
      const { rows } = (await trx.raw(
        `select count(*)::int as n from ${sqlTable(em, entity)} x join ${t.items} s on s.id = x.suggestion_id and s.region_code = any(?)`,
        [template.townships],
      )) as { rows: { n: number }[] };
      if (rows[0]!.n > 0)
        throw new Error(`The template wrote ${sqlTable(em, entity)}, which the benchmark's copies do not replicate.`);
    }
    await trx.raw(
      `create table ${t.template} as
      select (row_number() over (order by s.region_code, s.serial_number) - 1)::int as ord, s.id
      from ${t.items} s where s.region_code = any(?)`,
      [template.townships],
    );
    const [{ n: size }] = ((await trx.raw(`select count(*)::int as n from ${t.template}`)) as { rows: { n: number }[] })
      .rows as [{ n: number }];
    // The bench regions (`createBenchRegions`): 140 counties of 14 townships, a copy for each group of as many
    // townships as the template has, in each of the three years.
    const perSlot = template.townships.length;
    const counties = 140;
    const slotCount = Math.ceil(items / size);
    const slots = counties * Math.floor(14 / perSlot) * 3;
    if (slotCount > slots)
      throw new Error(`The bench province holds at most ${(slots * size).toLocaleString()} items.`);
    // Slot s: year 2024 + s % 3, county (s / 3) % 140, township pair (s / 3) / 140 of that county.
    await trx.raw(
      `create table ${t.slots} as
      select s as slot, s % 3 + 2024 - ? as shift, u.county, u.id as unit, (s / 3) / ? as pair
      from generate_series(0, ? - 1) s
      join (select county, id, (row_number() over (order by county) - 1)::int as idx from ${t.units}) u on u.idx = (s / 3) % ?`,
      [template.year, counties, slotCount, counties],
    );
    await trx.raw(
      `create table ${t.regions} as
      select c.slot, tpl.old, w.code as new from ${t.slots} c
      join unnest(?::text[]) with ordinality tpl(old, k) on true
      join ${t.townships} w on w.county = c.county and w.idx % 14 = c.pair * ? + tpl.k - 1`,
      [template.townships, perSlot],
    );
    // Registers: the write path's key of each template register and of its copy (`registerKeyOf`), bound.
    const registers = await trx.raw(
      `select r.slot, r.old, r.new, c.shift from ${t.regions} r join ${t.slots} c on c.slot = r.slot`,
    );
    const registerRows = (registers as { rows: { slot: number; old: string; new: string; shift: number }[] }).rows.map(
      (r) => ({
        slot: r.slot,
        old: template.registerKeyOf(r.old, template.year),
        new: template.registerKeyOf(r.new, template.year + r.shift),
      }),
    );
    await trx.raw(`create table ${t.registers} (slot int, old text, new text)`);
    for (let i = 0; i < registerRows.length; i += 1000)
      await trx.raw(`insert into ${t.registers} select * from unnest(?::int[], ?::text[], ?::text[])`, [
        registerRows.slice(i, i + 1000).map((r) => r.slot),
        registerRows.slice(i, i + 1000).map((r) => r.old),
        registerRows.slice(i, i + 1000).map((r) => r.new),
      ]);
    await trx.raw(
      `create table ${t.itemMap} as
      select c.slot, x.id as old_id, gen_random_uuid() as new_id
      from ${t.slots} c join ${t.template} x on c.slot * ? + x.ord < ?`,
      [size, Math.trunc(items)],
    );
    // Ids: the county's unit for the template's unit, new deputies for each copy.
    await trx.raw(
      `create table ${t.ids} as
      select c.slot, ?::uuid as old, c.unit as new from ${t.slots} c
      union all select c.slot, d.old, gen_random_uuid() from ${t.slots} c cross join unnest(?::uuid[]) d(old)`,
      [template.unitId, template.deputyIds],
    );
    const subs = template.subs;
    await trx.raw(
      `create table ${t.subs} as
      select c.slot, ?::text as old, ? || c.unit::text as new from ${t.slots} c
      union all select c.slot, ?::text, ? || c.county from ${t.slots} c
      union all select i.slot, ? || i.old::text, ? || i.new::text from ${t.ids} i where i.old <> ?::uuid`,
      [
        subs.handler(template.unitId),
        subs.handler(''),
        subs.staff(template.county),
        subs.staff(''),
        subs.deputy(''),
        subs.deputy(''),
        template.unitId,
      ],
    );
    for (const table of [t.itemMap, t.regions, t.registers, t.ids, t.subs])
      await trx.raw(`create index on ${table} (slot, ${table === t.itemMap ? 'old_id' : 'old'})`);
    await trx.raw(`analyze ${t.itemMap}`);
    for (const spec of copies) await trx.raw(copyStatement(em, spec));
    // The serial counters of the copies' registers: the last serial each was given.
    await trx.raw(`insert into ${t.counters} ("register_key", "kind", "last")
      select k."register_key", k."kind", max(k."serial_number") from ${t.keys} k join ${t.itemMap} m on m.new_id = k.id
      group by k."register_key", k."kind"`);
    // The template itself leaves: children, items, registry entries, its registers' counters.
    for (const spec of [...copies].reverse()) {
      const meta = em.getMetadata().get(spec.entity.meta.className);
      const column = meta.props.find((p) => p.name === spec.item)!.fieldNames[0]!;
      await trx.raw(`delete from ${sqlTable(em, spec.entity)} where "${column}" in (select id from ${t.template})`);
    }
    await trx.raw(`delete from ${t.counters} where "register_key" in (select distinct old from ${t.registers})`);
    const { rows: stages } = (await trx.raw(
      `select s.stage, count(*)::int as n from ${t.items} s join ${t.itemMap} m on m.new_id = s.id group by s.stage order by s.stage`,
    )) as { rows: { stage: string; n: number }[] };
    const copied = stages.reduce((n, r) => n + r.n, 0);
    if (copied !== Math.min(items, slotCount * size))
      throw new Error(
        `${copied} items copied of ${Math.min(items, slotCount * size)}: a template register has no copy.`,
      );
    for (const table of [t.template, t.slots, t.regions, t.registers, t.itemMap, t.ids, t.subs])
      await trx.raw(`drop table ${table}`);
    return Object.fromEntries(stages.map((r) => [r.stage, r.n]));
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
