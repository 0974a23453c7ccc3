import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MikroORM } from '@mikro-orm/postgresql';
import type { TestStack } from '@renda/testing/services';
import { createTestDatabase, type TestDatabase } from '@renda/testing/database';
import { tokens } from '@renda/testing/tokens';
import { ok } from '@renda/testing/graphql';
import { ormConfig } from '@renda/db/orm';
import { maintainYearPartitions } from '@renda/db/partitions';
import { relationsRead } from '@renda/testing/explain';
import { suggestionsService } from '../src/server.ts';
import { rollupDrift } from '../src/modules/stats/stats.service.ts';
import { buildWorld, driveTo, fileSuggestion, ITEM, sg, startStack, type World } from './support.ts';

/**
 * Year partitions of items and their steps (Migration20261130145000, docs/scale.md): what the migration
 * keeps, what a year-filtered statistic reads, the key registry, and the DEFAULT partition's maintenance.
 */
const onPostgres = Boolean(process.env.DATABASE_URL);
type Row = Record<string, unknown>;

/** The partitions an EXPLAIN (format json) plan reads. */
function relationsOf(plan: unknown): string[] {
  const found: string[] = [];
  const walk = (node: Row) => {
    if (typeof node['Relation Name'] === 'string') found.push(node['Relation Name']);
    for (const child of (node.Plans as Row[] | undefined) ?? []) walk(child);
  };
  walk((plan as { Plan: Row }[])[0]!.Plan);
  return [...new Set(found)].sort();
}

describe('the migration to year partitions', () => {
  let db: TestDatabase;
  let orm: MikroORM;
  beforeAll(async () => {
    db = await createTestDatabase();
    orm = await MikroORM.init(
      ormConfig({
        url: db.url,
        schema: 'suggestions',
        entities: suggestionsService.entities,
        migrationsPath: suggestionsService.migrationsPath,
        migrations: suggestionsService.migrations,
        poolMax: 2,
      }),
    );
  });
  afterAll(async () => {
    await orm?.close();
    await db?.drop();
  });

  it('moves the rows into a partition per year and keeps counts, rollups, steps, references and uniqueness', async () => {
    const sql = (q: string, p: unknown[] = []) => orm.em.getConnection().execute<Row[]>(q, p as never[]);
    await sql('create schema if not exists "suggestions"');
    await orm.getMigrator().up({ to: 'Migration20261130144000' }); // the last before the partitions
    // Items of 2025 and 2026 as the unpartitioned tables held them, two steps each, a committee vote on one.
    const items = [
      ['01900000-0000-7000-8000-0000000000a1', 2025, '430181', 'SOLVED', 'SATISFIED'],
      ['01900000-0000-7000-8000-0000000000a2', 2025, '4306', null, null],
      ['01900000-0000-7000-8000-0000000000a3', 2026, '430181104', 'PLANNED', 'DISSATISFIED'],
    ] as const;
    for (const [id, year, region, reply, result] of items) {
      await sql(
        `insert into "suggestions"."suggestions" ("id", "kind", "region_code", "year", "register_key", "serial_number", "title",
           "content", "stage", "reply_category", "reply_on_time", "replied_on", "latest_result", "registered_at", "registered_by", "step_count")
         values (?, 'SUGGESTION', ?, ?, ?, 1, '题', '内容', 'RECEIVED', ?, ?, ?, ?, now(), 'test', 2)`,
        [id, region, year, `${region}:${year}`, reply, reply ? true : null, reply ? `${year}-05-01` : null, result],
      );
      for (const ordinal of [1, 2]) {
        await sql(
          `insert into "suggestions"."process_steps" ("id", "suggestion_id", "stage", "round", "ordinal", "at", "by")
           values (gen_random_uuid(), ?, 'RECEIVED', 1, ?, now(), 'test')`,
          [id, ordinal],
        );
      }
    }
    await sql(
      `insert into "suggestions"."committee_votes" ("id", "suggestion_id", "round", "voted_on", "members_present", "satisfied",
         "basically_satisfied", "dissatisfied", "at", "by_name", "by_role") values (gen_random_uuid(), ?, 1, '2025-06-01', 5, 5, 0, 0, now(), '主任', 'STAFF')`,
      [items[0][0]],
    );
    const rollupsBefore = await rollupRows(sql);

    await orm.getMigrator().up({ to: 'Migration20261130151002' }); // the partitions and their constraints
    expect(await rollupRows(sql)).toEqual(rollupsBefore);
    await orm.getMigrator().up(); // then the rest (Migration20261130160000 adds the rollups' year rows)

    const placed = await sql(
      `select tableoid::regclass::text as part, count(*)::int as n from "suggestions"."suggestions" group by 1 order by 1`,
    );
    const steps = await sql(
      `select tableoid::regclass::text as part, count(*)::int as n from "suggestions"."process_steps" group by 1 order by 1`,
    );
    console.log(`partitions: items ${JSON.stringify(placed)}, steps ${JSON.stringify(steps)}`);
    expect(placed).toEqual([
      { part: 'suggestions.suggestions_y2025', n: 2 },
      { part: 'suggestions.suggestions_y2026', n: 1 },
    ]);
    expect(steps).toEqual([
      { part: 'suggestions.process_steps_y2025', n: 4 },
      { part: 'suggestions.process_steps_y2026', n: 2 },
    ]);
    expect(await rollupDrift(orm.em.fork())).toEqual([]);
    expect(await sql('select count(*)::int as n from "suggestions"."suggestion_keys"')).toEqual([{ n: 3 }]);

    // The rollup trigger still counts, on the partitioned parent.
    await sql(`update "suggestions"."suggestions" set "latest_result" = 'SATISFIED' where "id" = ?`, [items[1][0]]);
    expect(await rollupDrift(orm.em.fork())).toEqual([]);
    // One item per id across years, one serial per register and kind, both now kept by the key registry.
    const again = (id: string, year: number, key: string, serial: number) =>
      sql(
        `insert into "suggestions"."suggestions" ("id", "kind", "region_code", "year", "register_key", "serial_number", "title",
           "content", "stage", "registered_at", "registered_by") values (?, 'SUGGESTION', '430181', ?, ?, ?, '题', '内容', 'RECEIVED', now(), 't')`,
        [id, year, key, serial],
      );
    await expect(again(items[0][0], 2026, 'other', 9)).rejects.toThrow(/suggestion_keys_pkey/);
    await expect(again('01900000-0000-7000-8000-0000000000a9', 2026, '430181:2025', 1)).rejects.toThrow(
      /suggestions_register_kind_serial_unique/,
    );
    // An item cannot go while its steps refer to it, nor (once they are gone) while the committee vote does:
    // that reference now points at the registry.
    await expect(sql('delete from "suggestions"."suggestions" where "id" = ?', [items[0][0]])).rejects.toThrow(
      /process_steps/,
    );
    await sql('delete from "suggestions"."process_steps" where "suggestion_id" = ?', [items[0][0]]);
    await expect(sql('delete from "suggestions"."suggestions" where "id" = ?', [items[0][0]])).rejects.toThrow(
      /committee_votes_suggestion_fk/,
    );
    // An item moved to another year takes its steps along (same partition as their item).
    await sql(`update "suggestions"."suggestions" set "year" = 2026 where "id" = ?`, [items[1][0]]);
    expect(
      await sql(`select distinct "year" from "suggestions"."process_steps" where "suggestion_id" = ?`, [items[1][0]]),
    ).toEqual([{ year: 2026 }]);
    expect(await rollupDrift(orm.em.fork())).toEqual([]);
  });
});

describe.skipIf(!onPostgres)('year partitions in use', () => {
  let stack: TestStack;
  let world: World;
  beforeAll(async () => {
    stack = await startStack();
    world = await buildWorld(stack);
  });
  afterAll(() => stack?.stop());
  const sql = (q: string, p: unknown[] = []) =>
    stack.services.suggestions!.orm.em.getConnection().execute<Row[]>(q, p as never[]);

  it('a year-filtered statistic reads one partition; a lookup by id reads each', async () => {
    const parts = await sql(`select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent = 'suggestions.suggestions'::regclass order by 1`);
    // Created at start from the service's clock (2026): this year and the next, beside the DEFAULT partition.
    expect(parts.map((p) => p.relname)).toEqual(['suggestions_default', 'suggestions_y2026', 'suggestions_y2027']);
    const [yearly] = await sql(
      `explain (format json) select count(*), count(s.reply_category) from "suggestions"."suggestions" s
       where s.year between ? and ? and s.region_code like ?`,
      [2026, 2026, '43%'],
    );
    const [byId] = await sql(`explain (format json) select * from "suggestions"."suggestions" where "id" = ?`, [
      '01900000-0000-7000-8000-0000000000a1',
    ]);
    const one = relationsOf(yearly!['QUERY PLAN']);
    const each = relationsOf(byId!['QUERY PLAN']);
    console.log(`partitions: suggestionFigures(2026) reads ${one.join(', ')}; suggestion(id) reads ${each.join(', ')}`);
    expect(one).toEqual(['suggestions_y2026']);
    expect(each).toEqual(['suggestions_default', 'suggestions_y2026', 'suggestions_y2027']);
  });

  it("a year's register page and its count read that year's partition only", async () => {
    // The statistics read the rollups (not the items); the register filtered by year is what scans items.
    const read = await relationsRead(stack.services.suggestions!.orm, async () =>
      ok(
        sg(stack),
        `query { suggestions(filter: { regionCode: "430181", year: 2026 }, first: 5) { totalCount edges { node { id } } } }`,
        {},
        await tokens.staff('430181'),
      ),
    );
    const parts = [
      ...new Set(read.flatMap((r) => r.relations.filter((n) => /^suggestions_(y\d{4}|default)$/.test(n)))),
    ];
    console.log(
      `partitions: suggestions(year: 2026) with totalCount: ${read.length} statements read ${parts.join(', ')}`,
    );
    expect(parts).toEqual(['suggestions_y2026']);
  });

  it('an item of a year without its partition waits in DEFAULT; maintenance moves it with its steps', async () => {
    const staff = await tokens.staff('430181');
    stack.clock.set('2028-03-01T02:00:00Z');
    try {
      const id = await fileSuggestion(stack, world);
      await driveTo(stack, world, id, 'ASSIGNED');
      const where = async () =>
        (await sql(`select tableoid::regclass::text as p from "suggestions"."suggestions" where "id" = ?`, [id]))[0]!.p;
      expect(await where()).toBe('suggestions.suggestions_default');
      const rollups = await rollupRows(sql);
      const created = await maintainYearPartitions(
        stack.services.suggestions!.orm,
        suggestionsService.partitions!,
        [2028],
      );
      console.log(`partitions: maintenance created ${created.join(', ')}; the 2028 item moved out of DEFAULT`);
      expect(created).toEqual(['suggestions.suggestions_y2028', 'suggestions.process_steps_y2028']);
      expect(await where()).toBe('suggestions.suggestions_y2028');
      expect(await sql(`select count(*)::int as n from only "suggestions"."process_steps_default"`)).toEqual([
        { n: 0 },
      ]);
      // The rows did not change: neither the rollups nor the key registry saw a write.
      expect(await rollupRows(sql)).toEqual(rollups);
      expect(await rollupDrift(stack.services.suggestions!.orm.em.fork())).toEqual([]);
      const item = (await ok(sg(stack), ITEM, { id }, staff)).suggestion;
      expect(item.steps.map((s: { stage: string }) => s.stage)).toEqual(['RECEIVED', 'ASSIGNED']);
      // Run again (as every copy does at start): nothing left to do.
      expect(
        await maintainYearPartitions(stack.services.suggestions!.orm, suggestionsService.partitions!, [2028]),
      ).toEqual([]);
    } finally {
      stack.clock.set('2026-06-15T02:00:00Z');
    }
  });
});

/** Every rollup row (the three grains of Migration20261130144000), in a stable order, to compare before and after. */
async function rollupRows(sql: (q: string) => Promise<Record<string, unknown>[]>) {
  const rows: Record<string, unknown>[] = [];
  for (const grain of ['unit', 'period', 'topic']) {
    rows.push(
      ...(await sql(
        `select '${grain}' as grain, row_to_json(r)::text as row from "suggestions"."suggestion_rollups_${grain}" r order by 2`,
      )),
    );
  }
  return rows;
}
