import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knex, type Knex } from '@mikro-orm/postgresql';
import type { TestStack } from '@renda/testing/services';
import { ok } from '@renda/testing/graphql';
import { tokens } from '@renda/testing/tokens';
import {
  cast,
  closeBallot,
  createTownship,
  openBallot,
  programWithCandidates,
  startStack,
  type Choice,
  type Subgraph,
  type Township,
} from './support/world.ts';

/**
 * V-3 secrecy against the database itself: what a monitoring role sees in `pg_stat_activity` while
 * deputies vote, and what a superuser with `pageinspect` finds in the pages after the close.
 * Both need a real PostgreSQL server (DATABASE_URL); the embedded one runs one statement at a time
 * and has no `pageinspect`.
 */

let stack: TestStack;
let sg: Subgraph;
let town: Township;
let staff: string;
/** A second, independent connection: the attacker's. */
let observer: Knex | null = null;

const onServer = Boolean(process.env.DATABASE_URL);
const DEPUTIES = 40;

beforeAll(async () => {
  stack = await startStack();
  sg = stack.services.voting!.subgraph;
  town = await createTownship(stack, '430181107', DEPUTIES);
  staff = await tokens.staff('430181107');
  if (onServer) observer = knex({ client: 'pg', connection: stack.db.url, pool: { min: 1, max: 1 } });
}, 120_000);
afterAll(async () => {
  await observer?.destroy();
  await stack?.stop();
});

/**
 * Polls `pg_stat_activity` of the test database in a tight loop until stopped; collects the text of
 * every statement started since polling began (running, or the last one of an idle connection).
 */
async function poll(db: Knex): Promise<{ stop(): Promise<{ texts: Set<string>; polls: number }> }> {
  const texts = new Set<string>();
  let running = true;
  let polls = 0;
  const [{ t: since }] = (await db.raw(`select clock_timestamp() as t`)).rows as [{ t: Date }];
  const loop = (async () => {
    while (running) {
      const r = await db.raw(
        `select query from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and query <> '' and query_start >= ?`,
        [since],
      );
      for (const row of r.rows as { query: string }[]) texts.add(row.query);
      polls += 1;
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { texts, polls };
    },
  };
}

function expectNothingSecret(
  texts: Set<string>,
  secrets: readonly string[],
  counterTable: string,
  countersPattern: RegExp,
): void {
  const all = [...texts];
  // The poller did see the secret statements (else the test could not fail): the counter update and the participation insert.
  const counterUpdates = all.filter((t) => t.includes(counterTable) && /^\s*update/i.test(t));
  expect(counterUpdates.length, 'the poller never caught a counter update').toBeGreaterThan(0);
  expect(
    all.some((t) => /insert into "voting"\."(ballot|evaluation)_participation"/.test(t)),
    'the poller never caught a participation insert',
  ).toBe(true);
  for (const text of all) {
    for (const secret of secrets)
      expect(text.includes(secret), `an id is in the statement text: ${text.slice(0, 300)}`).toBe(false);
  }
  // The marks travel as parameters: the values list holds placeholders only, no literal 0/1.
  for (const text of counterUpdates) expect(text).toMatch(countersPattern);
}

describe('V-3 secrecy against the database', () => {
  let ballotId = '';
  let programId = '';

  it('V-3 secrecy: a poller on pg_stat_activity during a ballot of 40 concurrent deputies sees no deputy id, candidate id or mark', async (ctx) => {
    if (!observer) {
      console.warn(
        'V-3 pg_stat_activity test skipped: it needs DATABASE_URL (a PostgreSQL server; the embedded one runs one statement at a time)',
      );
      ctx.skip();
      return;
    }
    const program = await programWithCandidates(sg, town, staff, { seats: 2, candidates: 3 });
    programId = program.programId;
    const [a, b, c] = program.candidateIds as [string, string, string];
    ballotId = await openBallot(sg, programId, town.deputyIds, staff);
    const papers: [string, Choice][][] = town.deputyIds.map((_, i) =>
      i % 4 === 3
        ? [
            [c, 'FOR'],
            [a, 'AGAINST'],
          ]
        : i % 4 === 2
          ? [
              [a, 'FOR'],
              [b, 'FOR'],
              [c, 'AGAINST'],
            ]
          : [
              [a, 'FOR'],
              [b, 'FOR'],
            ],
    );
    const poller = await poll(observer);
    const results = await Promise.all(town.deputyIds.map((d, i) => cast(sg, town, d, ballotId, papers[i]!)));
    const { texts, polls } = await poller.stop();
    for (const r of results) expect(r.errors).toBeUndefined();
    console.info(
      `pg_stat_activity: ${polls} polls, ${texts.size} distinct statements during ${DEPUTIES} concurrent ballots`,
    );
    expectNothingSecret(
      texts,
      [...town.deputyIds, a, b, c],
      `"ballot_counts_${ballotId.replace(/-/g, '')}"`,
      /values \(\$\d+::uuid, \$\d+::int, \$\d+::int, \$\d+::int\)(, \(\$\d+::uuid, \$\d+::int, \$\d+::int, \$\d+::int\))*\)? as m/,
    );
  }, 120_000);

  it('V-3 secrecy: pageinspect finds superseded counter rows while the ballot is open and none in any page of the voting schema after close', async (ctx) => {
    if (!observer || !ballotId) {
      console.warn(
        'V-3 pageinspect test skipped: it needs DATABASE_URL (a PostgreSQL server) and the ballot of the test before',
      );
      ctx.skip();
      return;
    }
    try {
      await observer.raw('create extension if not exists pageinspect');
    } catch (e) {
      console.warn(`V-3 pageinspect test skipped: the pageinspect extension is unavailable (${(e as Error).message})`);
      ctx.skip();
      return;
    }
    /** Every heap tuple in every page of every table of the voting schema: live tuples and superseded ones (xmax set). */
    const pages = async () =>
      (
        await observer!.raw(`
          select c.relname, count(*) filter (where h.lp_flags = 1)::int as tuples,
                 count(*) filter (where h.lp_flags = 1 and h.t_xmax::text <> '0')::int as superseded
            from pg_class c join pg_namespace s on s.oid = c.relnamespace
           cross join lateral generate_series(0, (pg_relation_size(c.oid) / current_setting('block_size')::int)::int - 1) as b(n)
           cross join lateral heap_page_items(get_raw_page(c.oid::regclass::text, b.n)) h
           where s.nspname = 'voting' and c.relkind = 'r'
           group by c.relname`)
      ).rows as { relname: string; tuples: number; superseded: number }[];
    const table = `ballot_counts_${ballotId.replace(/-/g, '')}`;
    const open = new Map((await pages()).map((r) => [r.relname, r]));
    // 40 votes on 3 counter rows: the open ballot's own table is full of superseded versions (the inspection sees them).
    expect(open.get(table)?.superseded).toBeGreaterThanOrEqual(3 * (DEPUTIES - 1));
    const closed = await closeBallot(sg, ballotId, staff);
    expect(closed.status).toBe('CLOSED');
    expect(closed.program.stage).toBe('IMPLEMENTING');

    // Then the satisfaction round on the two elected projects, rated by every deputy at once.
    const elected = (closed.results as { candidate: { id: string }; elected: boolean }[])
      .filter((r) => r.elected)
      .map((r) => r.candidate.id);
    expect(elected).toHaveLength(2);
    const round = await ok(
      sg,
      `mutation($p: ID!, $r: [ID!]!) { openEvaluation(programId: $p, rollDeputyIds: $r) { id } }`,
      { p: programId, r: town.deputyIds },
      staff,
    );
    const roundId = round.openEvaluation.id as string;
    const rounds = `evaluation_counts_${roundId.replace(/-/g, '')}`;
    const levels = ['SATISFIED', 'BASICALLY_SATISFIED', 'DISSATISFIED'] as const;
    const poller = await poll(observer);
    const rated = await Promise.all(
      town.deputyIds.map(async (d, i) =>
        sg.execute(
          `mutation($r: ID!, $x: [ProjectRatingInput!]!) { rateProjects(roundId: $r, ratings: $x) { responses } }`,
          { r: roundId, x: elected.map((projectId, k) => ({ projectId, rating: levels[(i + k) % 3] })) },
          await tokens.deputy(town.code, d),
        ),
      ),
    );
    const { texts } = await poller.stop();
    for (const r of rated) expect(r.errors).toBeUndefined();
    expectNothingSecret(
      texts,
      [...town.deputyIds, ...elected],
      `"${rounds}"`,
      /values \(\$\d+::uuid, \$\d+::int, \$\d+::int, \$\d+::int\)/,
    );
    expect((await pages()).find((r) => r.relname === rounds)?.superseded).toBeGreaterThanOrEqual(2 * (DEPUTIES - 1));
    await ok(sg, `mutation($r: ID!) { closeEvaluation(roundId: $r) { status } }`, { r: roundId }, staff);

    const after = await pages();
    // The per-ballot and per-round counter tables are gone (dropped with their pages).
    expect(after.filter((r) => /_counts_/.test(r.relname))).toEqual([]);
    const left = (await observer.raw(`select relname from pg_class where relname like '%\\_counts\\_%'`)).rows;
    expect(left).toEqual([]);
    // No table that holds counts, candidates, participation or the roll has a superseded version in any page.
    const byName = new Map(after.map((r) => [r.relname, r]));
    for (const name of [
      'ballot_tallies',
      'evaluation_tallies',
      'ballot_candidates',
      'evaluation_items',
      'ballot_participation',
      'evaluation_participation',
      'ballot_roll',
      'evaluation_roll',
    ]) {
      expect(byName.get(name)?.superseded ?? 0, name).toBe(0);
    }
    // The totals were written once: exactly one version in the pages per row.
    for (const name of ['ballot_tallies', 'evaluation_tallies']) {
      const [{ n }] = (await observer.raw(`select count(*)::int as n from "voting"."${name}"`)).rows as [{ n: number }];
      expect(n).toBeGreaterThan(0);
      expect(byName.get(name)!.tuples, name).toBe(n);
    }
    // The totals equal what was cast (3 candidates × 40 ballots; 2 projects × 40 responses).
    const [tally] = (
      await observer.raw(
        `select sum(votes_for + votes_against + abstentions)::int as n from "voting"."ballot_tallies" where ballot_id = ?`,
        [ballotId],
      )
    ).rows as [{ n: number }];
    expect(tally.n).toBe(3 * DEPUTIES);
    const [ratings] = (
      await observer.raw(
        `select sum(satisfied + basically_satisfied + dissatisfied)::int as n from "voting"."evaluation_tallies" where round_id = ?`,
        [roundId],
      )
    ).rows as [{ n: number }];
    expect(ratings.n).toBe(2 * DEPUTIES);
    // What does keep superseded versions: rows without a mark (turnout counts, stages, project status).
    const rest = after
      .filter((r) => r.superseded > 0)
      .map((r) => r.relname)
      .sort();
    // The figures' rollups (Migration20261201030000) change when a ballot or round closes and as its totals are
    // written, never per vote (their triggers skip open rows): fewer superseded versions than votes cast.
    for (const name of ['voting_rollups', 'voting_region_months'])
      expect(byName.get(name)?.superseded ?? 0, name).toBeLessThan(DEPUTIES);
    for (const name of rest)
      expect([
        'ballots',
        'evaluation_rounds',
        'programs',
        'projects',
        'mikro_orm_migrations',
        'voting_rollups',
        'voting_region_months',
      ]).toContain(name);
  }, 120_000);
});
