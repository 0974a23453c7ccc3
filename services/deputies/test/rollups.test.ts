import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { startTestServices, type TestStack } from '@renda/testing/services';
import { figurePeriods } from '@renda/server-kit/figures';
import { FixedClock } from '@renda/server-kit/clock';
import { deputiesService } from '../src/server.ts';
import { defaultDutyRules } from '../src/env.ts';
import {
  deputyFigureRows,
  figureCounts,
  liveRaw,
  rebuildRollups,
  rollupRaw,
  type FigureRow,
} from '../src/modules/stats/figures.store.ts';

/**
 * F-1, D-4, D-6, D-7: whatever deputies, mandates, terms, contacts and committee members' assignments are written,
 * moved, re-dated or deleted, the figures `deputyFigures` reads from the rollups equal the live aggregate, for any
 * subtree, years or months, day asked (past ones included) and yearly minimums from 1 to 5.
 */
let stack: TestStack;
const em = () => stack.services.deputies!.orm.em.fork();
const sql = (q: string, params: unknown[] = []) =>
  em()
    .getConnection()
    .execute(q, params as never[]);

const congresses = [
  {
    id: '01900000-0000-7000-8000-0000000000c1',
    region: '430181',
    level: 'COUNTY',
    term: 17,
    starts: '2019-01-10',
    ends: '2024-01-09',
  },
  {
    id: '01900000-0000-7000-8000-0000000000c2',
    region: '430181',
    level: 'COUNTY',
    term: 18,
    starts: '2024-01-10',
    ends: null,
  },
  {
    id: '01900000-0000-7000-8000-0000000000c3',
    region: '430181104',
    level: 'TOWNSHIP',
    term: 18,
    starts: '2024-01-05',
    ends: '2029-01-04',
  },
  {
    id: '01900000-0000-7000-8000-0000000000c4',
    region: '4301',
    level: 'CITY',
    term: 16,
    starts: '2021-03-01',
    ends: '2025-12-31',
  },
];
// Committee members of three congresses (D-4): a member's visits to a deputy count when the deputy is assigned.
const members = [
  { id: '01900000-0000-7000-8000-0000000000a1', congress: 0 },
  { id: '01900000-0000-7000-8000-0000000000a2', congress: 1 },
  { id: '01900000-0000-7000-8000-0000000000a3', congress: 3 },
];
const regionsOf: Record<string, string[]> = {
  '430181': ['430181', '430181104', '430181105'],
  '430181104': ['430181104'],
  '4301': ['4301', '430181', '430181104'],
};
const edges = [
  '2019-01-10',
  '2021-12-31',
  '2022-01-01',
  '2022-06-30',
  '2024-01-09',
  '2024-01-10',
  '2024-12-31',
  '2025-03-31',
  '2025-12-31',
];
const day = (n: number) => new Date(Date.parse('2019-01-01T00:00:00Z') + n * 86_400_000).toISOString().slice(0, 10);
// Most days fall in 2022 (where mandates end mid-year and months are asked), the rest anywhere in 2019-2026.
const anyDay = fc.oneof(
  fc.constantFrom(...edges),
  fc.integer({ min: 1095, max: 1459 }).map(day),
  fc.integer({ min: 1095, max: 1459 }).map(day),
  fc.integer({ min: 0, max: 2700 }).map(day),
);

const op = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('deputy' as const),
      congress: fc.nat(3),
      region: fc.nat(),
      starts: anyDay,
      ends: fc.option(anyDay, { nil: null }),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('contact' as const),
      pick: fc.nat(),
      type: fc.constantFrom('VOTER', 'GROUP_ACTIVITY', 'VOTER', 'DUTY_REPORT', 'COMMITTEE_MEMBER'),
      member: fc.nat(2),
      on: anyDay,
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('assign' as const), pick: fc.nat(), member: fc.nat(2) }) },
  fc.record({ kind: fc.constant('unassign' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('remember' as const), pick: fc.nat(), member: fc.nat(2) }),
  fc.record({ kind: fc.constant('redate' as const), pick: fc.nat(), on: anyDay }),
  fc.record({ kind: fc.constant('uncontact' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('mandate' as const), pick: fc.nat(), ends: fc.option(anyDay, { nil: null }) }),
  fc.record({ kind: fc.constant('move' as const), pick: fc.nat(), congress: fc.nat(3), region: fc.nat() }),
  fc.record({ kind: fc.constant('term' as const), congress: fc.nat(3), ends: fc.option(anyDay, { nil: null }) }),
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;
const question = fc.record({
  codes: fc.subarray(['43', '4301', '430181', '430181104'], { minLength: 1 }),
  from: fc.oneof(fc.constant(2022), fc.integer({ min: 2019, max: 2026 })),
  years: fc.integer({ min: 0, max: 2 }),
  interval: fc.constantFrom('YEAR' as const, 'MONTH' as const),
  asOf: fc.option(anyDay, { nil: null }),
  minVoter: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 5 })),
  minGroup: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 5 })),
  minCommittee: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 5 })),
});

let serial = 0;
async function apply(state: { deputies: string[]; contacts: string[] }, o: Op) {
  const pick = <T>(list: T[], n: number) => list[n % list.length];
  if (o.kind === 'deputy') {
    const c = congresses[o.congress]!;
    const region = pick(regionsOf[c.region]!, o.region)!;
    const ends = o.ends && o.ends < o.starts ? o.starts : o.ends;
    serial += 1;
    const [row] = await sql(
      `with p as (insert into deputies.persons (id, name) values (gen_random_uuid(), '代表') returning id)
       insert into deputies.deputies (id, person_id, congress_id, region_code, name, gender, work_unit, position, constituency,
         mandate_starts_on, mandate_ends_on)
       select gen_random_uuid(), p.id, ?, ?, '代表' || ?, 'MALE', '单位', '职务', '选区', ?, ? from p returning id`,
      [c.id, region, serial, o.starts, ends],
    );
    state.deputies.push((row as { id: string }).id);
  } else if (o.kind === 'contact' && state.deputies.length) {
    const member = o.type === 'COMMITTEE_MEMBER' ? members[o.member]!.id : null;
    const [row] = await sql(
      `insert into deputies.contact_records (id, kind, method, occurred_on, deputy_id, committee_member_id, region_code, summary, recorded_at, recorded_by, participants)
       select gen_random_uuid(), ?, 'VISIT', ?, d.id, ?, d.region_code, '联系', now(), 'test', 5 from deputies.deputies d where d.id = ? returning id`,
      [o.type, o.on, member, pick(state.deputies, o.pick)],
    );
    state.contacts.push((row as { id: string }).id);
  } else if (o.kind === 'assign' && state.deputies.length) {
    await sql(
      'insert into deputies.committee_assignments (member_id, deputy_id) values (?, ?) on conflict do nothing',
      [members[o.member]!.id, pick(state.deputies, o.pick)],
    );
  } else if (o.kind === 'unassign') {
    const rows = (await sql('select member_id, deputy_id from deputies.committee_assignments order by 1, 2')) as {
      member_id: string;
      deputy_id: string;
    }[];
    const a = pick(rows, o.pick);
    if (a)
      await sql('delete from deputies.committee_assignments where member_id = ? and deputy_id = ?', [
        a.member_id,
        a.deputy_id,
      ]);
  } else if (o.kind === 'remember' && state.contacts.length) {
    // A committee visit recorded against another member (a correction of the member).
    await sql(
      `update deputies.contact_records set committee_member_id = ? where id = ? and kind = 'COMMITTEE_MEMBER'`,
      [members[o.member]!.id, pick(state.contacts, o.pick)],
    );
  } else if (o.kind === 'redate' && state.contacts.length) {
    await sql('update deputies.contact_records set occurred_on = ? where id = ?', [o.on, pick(state.contacts, o.pick)]);
  } else if (o.kind === 'uncontact' && state.contacts.length) {
    const id = pick(state.contacts, o.pick)!;
    await sql('delete from deputies.contact_records where id = ?', [id]);
    state.contacts.splice(state.contacts.indexOf(id), 1);
  } else if (o.kind === 'mandate' && state.deputies.length) {
    await sql('update deputies.deputies set mandate_ends_on = greatest(mandate_starts_on, ?::date) where id = ?', [
      o.ends ?? '9999-12-31',
      pick(state.deputies, o.pick),
    ]);
    if (!o.ends) await sql(`update deputies.deputies set mandate_ends_on = null where mandate_ends_on = '9999-12-31'`);
  } else if (o.kind === 'move' && state.deputies.length) {
    const c = congresses[o.congress]!;
    await sql('update deputies.deputies set congress_id = ?, region_code = ? where id = ?', [
      c.id,
      pick(regionsOf[c.region]!, o.region),
      pick(state.deputies, o.pick),
    ]);
  } else if (o.kind === 'term') {
    const c = congresses[o.congress]!;
    await sql(
      'update deputies.congresses set ends_on = case when ?::date < starts_on then starts_on else ?::date end where id = ?',
      [o.ends, o.ends, c.id],
    );
  }
}

const key = (r: FigureRow) => `${r.key}|${r.i}|${r.level}`;
function counted(rows: FigureRow[]) {
  return new Map(rows.filter((r) => figureCounts.some((n) => Number(r[n]) !== 0)).map((r) => [key(r), r]));
}

beforeAll(async () => {
  stack = await startTestServices([deputiesService]);
  for (const code of ['43', '4301', '430181', '430181104', '430181105']) {
    const level = { 2: 'PROVINCE', 4: 'CITY', 6: 'COUNTY', 9: 'TOWNSHIP' }[code.length]!;
    await sql(`insert into deputies.regions (code, name, level, parent_code) values (?, ?, ?, ?)`, [
      code,
      code,
      level,
      code.length === 2 ? null : code.slice(0, code.length === 9 ? 6 : code.length - 2),
    ]);
  }
});
afterAll(() => stack?.stop());

describe('deputy rollups (F-1, D-6, D-7)', () => {
  it('F-1: the rollups deputyFigures reads equal the live aggregate after any writes, for any subtree, period and day', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 1, maxLength: 30 }),
        fc.array(question, { minLength: 1, maxLength: 3 }),
        async (ops, questions) => {
          await sql('delete from deputies.contact_records');
          await sql('delete from deputies.committee_assignments');
          await sql('delete from deputies.deputies');
          await sql('delete from deputies.persons');
          await sql('delete from deputies.committee_members');
          await sql('delete from deputies.congresses');
          for (const c of congresses) {
            await sql(
              `insert into deputies.congresses (id, region_code, level, term_number, name, starts_on, ends_on) values (?, ?, ?, ?, ?, ?, ?)`,
              [c.id, c.region, c.level, c.term, `${c.region}第${c.term}届`, c.starts, c.ends],
            );
          }
          for (const m of members) {
            const c = congresses[m.congress]!;
            await sql(
              `insert into deputies.committee_members (id, congress_id, region_code, name, role, full_time) values (?, ?, ?, '委员', 'MEMBER', false)`,
              [m.id, c.id, c.region],
            );
          }
          const state = { deputies: [] as string[], contacts: [] as string[] };
          for (const o of ops) await apply(state, o);
          for (const q of questions) {
            const periods = figurePeriods(new FixedClock('2026-06-15T02:00:00Z'), {
              from: q.from,
              to: Math.min(2026, q.from + q.years),
              interval: q.interval,
              asOf: q.asOf,
            });
            const rules = {
              ...defaultDutyRules,
              minVoterContacts: q.minVoter,
              minGroupActivities: q.minGroup,
              minCommitteeContacts: q.minCommittee,
            };
            const [rolled, live] = [
              counted(await deputyFigureRows(rollupRaw(em()), 'rollups', q.codes, periods, rules)),
              counted(await deputyFigureRows(liveRaw(em()), 'live', q.codes, periods, rules)),
            ];
            expect([...rolled.keys()].sort()).toEqual([...live.keys()].sort());
            for (const [k, r] of rolled) {
              expect(Object.fromEntries(figureCounts.map((n) => [n, Number(r[n])])), k).toEqual(
                Object.fromEntries(figureCounts.map((n) => [n, Number(live.get(k)![n])])),
              );
            }
          }
        },
      ),
      {
        numRuns: 40,
        examples: [
          [
            // A mandate that ends in February: its January contact meets the minimum in January, not in March.
            [
              { kind: 'deputy', congress: 0, region: 0, starts: '2022-01-01', ends: '2022-02-28' },
              { kind: 'contact', pick: 0, type: 'VOTER', member: 0, on: '2022-01-15' },
              { kind: 'contact', pick: 0, type: 'GROUP_ACTIVITY', member: 0, on: '2022-03-15' },
            ],
            [
              {
                codes: ['430181'],
                from: 2022,
                years: 0,
                interval: 'MONTH',
                asOf: null,
                minVoter: 1,
                minGroup: 1,
                minCommittee: 1,
              },
            ],
          ],
          [
            // An assigned deputy visited twice by their member in 2022, once before their mandate began.
            [
              { kind: 'deputy', congress: 0, region: 0, starts: '2022-06-30', ends: null },
              { kind: 'assign', pick: 0, member: 0 },
              { kind: 'contact', pick: 0, type: 'COMMITTEE_MEMBER', member: 0, on: '2022-01-01' },
              { kind: 'contact', pick: 0, type: 'COMMITTEE_MEMBER', member: 0, on: '2022-12-31' },
              { kind: 'contact', pick: 0, type: 'COMMITTEE_MEMBER', member: 1, on: '2022-06-30' },
            ],
            [
              {
                codes: ['43', '430181'],
                from: 2022,
                years: 0,
                interval: 'MONTH',
                asOf: null,
                minVoter: 1,
                minGroup: 1,
                minCommittee: 1,
              },
              {
                codes: ['430181'],
                from: 2022,
                years: 0,
                interval: 'MONTH',
                asOf: null,
                minVoter: 1,
                minGroup: 1,
                minCommittee: 2,
              },
            ],
          ],
        ],
      },
    );
  });

  it('F-1: a term written after its deputies and their contacts (one flush orders inserts freely) brings them in', async () => {
    await sql('delete from deputies.contact_records');
    await sql('delete from deputies.committee_assignments');
    await sql('delete from deputies.deputies');
    await sql('delete from deputies.committee_members');
    await sql('delete from deputies.congresses');
    const c = congresses[0]!;
    await em().transactional(async (tx) => {
      await tx.execute(
        `insert into deputies.deputies (id, person_id, congress_id, region_code, name, gender, work_unit, position, constituency, mandate_starts_on)
         values ('01900000-0000-7000-8000-0000000000d1', '01900000-0000-7000-8000-0000000000e1', '${c.id}', '430181', '甲', 'MALE', '单位', '职务', '选区', '2019-01-10')`,
      );
      await tx.execute(
        `insert into deputies.contact_records (id, kind, method, occurred_on, deputy_id, region_code, summary, recorded_at, recorded_by, participants)
         values (gen_random_uuid(), 'VOTER', 'VISIT', '2022-03-01', '01900000-0000-7000-8000-0000000000d1', '430181', '联系', now(), 't', 5)`,
      );
      await tx.execute(`insert into deputies.persons (id, name) values ('01900000-0000-7000-8000-0000000000e1', '甲')`);
      await tx.execute(`insert into deputies.congresses (id, region_code, level, term_number, name, starts_on, ends_on)
        values ('${c.id}', '430181', 'COUNTY', 17, '第十七届', '${c.starts}', '${c.ends}')`);
    });
    const periods = figurePeriods(new FixedClock('2026-06-15T02:00:00Z'), { from: 2022, to: 2022 });
    const rules = { ...defaultDutyRules, minVoterContacts: 1 };
    const rows = await deputyFigureRows(rollupRaw(em()), 'rollups', ['430181'], periods, rules);
    expect(rows.find((r) => r.level === 'COUNTY')).toMatchObject({ deputies: 1, voter: 1, voter_ok: 1 });
  });

  it('F-1: the rebuild recomputes the rollups from the deputies and contacts', async () => {
    const before = await sql(
      'select * from deputies.deputy_rollups where n <> 0 order by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12',
    );
    await sql(`update deputies.deputy_rollups set n = n + 3 where scope_code = '43'`);
    await rebuildRollups(em());
    expect(
      await sql('select * from deputies.deputy_rollups where n <> 0 order by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12'),
    ).toEqual(before);
  });
});
