import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { startTestServices, type TestStack } from '@renda/testing/services';
import { figurePeriods } from '@renda/server-kit/figures';
import { FixedClock } from '@renda/server-kit/clock';
import { backgroundKnex } from '@renda/db/orm';
import { votingService } from '../src/server.ts';
import {
  figureRows,
  rebuildRollupsSql,
  rollupDrift,
  type VotingFigureSql,
} from '../src/modules/federation/stats.store.ts';

/**
 * The voting rollups (Migration20261201030000) against the live aggregate: random writes straight to the base
 * tables (the triggers are what is tested, whatever writes), on top of the demo seed's ballots and rounds.
 */
let stack: TestStack;
const em = () => stack.services.voting!.orm.em.fork();
const conn = () => em().getConnection();
let programs: string[] = [];
let projects: string[] = [];

const regions = ['430181101', '430181102', '430181', '4301', '43', '430182101', '4306'];
const scopes = ['43', '4301', '430181', '430181101', '4306', '430182'];
// Days drawn mostly from a few month edges and mid-month days (where periods are measured), so that a region
// votes in several months of a year and a measuring day falls inside a month it votes in; the rest anywhere.
const edges = [
  '2024-01-01',
  '2024-01-31',
  '2024-02-01',
  '2024-02-15',
  '2024-06-30',
  '2024-12-31',
  '2025-01-01',
  '2025-03-15',
  '2025-03-20',
  '2025-03-31',
];
const day = (from: string, days: number) =>
  new Date(Date.parse(`${from}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const anyDay = fc.oneof(
  { arbitrary: fc.constantFrom(...edges), weight: 3 },
  { arbitrary: fc.integer({ min: 0, max: 760 }).map((d) => day('2024-01-01', d)), weight: 1 },
);
// Instants at a Shanghai day's first and last second, and in between: the month edges in both time zones.
const anyInstant = fc
  .tuple(anyDay, fc.constantFrom(0, 1, 43_200, 86_399))
  .map(([d, s]) => new Date(Date.parse(`${d}T00:00:00+08:00`) + s * 1000).toISOString());
const closing = fc.record({
  region: fc.oneof(fc.constantFrom(...regions.slice(0, 2)), fc.constantFrom(...regions)),
  closedAt: anyInstant,
  closed: fc.constantFrom(true, true, true, false),
});
const ballot = fc.record({ closing, cast: fc.nat(20), roll: fc.nat(30) });
const rating = fc.tuple(fc.nat(5), fc.nat(5), fc.nat(5));
const op = fc.oneof(
  fc.record({ kind: fc.constant('ballot' as const), ballot }),
  fc.record({ kind: fc.constant('correct ballot' as const), pick: fc.nat(), ballot }),
  fc.record({ kind: fc.constant('delete ballot' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('round' as const), closing }),
  fc.record({ kind: fc.constant('correct round' as const), pick: fc.nat(), closing }),
  fc.record({ kind: fc.constant('delete round' as const), pick: fc.nat(), talliesFirst: fc.boolean() }),
  fc.record({ kind: fc.constant('tally' as const), pick: fc.nat(), project: fc.nat(), rating }),
  fc.record({ kind: fc.constant('correct tally' as const), pick: fc.nat(), move: fc.nat(), rating }),
  fc.record({ kind: fc.constant('delete tally' as const), pick: fc.nat() }),
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;
const question = fc.record({
  codes: fc.subarray(scopes, { minLength: 1 }),
  from: fc.constantFrom(2023, 2024, 2025),
  years: fc.integer({ min: 1, max: 3 }),
  interval: fc.constantFrom('YEAR' as const, 'MONTH' as const),
  asOf: fc.option(anyDay, { nil: null }),
});
type Question = typeof question extends fc.Arbitrary<infer T> ? T : never;

interface Written {
  ballots: string[];
  rounds: string[];
  tallies: { round: string; project: string }[];
}

const status = (c: { closed: boolean }) => (c.closed ? 'CLOSED' : 'OPEN');
const closedAt = (c: { closed: boolean; closedAt: string }) => (c.closed ? c.closedAt : null);
const at = <T>(list: T[], n: number) => list[n % list.length]!;

async function apply(w: Written, o: Op) {
  const c = conn();
  switch (o.kind) {
    case 'ballot': {
      const { closing: k, cast, roll } = o.ballot;
      const [row] = await c.execute<{ id: string }[]>(
        `insert into "voting"."ballots" ("id", "program_id", "region_code", "year", "status", "seats", "roll_size", "ballots_cast", "opened_at", "closed_at")
         values (gen_random_uuid(), ?, ?, 2025, ?, 1, ?, ?, '2023-12-01T00:00:00Z', ?) returning "id"`,
        [at(programs, w.ballots.length), k.region, status(k), roll, cast, closedAt(k)],
      );
      w.ballots.push(row!.id);
      return;
    }
    case 'correct ballot': {
      if (!w.ballots.length) return;
      const { closing: k, cast, roll } = o.ballot;
      await c.execute(
        `update "voting"."ballots" set "region_code" = ?, "status" = ?, "closed_at" = ?, "ballots_cast" = ?, "roll_size" = ? where "id" = ?`,
        [k.region, status(k), closedAt(k), cast, roll, at(w.ballots, o.pick)],
      );
      return;
    }
    case 'delete ballot': {
      if (!w.ballots.length) return;
      const id = at(w.ballots, o.pick);
      await c.execute(`delete from "voting"."ballots" where "id" = ?`, [id]);
      w.ballots.splice(w.ballots.indexOf(id), 1);
      return;
    }
    case 'round': {
      const k = o.closing;
      const [row] = await c.execute<{ id: string }[]>(
        `insert into "voting"."evaluation_rounds" ("id", "program_id", "region_code", "year", "status", "roll_size", "opened_at", "closed_at")
         values (gen_random_uuid(), ?, ?, 2025, ?, 10, '2023-12-01T00:00:00Z', ?) returning "id"`,
        [at(programs, w.rounds.length), k.region, status(k), closedAt(k)],
      );
      w.rounds.push(row!.id);
      return;
    }
    case 'correct round': {
      if (!w.rounds.length) return;
      const k = o.closing;
      await c.execute(
        `update "voting"."evaluation_rounds" set "region_code" = ?, "status" = ?, "closed_at" = ? where "id" = ?`,
        [k.region, status(k), closedAt(k), at(w.rounds, o.pick)],
      );
      return;
    }
    case 'delete round': {
      if (!w.rounds.length) return;
      const id = at(w.rounds, o.pick);
      const tallies = `delete from "voting"."evaluation_tallies" where "round_id" = ?`;
      const round = `delete from "voting"."evaluation_rounds" where "id" = ?`;
      // The foreign key is deferred: either order commits.
      await em().transactional(async (tx) => {
        for (const sql of o.talliesFirst ? [tallies, round] : [round, tallies])
          await tx.getConnection().execute(sql, [id], 'run', tx.getTransactionContext());
      });
      w.rounds.splice(w.rounds.indexOf(id), 1);
      w.tallies = w.tallies.filter((t) => t.round !== id);
      return;
    }
    case 'tally': {
      if (!w.rounds.length) return;
      const t = { round: at(w.rounds, o.pick), project: at(projects, o.project) };
      if (w.tallies.some((x) => x.round === t.round && x.project === t.project)) return;
      await c.execute(
        `insert into "voting"."evaluation_tallies" ("round_id", "project_id", "satisfied", "basically_satisfied", "dissatisfied") values (?, ?, ?, ?, ?)`,
        [t.round, t.project, ...o.rating],
      );
      w.tallies.push(t);
      return;
    }
    case 'correct tally': {
      if (!w.tallies.length) return;
      const t = at(w.tallies, o.pick);
      // Moved to another round when that round has no tally of the project.
      const round = at(w.rounds, o.move);
      const to = w.tallies.some((x) => x.round === round && x.project === t.project) ? t.round : round;
      await c.execute(
        `update "voting"."evaluation_tallies" set "round_id" = ?, "satisfied" = ?, "basically_satisfied" = ?, "dissatisfied" = ?
         where "round_id" = ? and "project_id" = ?`,
        [to, ...o.rating, t.round, t.project],
      );
      t.round = to;
      return;
    }
    case 'delete tally': {
      if (!w.tallies.length) return;
      const t = at(w.tallies, o.pick);
      await c.execute(`delete from "voting"."evaluation_tallies" where "round_id" = ? and "project_id" = ?`, [
        t.round,
        t.project,
      ]);
      w.tallies.splice(w.tallies.indexOf(t), 1);
      return;
    }
  }
}

/** Applies an op; one refused by a constraint (a second open ballot or round of a program) changes nothing. */
async function tryApply(w: Written, o: Op) {
  try {
    await apply(w, o);
  } catch (e) {
    if (!/one_open_per_program/.test((e as Error).message)) throw e;
  }
}

async function removeWritten(w: Written) {
  const c = conn();
  if (w.rounds.length) {
    await c.execute(`delete from "voting"."evaluation_tallies" where "round_id" in (?)`, [w.rounds]);
    await c.execute(`delete from "voting"."evaluation_rounds" where "id" in (?)`, [w.rounds]);
  }
  if (w.ballots.length) await c.execute(`delete from "voting"."ballots" where "id" in (?)`, [w.ballots]);
}

const counted = (rows: VotingFigureSql[]) =>
  new Map(
    rows
      .filter((r) => [r.votes, r.regions, r.cast, r.roll, r.rated_projects, r.content, r.rated].some((n) => n !== 0))
      .map((r) => [`${r.key}|${r.i}|${r.level}`, r]),
  );

async function compare(q: Question) {
  const periods = figurePeriods(new FixedClock('2026-06-15T02:00:00Z'), {
    from: q.from,
    to: q.from + q.years - 1,
    interval: q.interval,
    asOf: q.asOf,
  });
  const e = em();
  const [rolled, live] = await Promise.all(
    (['rollups', 'live'] as const).map((s) => figureRows(e, periods, q.codes, s, e.getKnex())),
  );
  expect(counted(rolled!), JSON.stringify(q)).toEqual(counted(live!));
}

beforeAll(async () => {
  stack = await startTestServices([votingService]);
  await votingService.seed!(em(), stack.clock);
  programs = (await conn().execute<{ id: string }[]>(`select "id" from "voting"."programs" order by "id"`)).map(
    (r) => r.id,
  );
  projects = (await conn().execute<{ id: string }[]>(`select "id" from "voting"."projects" order by "id" limit 4`)).map(
    (r) => r.id,
  );
});
afterAll(() => stack?.stop());

describe('voting rollups (V-5, F-1)', () => {
  it('V-5, F-1: the rollups answer votingFigures as the live aggregate after any writes, for any subtree, interval and asOf', async () => {
    expect(programs.length).toBeGreaterThan(0);
    expect(projects.length).toBeGreaterThan(1);
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 1, maxLength: 30 }),
        fc.array(question, { minLength: 1, maxLength: 4 }),
        async (ops, questions) => {
          const w: Written = { ballots: [], rounds: [], tallies: [] };
          try {
            for (const o of ops) await tryApply(w, o);
            for (const q of questions) await compare(q);
            expect(await rollupDrift(em())).toEqual([]);
          } finally {
            await removeWritten(w);
          }
        },
      ),
      { numRuns: 60 },
    );
    expect(await rollupDrift(em())).toEqual([]);
  });

  it('V-5, F-1: the rebuild recomputes the rollups from the base tables (a drifted counter is put right)', async () => {
    expect(await rollupDrift(em())).toEqual([]);
    const [seeded] = await conn().execute<{ n: number }[]>(`select count(*)::int as n from "voting"."voting_rollups"`);
    expect(seeded!.n).toBeGreaterThan(0);
    await conn().execute(`update "voting"."voting_rollups" set "votes" = "votes" + 3 where "scope_code" = '43'`);
    await conn().execute(`delete from "voting"."voting_region_months" where "month" = 0`);
    expect((await rollupDrift(em())).length).toBeGreaterThan(0);
    await conn().execute(rebuildRollupsSql(em()));
    expect(await rollupDrift(em())).toEqual([]);
    // A truncation fires no row trigger: the statement trigger recounts.
    const ratedNow = () =>
      conn().execute<{ n: number }[]>(
        `select coalesce(sum("rated_projects"), 0)::int as n from "voting"."voting_rollups"`,
      );
    expect((await ratedNow())[0]!.n).toBeGreaterThan(0);
    await conn().execute(`truncate "voting"."evaluation_tallies"`);
    expect(await rollupDrift(em())).toEqual([]);
    expect((await ratedNow())[0]!.n).toBe(0);
  });

  it('V-5, F-1: a write that fails leaves the rollups as they were (same transaction)', async () => {
    const snapshot = () =>
      conn().execute(`select * from "voting"."voting_rollups" order by "scope_code", "year", "month", "len"`);
    const before = await snapshot();
    // A closed ballot of a program that does not exist: its trigger counts it, then the deferred foreign key
    // fails at commit and the transaction, counters included, rolls back.
    await expect(
      em().transactional((tx) =>
        tx.getConnection().execute(
          `insert into "voting"."ballots" ("id", "program_id", "region_code", "year", "status", "seats", "roll_size", "ballots_cast", "opened_at", "closed_at")
           values (gen_random_uuid(), gen_random_uuid(), '430181101', 2025, 'CLOSED', 1, 9, 7, now(), '2025-05-05T02:00:00Z')`,
          [],
          'run',
          tx.getTransactionContext(),
        ),
      ),
    ).rejects.toThrow(/foreign key/);
    expect(await snapshot()).toEqual(before);
  });

  it('V-5, F-1: writers racing on ballots of shared regions and months never deadlock, and the rollups stay exact', async () => {
    // Ballots of a few regions closed in a few months: writers meet on the region-year markers, the
    // region-month markers and their ancestors' rollup rows; a region's first vote of a year moves between
    // months while another writer changes the same region's other months.
    const w: Written = { ballots: [], rounds: [], tallies: [] };
    const months = ['2025-03-10T02:00:00Z', '2025-04-10T02:00:00Z', '2025-05-10T02:00:00Z'];
    for (let i = 0; i < 24; i++)
      await apply(w, {
        kind: 'ballot',
        ballot: { closing: { region: at(regions, i % 3), closedAt: at(months, i), closed: true }, cast: 3, roll: 5 },
      });
    await conn().execute(`create function "voting"."test_linger"() returns trigger language plpgsql as $$
      begin perform pg_sleep(0.002); return null; end $$`);
    for (const table of ['voting_rollups', 'voting_region_months'])
      await conn().execute(`create trigger "test_linger" after insert or update on "voting"."${table}"
        for each statement execute function "voting"."test_linger"()`);
    const knex = backgroundKnex(stack.services.voting!.orm, 6);
    const failures: string[] = [];
    let random = 7;
    const pick = <T>(list: readonly T[]): T => list[(random = (random * 48271) % 2147483647) % list.length]!;
    try {
      await Promise.all(
        Array.from({ length: 6 }, async (_, writer) => {
          for (let r = 0; r < 30; r++) {
            try {
              await knex.transaction((trx) =>
                trx.raw(
                  `update "voting"."ballots" set "region_code" = ?, "closed_at" = ?, "status" = ? where "id" = ?`,
                  [pick(regions.slice(0, 3)), pick(months), pick(['CLOSED', 'CLOSED', 'OPEN']), pick(w.ballots)],
                ),
              );
            } catch (e) {
              if (!/one_open_per_program/.test((e as Error).message))
                failures.push(`writer ${writer}, round ${r}: ${(e as Error).message.split(' - ').pop()}`);
            }
          }
        }),
      );
    } finally {
      await knex.destroy();
      for (const table of ['voting_rollups', 'voting_region_months'])
        await conn().execute(`drop trigger "test_linger" on "voting"."${table}"`);
      await conn().execute(`drop function "voting"."test_linger"()`);
    }
    expect(failures).toEqual([]);
    expect(await rollupDrift(em())).toEqual([]);
    await removeWritten(w);
  });
});
