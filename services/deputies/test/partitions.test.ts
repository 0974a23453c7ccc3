import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServices, type TestStack } from '@renda/testing/services';
import { tokens } from '@renda/testing/tokens';
import { ok } from '@renda/testing/graphql';
import { maintainYearPartitions } from '@renda/db/partitions';
import { relationsRead } from '@renda/testing/explain';
import { deputiesService } from '../src/server.ts';
import { createCongress, createDeputy, createRegions, subgraphOf } from './fixtures.ts';

/**
 * Contacts partitioned by the year they took place (Migration20261130145010, docs/scale.md): a year's
 * contacts are read from one partition, ids stay unique across years, a contact of a year without its
 * partition waits in DEFAULT until the maintenance moves it.
 */
type Row = Record<string, unknown>;
let stack: TestStack;
let sg: ReturnType<typeof subgraphOf>;
let admin: string;
let deputy: string;
const sql = (q: string, p: unknown[] = []) =>
  stack.services.deputies!.orm.em.getConnection().execute<Row[]>(q, p as never[]);

const recordMutation = `mutation($i: RecordContactInput!) { recordContact(input: $i) { id occurredOn } }`;
const contactsQuery = `query($id: ID!, $year: Int!) { deputy(id: $id) { contacts(year: $year) { id occurredOn } } }`;
const record = async (occurredOn: string) =>
  (
    await ok(
      sg,
      recordMutation,
      { i: { kind: 'VOTER', deputyId: deputy, method: 'VISIT', occurredOn, summary: '走访', participants: 3 } },
      admin,
    )
  ).recordContact.id as string;
const partitionOf = async (id: string) =>
  (await sql(`select tableoid::regclass::text as p from "deputies"."contact_records" where "id" = ?`, [id]))[0]!.p;

function relationsOf(plan: unknown): string[] {
  const found: string[] = [];
  const walk = (node: Row) => {
    if (typeof node['Relation Name'] === 'string') found.push(node['Relation Name']);
    for (const child of (node.Plans as Row[] | undefined) ?? []) walk(child);
  };
  walk((plan as { Plan: Row }[])[0]!.Plan);
  return [...new Set(found)].sort();
}

beforeAll(async () => {
  stack = await startTestServices([deputiesService]);
  sg = subgraphOf(stack);
  admin = await tokens.admin();
  await createRegions(sg, admin);
  const congress = await createCongress(sg, admin, {
    regionCode: '430181',
    termNumber: 18,
    name: '浏阳市第十八届人民代表大会',
    startsOn: '2024-01-10',
    endsOn: '2029-01-09',
  });
  deputy = await createDeputy(sg, admin, { congressId: congress, regionCode: '430181', name: '周建国' });
});
afterAll(() => stack?.stop());

describe('contacts partitioned by year', () => {
  it("a deputy's contacts of one year are read from that year's partition", async () => {
    const id = await record('2026-03-01');
    expect(await partitionOf(id)).toBe('deputies.contact_records_y2026');
    const [plan] = await sql(
      `explain (format json) select * from "deputies"."contact_records" where "deputy_id" in (?) and "occurred_on" >= ? and "occurred_on" <= ?`,
      [deputy, '2026-01-01', '2026-12-31'],
    );
    const read = relationsOf(plan!['QUERY PLAN']);
    const [all] = await sql(`explain (format json) select * from "deputies"."contact_records" where "id" = ?`, [id]);
    console.log(
      `partitions: Deputy.contacts(year: 2026) reads ${read.join(', ')}; ContactRecord by id reads ${relationsOf(all!['QUERY PLAN']).join(', ')}`,
    );
    expect(read).toEqual(['contact_records_y2026']);
  });

  it('a contact of a year without its partition waits in DEFAULT; the maintenance moves it, unchanged', async () => {
    const id = await record('2024-11-20');
    expect(await partitionOf(id)).toBe('deputies.contact_records_default');
    const keys = await sql('select count(*)::int as n from "deputies"."contact_record_keys"');
    const created = await maintainYearPartitions(stack.services.deputies!.orm, deputiesService.partitions!, []);
    console.log(`partitions: maintenance found a 2024 contact in DEFAULT and created ${created.join(', ')}`);
    expect(created).toEqual(['deputies.contact_records_y2024']);
    expect(await partitionOf(id)).toBe('deputies.contact_records_y2024');
    expect(await sql('select count(*)::int as n from "deputies"."contact_record_keys"')).toEqual(keys);
    const read = await ok(sg, contactsQuery, { id: deputy, year: 2024 }, admin);
    expect(read.deputy.contacts).toEqual([{ id, occurredOn: '2024-11-20' }]);
  });

  it('an id is one contact across years: the key registry refuses the same id in another year', async () => {
    const id = await record('2026-04-01');
    await expect(
      sql(
        `insert into "deputies"."contact_records" ("id", "kind", "method", "occurred_on", "deputy_id", "region_code", "summary",
        "recorded_at", "recorded_by") values (?, 'VOTER', 'VISIT', '2027-01-05', ?, '430181', '走访', now(), 't')`,
        [id, deputy],
      ),
    ).rejects.toThrow(/contact_record_keys_pkey/);
  });

  it("a year's statistics and figures read that year's contact partition only", async () => {
    const read = await relationsRead(stack.services.deputies!.orm, () =>
      ok(
        sg,
        `{ region(code: "430181") { deputyStats(year: 2026) { activeDeputies }
        deputyFigures(from: 2026, to: 2026, interval: MONTH) { level deputiesInOffice } } }`,
        {},
        admin,
      ),
    );
    const contacts = [...new Set(read.flatMap((r) => r.relations.filter((n) => n.startsWith('contact_records'))))];
    console.log(
      `partitions: deputyStats(2026) and deputyFigures(2026, MONTH): ${read.length} statements read ${contacts.join(', ')}`,
    );
    expect(contacts).toEqual(['contact_records_y2026']);
  });
});
