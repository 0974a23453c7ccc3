import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildSchema,
  getNamedType,
  isInputObjectType,
  isObjectType,
  isInterfaceType,
  type GraphQLNamedType,
} from 'graphql';
import type { TestStack } from '@renda/testing/services';
import { fails, ok } from '@renda/testing/graphql';
import { tokens } from '@renda/testing/tokens';
import { elect } from '../src/modules/ballots/tally.ts';
import {
  BALLOT,
  CAST,
  cast,
  closeBallot,
  createTownship,
  openBallot,
  programWithCandidates,
  startStack,
  type Subgraph,
  type Township,
} from './support/world.ts';

let stack: TestStack;
let sg: Subgraph;
let town: Township;
let other: Township;
let staff: string;

const READ_BALLOT = `query($id: ID!) { ballot(id: $id) { ${BALLOT} } }`;

async function sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  return stack.services.voting!.orm.em.fork().getConnection().execute(text, params) as Promise<T[]>;
}

beforeAll(async () => {
  stack = await startStack();
  sg = stack.services.voting!.subgraph;
  town = await createTownship(stack, '430181104', 9);
  other = await createTownship(stack, '430181105', 2);
  staff = await tokens.staff('430181104');
});
afterAll(() => stack?.stop());

describe('V-3 tally and election', () => {
  it('V-3: passed = FOR from more than half of the roll (not of ballots cast); most FOR fill the seats; ties for the last seat stay open', () => {
    const c = (id: string, votesFor: number, position = 0) => ({ candidateId: id, votesFor, position });
    // Roll 10: 5 FOR is not more than half.
    expect(elect([c('a', 5), c('b', 6)], 10, 1)).toMatchObject({ elected: ['b'], tied: [] });
    expect(elect([c('a', 5), c('b', 5)], 10, 1)).toMatchObject({ elected: [], tied: [] });
    expect(elect([c('a', 8), c('b', 7), c('c', 7)], 10, 2)).toMatchObject({ elected: ['a'], tied: ['b', 'c'] });
    expect(elect([c('a', 7, 1), c('b', 7, 2), c('c', 7, 3)], 10, 2)).toMatchObject({
      elected: [],
      tied: ['a', 'b', 'c'],
    });
    expect(elect([c('a', 9), c('b', 8), c('c', 6)], 10, 2)).toMatchObject({ elected: ['a', 'b'], tied: [] });
    expect(elect([c('a', 6), c('b', 2), c('c', 1)], 10, 2)).toMatchObject({ elected: ['a'], tied: [] });
  });

  it('V-3: while open only turnout shows; at close FOR/AGAINST/ABSTAIN per candidate, 2 of 3 elected and ranked, the program moves to IMPLEMENTING', async () => {
    const {
      programId,
      candidateIds: [a, b, c],
    } = await programWithCandidates(sg, town, staff, { seats: 2, candidates: 3 });
    const roll = town.deputyIds.slice(0, 7);
    const ballotId = await openBallot(sg, programId, roll, staff);
    const papers: [string, 'FOR' | 'AGAINST' | 'ABSTAIN'][][] = [
      [
        [a!, 'FOR'],
        [b!, 'FOR'],
        [c!, 'AGAINST'],
      ],
      [
        [a!, 'FOR'],
        [b!, 'FOR'],
      ],
      [
        [a!, 'FOR'],
        [c!, 'FOR'],
        [b!, 'ABSTAIN'],
      ],
      [
        [a!, 'FOR'],
        [b!, 'FOR'],
        [c!, 'AGAINST'],
      ],
      [
        [b!, 'FOR'],
        [a!, 'AGAINST'],
        [c!, 'AGAINST'],
      ],
      [],
    ];
    for (const [i, paper] of papers.entries()) {
      const r = await cast(sg, town, roll[i]!, ballotId, paper);
      expect(r.errors).toBeUndefined();
      expect(r.data!.castBallot as { results: unknown; hasVoted: boolean }).toMatchObject({
        results: null,
        hasVoted: true,
        ballotsCast: i + 1,
      });
    }
    const open = await ok(sg, READ_BALLOT, { id: ballotId });
    expect(open.ballot).toMatchObject({
      status: 'OPEN',
      rollSize: 7,
      ballotsCast: 6,
      results: null,
      tiedForLastSeat: [],
      hasVoted: false,
    });
    const closed = await closeBallot(sg, ballotId, staff);
    expect(closed.status).toBe('CLOSED');
    expect(closed.results).toEqual([
      { candidate: { id: a }, votesFor: 4, votesAgainst: 1, abstentions: 1, passed: true, elected: true },
      { candidate: { id: b }, votesFor: 4, votesAgainst: 0, abstentions: 2, passed: true, elected: true },
      { candidate: { id: c }, votesFor: 1, votesAgainst: 3, abstentions: 2, passed: false, elected: false },
    ]);
    for (const r of closed.results) expect(r.votesFor + r.votesAgainst + r.abstentions).toBe(closed.ballotsCast);
    expect(closed.program.stage).toBe('IMPLEMENTING');
    const program = await ok(
      sg,
      `query($id: ID!) { program(id: $id) { projects { id rank status } candidates { id status } openSeats } }`,
      { id: programId },
    );
    expect(program.program.projects).toEqual([
      { id: a, rank: 1, status: 'ELECTED' },
      { id: b, rank: 2, status: 'ELECTED' },
    ]);
    expect(program.program.candidates.find((x: { id: string }) => x.id === c).status).toBe('NOT_ELECTED');
    expect(program.program.openSeats).toBe(0);
    // The public reads closed results and turnout.
    const pub = await ok(sg, READ_BALLOT, { id: ballotId });
    expect(pub.ballot.results).toHaveLength(3);
    expect(pub.ballot.ballotsCast).toBe(6);
  });

  it('V-3: a tie for the last seat leaves it open and names the tied; a run-off among exactly the tied fills it', async () => {
    const {
      programId,
      candidateIds: [a, b, c],
    } = await programWithCandidates(sg, town, staff, { seats: 2, candidates: 3 });
    const roll = town.deputyIds.slice(0, 5);
    const ballotId = await openBallot(sg, programId, roll, staff);
    const papers: [string, 'FOR' | 'AGAINST'][][] = [
      [
        [a!, 'FOR'],
        [b!, 'FOR'],
      ],
      [
        [a!, 'FOR'],
        [c!, 'FOR'],
      ],
      [
        [a!, 'FOR'],
        [b!, 'FOR'],
      ],
      [
        [b!, 'AGAINST'],
        [c!, 'FOR'],
        [a!, 'FOR'],
      ],
      [
        [a!, 'AGAINST'],
        [c!, 'FOR'],
        [b!, 'FOR'],
      ],
    ];
    for (const [i, paper] of papers.entries())
      expect((await cast(sg, town, roll[i]!, ballotId, paper)).errors).toBeUndefined();
    const closed = await closeBallot(sg, ballotId, staff);
    // a 4 FOR (passes, elected); b 3 and c 3 tied for the last seat.
    expect(closed.results.map((r: { elected: boolean; passed: boolean }) => [r.passed, r.elected])).toEqual([
      [true, true],
      [true, false],
      [true, false],
    ]);
    expect(closed.tiedForLastSeat.map((t: { id: string }) => t.id).sort()).toEqual([b, c].sort());
    expect(closed.program.stage).toBe('VOTING');
    const prog = await ok(sg, `query($id: ID!) { program(id: $id) { openSeats projects { id rank } } }`, {
      id: programId,
    });
    expect(prog.program).toEqual({ openSeats: 1, projects: [{ id: a, rank: 1 }] });

    const RUNOFF = `mutation($p: ID!, $r: [ID!]!, $c: [ID!]) { openBallot(programId: $p, rollDeputyIds: $r, candidateIds: $c) { id } }`;
    await fails(sg, 'BAD_USER_INPUT', RUNOFF, { p: programId, r: roll, c: [a, b, c] }, staff, 'candidateIds');
    await fails(sg, 'BAD_USER_INPUT', RUNOFF, { p: programId, r: roll, c: [b] }, staff, 'candidateIds');
    await fails(sg, 'BAD_USER_INPUT', RUNOFF, { p: programId, r: roll, c: null }, staff, 'candidateIds');
    const runoff = await openBallot(sg, programId, roll, staff, [c!, b!]);
    const read = await ok(sg, READ_BALLOT, { id: runoff });
    expect(read.ballot).toMatchObject({ seats: 1, runOff: true });
    await fails(sg, 'CONFLICT', RUNOFF, { p: programId, r: roll, c: [b, c] }, staff);
    // One seat open: two FOR marks are too many; a mark for a candidate not in the run-off is unknown.
    expect(
      (
        await cast(sg, town, roll[0]!, runoff, [
          [b!, 'FOR'],
          [c!, 'FOR'],
        ])
      ).errors![0]!.extensions,
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'choices' });
    expect((await cast(sg, town, roll[0]!, runoff, [[a!, 'FOR']])).errors![0]!.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'choices[0].candidateId',
    });
    for (const d of roll.slice(0, 4))
      expect(
        (
          await cast(sg, town, d, runoff, [
            [c!, 'FOR'],
            [b!, 'AGAINST'],
          ])
        ).errors,
      ).toBeUndefined();
    const done = await closeBallot(sg, runoff, staff);
    expect(done.results.find((r: { candidate: { id: string } }) => r.candidate.id === c)).toMatchObject({
      votesFor: 4,
      elected: true,
    });
    expect(done.program.stage).toBe('IMPLEMENTING');
    const final = await ok(
      sg,
      `query($id: ID!) { program(id: $id) { projects { id rank } candidates { id status } } }`,
      { id: programId },
    );
    expect(final.program.projects).toEqual([
      { id: a, rank: 1 },
      { id: c, rank: 2 },
    ]);
    expect(final.program.candidates.find((x: { id: string }) => x.id === b).status).toBe('NOT_ELECTED');
  });

  it('V-3: bad ballots get their code and change nothing: unknown candidate, repeated candidate, FOR over the seats, not on the roll, closed, twice, not a deputy', async () => {
    const {
      programId,
      candidateIds: [a, b, c],
    } = await programWithCandidates(sg, town, staff, { seats: 1, candidates: 3 });
    const roll = town.deputyIds.slice(0, 3);
    const ballotId = await openBallot(sg, programId, roll, staff);
    const code = async (deputy: string, paper: [string, 'FOR' | 'AGAINST' | 'ABSTAIN'][], token?: string) => {
      const r = token
        ? await sg.execute(
            CAST,
            { b: ballotId, c: paper.map(([candidateId, choice]) => ({ candidateId, choice })) },
            token,
          )
        : await cast(sg, town, deputy, ballotId, paper);
      return r.errors?.[0]?.extensions ?? null;
    };
    expect(
      await code(roll[0]!, [
        [a!, 'FOR'],
        [b!, 'FOR'],
      ]),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'choices' });
    expect(
      await code(roll[0]!, [
        [a!, 'FOR'],
        [a!, 'AGAINST'],
      ]),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'choices[1].candidateId' });
    expect(await code(roll[0]!, [['0196f000-0000-7000-8000-000000000000', 'FOR']])).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'choices[0].candidateId',
    });
    expect(await code(roll[0]!, [['junk', 'FOR']])).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'choices[0].candidateId',
    });
    expect(await code(town.deputyIds[5]!, [[a!, 'FOR']])).toMatchObject({ code: 'FORBIDDEN' });
    expect(
      await code(other.deputyIds[0]!, [[a!, 'FOR']], await tokens.deputy(other.code, other.deputyIds[0]!)),
    ).toMatchObject({ code: 'FORBIDDEN' });
    expect(await code('', [[a!, 'FOR']], await tokens.admin())).toMatchObject({ code: 'FORBIDDEN' });
    expect(await code('', [[a!, 'FOR']], staff)).toMatchObject({ code: 'FORBIDDEN' });
    expect((await sg.execute(CAST, { b: ballotId, c: [] })).errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
    expect(
      (
        await sg.execute(
          CAST,
          { b: '0196f000-0000-7000-8000-000000000000', c: [] },
          await tokens.deputy(town.code, roll[0]!),
        )
      ).errors![0]!.extensions!.code,
    ).toBe('NOT_FOUND');
    let read = await ok(sg, READ_BALLOT, { id: ballotId });
    expect(read.ballot.ballotsCast).toBe(0);
    expect(
      await code(roll[0]!, [
        [a!, 'FOR'],
        [c!, 'AGAINST'],
      ]),
    ).toBeNull();
    expect(await code(roll[0]!, [[b!, 'FOR']])).toMatchObject({ code: 'CONFLICT' });
    await fails(
      sg,
      'FORBIDDEN',
      `mutation($b: ID!) { closeBallot(ballotId: $b) { id } }`,
      { b: ballotId },
      await tokens.staff('430181105'),
    );
    await fails(
      sg,
      'FORBIDDEN',
      `mutation($b: ID!) { closeBallot(ballotId: $b) { id } }`,
      { b: ballotId },
      await tokens.analyst('43'),
    );
    const closed = await closeBallot(sg, ballotId, await tokens.admin());
    expect(closed.ballotsCast).toBe(1);
    expect(await code(roll[1]!, [[a!, 'FOR']])).toMatchObject({ code: 'CONFLICT' });
    await fails(sg, 'CONFLICT', `mutation($b: ID!) { closeBallot(ballotId: $b) { id } }`, { b: ballotId }, staff);
    read = await ok(sg, READ_BALLOT, { id: ballotId });
    expect(read.ballot.ballotsCast).toBe(1);
    expect(
      read.ballot.results.map(
        (r: { votesFor: number; votesAgainst: number; abstentions: number }) =>
          r.votesFor + r.votesAgainst + r.abstentions,
      ),
    ).toEqual([1, 1, 1]);
  });

  it('V-3: the roll is ACTIVE deputies of the program congress, named once; bad rolls are BAD_USER_INPUT and open nothing', async () => {
    const { programId } = await programWithCandidates(sg, town, staff, { seats: 1, candidates: 2 });
    const OPEN = `mutation($p: ID!, $r: [ID!]!) { openBallot(programId: $p, rollDeputyIds: $r) { id } }`;
    await fails(sg, 'BAD_USER_INPUT', OPEN, { p: programId, r: [] }, staff, 'rollDeputyIds');
    await fails(
      sg,
      'BAD_USER_INPUT',
      OPEN,
      { p: programId, r: [town.deputyIds[0], other.deputyIds[0]] },
      staff,
      'rollDeputyIds[1]',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      OPEN,
      { p: programId, r: [town.deputyIds[0], town.deputyIds[0]] },
      staff,
      'rollDeputyIds[1]',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      OPEN,
      { p: programId, r: ['0196f000-0000-7000-8000-000000000000'] },
      staff,
      'rollDeputyIds[0]',
    );
    await fails(sg, 'BAD_USER_INPUT', OPEN, { p: programId, r: ['x'] }, staff, 'rollDeputyIds[0]');
    // A deputy whose mandate ended may not be on the roll.
    const ended = town.deputyIds[8]!;
    await ok(
      stack.services.deputies!.subgraph,
      `mutation($id: ID!) { endMandate(id: $id, status: RESIGNED, reason: "辞职") { id } }`,
      { id: ended },
      await tokens.admin(),
    );
    await fails(sg, 'BAD_USER_INPUT', OPEN, { p: programId, r: [town.deputyIds[0], ended] }, staff, 'rollDeputyIds[1]');
    await fails(sg, 'FORBIDDEN', OPEN, { p: programId, r: [town.deputyIds[0]] }, await tokens.staff('430181105'));
    const program = await ok(sg, `query($id: ID!) { program(id: $id) { stage ballots { id } } }`, { id: programId });
    expect(program.program).toEqual({ stage: 'SCREENING', ballots: [] });
  });
});

describe('V-6 a ballot is open only while its session sits', () => {
  const OPEN = `mutation($p: ID!, $r: [ID!]!) { openBallot(programId: $p, rollDeputyIds: $r) { id } }`;
  afterAll(() => stack.clock.set('2026-06-15T02:00:00Z'));

  it('V-6: votes are taken through the closing day (Asia/Shanghai); after it a vote is CONFLICT and changes nothing; staff still close', async () => {
    const {
      programId,
      candidateIds: [a, b],
    } = await programWithCandidates(sg, town, staff, { seats: 1, candidates: 2 });
    const roll = town.deputyIds.slice(0, 4);
    const ballotId = await openBallot(sg, programId, roll, staff);
    // 2026-06-16 23:59 in Shanghai: the session's last day.
    stack.clock.set('2026-06-16T15:59:00Z');
    expect((await cast(sg, town, roll[0]!, ballotId, [[a!, 'FOR']])).errors).toBeUndefined();
    // 2026-06-17 00:00 in Shanghai: the session has closed.
    stack.clock.set('2026-06-16T16:00:00Z');
    const late = await tokens.deputy(town.code, roll[1]!);
    const error = await fails(sg, 'CONFLICT', CAST, { b: ballotId, c: [{ candidateId: b!, choice: 'FOR' }] }, late);
    expect(error.message).toMatch(/2026-06-14 to 2026-06-16 and has closed \(today is 2026-06-17\)/);
    const read = await ok(sg, READ_BALLOT, { id: ballotId }, late);
    expect(read.ballot).toMatchObject({ status: 'OPEN', ballotsCast: 1, hasVoted: false, results: null });
    expect(
      (
        await sql<{ n: number }>(`select count(*)::int as n from "voting"."ballot_participation" where ballot_id = ?`, [
          ballotId,
        ])
      )[0]!.n,
    ).toBe(1);
    // Staff may close after the session; the late vote was not counted.
    const closed = await closeBallot(sg, ballotId, staff);
    expect(closed.status).toBe('CLOSED');
    expect(
      closed.results.map((r: { votesFor: number; votesAgainst: number; abstentions: number }) => [
        r.votesFor,
        r.votesAgainst,
        r.abstentions,
      ]),
    ).toEqual([
      [1, 0, 0],
      [0, 0, 1],
    ]);
  });

  it('V-6: a ballot opens only while the session sits: before it opens or after it closes, CONFLICT and nothing opened', async () => {
    const { programId } = await programWithCandidates(sg, town, staff, { seats: 1, candidates: 2 });
    const roll = town.deputyIds.slice(0, 3);
    for (const [instant, pattern] of [
      ['2026-06-13T15:59:00Z', /has not opened yet \(today is 2026-06-13\)/],
      ['2026-06-16T16:00:00Z', /has closed \(today is 2026-06-17\)/],
    ] as const) {
      stack.clock.set(instant);
      const error = await fails(sg, 'CONFLICT', OPEN, { p: programId, r: roll }, staff);
      expect(error.message).toMatch(pattern);
      const program = await ok(sg, `query($id: ID!) { program(id: $id) { stage ballots { id } } }`, { id: programId });
      expect(program.program).toEqual({ stage: 'SCREENING', ballots: [] });
    }
    // Early on its opening day (Shanghai) it opens; staff may close it early.
    stack.clock.set('2026-06-13T16:00:00Z');
    const ballotId = await openBallot(sg, programId, roll, staff);
    expect((await closeBallot(sg, ballotId, staff)).status).toBe('CLOSED');
  });
});

describe('V-3 secrecy', () => {
  it('V-3 secrecy: no type in the graph carries both a deputy and a choice; choices exist only as input', () => {
    const schema =
      buildSchema(`directive @key(fields: String!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE
      directive @shareable on OBJECT | FIELD_DEFINITION
      directive @link(url: String, import: [String]) repeatable on SCHEMA
      ${readFileSync(new URL('../src/schema.graphql', import.meta.url), 'utf8').replace(/extend schema[\s\S]*?\)\n/, '')}`);
    const choiceTypes = new Set(['VoteChoice', 'Satisfaction']);
    const fieldTypes = (t: GraphQLNamedType): string[] =>
      isObjectType(t) || isInterfaceType(t) || isInputObjectType(t)
        ? Object.values(t.getFields()).map((f) => (getNamedType(f.type) as unknown as GraphQLNamedType).name)
        : [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      const names = fieldTypes(type);
      const hasDeputy =
        names.includes('Deputy') ||
        (isObjectType(type) || isInputObjectType(type)
          ? Object.keys(type.getFields()).some((f) => /deputy/i.test(f) && !/Ids$/.test(f))
          : false);
      const hasChoice = names.some((n) => choiceTypes.has(n));
      expect(hasDeputy && hasChoice, `${type.name} carries a deputy and a choice`).toBe(false);
      if (isObjectType(type) || isInterfaceType(type))
        expect(
          names.some((n) => choiceTypes.has(n)),
          `${type.name} outputs a choice`,
        ).toBe(false);
    }
  });

  it('V-3 secrecy: the same holds in the running schema (introspection)', async () => {
    const data = await ok(
      sg,
      `{ __schema { types { name kind fields { name type { name kind ofType { name kind ofType { name kind ofType { name } } } } } } } }`,
    );
    const named = (t: { name: string | null; ofType?: unknown }): string => t.name ?? named(t.ofType as never);
    for (const t of data.__schema.types as { name: string; fields: { name: string; type: never }[] | null }[]) {
      const types = (t.fields ?? []).map((f) => named(f.type));
      expect(types.includes('VoteChoice') || types.includes('Satisfaction'), t.name).toBe(false);
    }
  });

  it('V-3 secrecy: participation tables hold the two ids only (no time, serial or choice)', async () => {
    for (const [table, expected] of [
      ['ballot_participation', ['ballot_id', 'deputy_id']],
      ['evaluation_participation', ['deputy_id', 'round_id']],
    ] as const) {
      const cols = await sql<{ column_name: string }>(
        `select column_name from information_schema.columns where table_schema = 'voting' and table_name = ? order by column_name`,
        [table],
      );
      expect(cols.map((c) => c.column_name)).toEqual(expected);
    }
    // Counter rows carry no deputy.
    const tallyCols = await sql<{ column_name: string }>(
      `select column_name from information_schema.columns where table_schema = 'voting' and table_name in ('ballot_tallies', 'evaluation_tallies', 'ballots', 'evaluation_rounds')`,
    );
    expect(tallyCols.map((c) => c.column_name).filter((c) => /deputy|voter|cast_at|voted_at/.test(c))).toEqual([]);
    // No sequences anywhere in the schema (but the migrator's own, and the outbox's: no vote or rating writes an
    // event, which test/events.test.ts checks, so the outbox's ids never order votes).
    expect(
      await sql(
        `select sequence_name from information_schema.sequences where sequence_schema = 'voting' and sequence_name not in ('mikro_orm_migrations_id_seq', 'outbox_events_id_seq')`,
      ),
    ).toEqual([]);
  });

  it('V-3 secrecy: after close no participation row shares a transaction id (xmin) with a counter row; totals equal ballots cast', async () => {
    const { programId, candidateIds } = await programWithCandidates(sg, town, staff, { seats: 1, candidates: 2 });
    const roll = town.deputyIds.slice(0, 5);
    const ballotId = await openBallot(sg, programId, roll, staff);
    for (const [i, d] of roll.entries())
      expect((await cast(sg, town, d, ballotId, [[candidateIds[i % 2]!, 'FOR']])).errors).toBeUndefined();
    const voters = async () =>
      (
        await sql<{ x: string }>(`select xmin::text as x from "voting"."ballot_participation" where ballot_id = ?`, [
          ballotId,
        ])
      ).map((r) => r.x);
    const xmins = async () => ({
      voters: await voters(),
      counters: (
        await sql<{ x: string }>(`select xmin::text as x from "voting"."ballot_tallies" where ballot_id = ?`, [
          ballotId,
        ])
      ).map((r) => r.x),
    });
    // While open the ballot's own counters carry the last voter's transaction id: the documented limit (README).
    const own = await sql<{ x: string }>(
      `select xmin::text as x from "voting"."ballot_counts_${ballotId.replace(/-/g, '')}"`,
    );
    expect(own).toHaveLength(2);
    expect(await voters()).toContain(own[0]!.x);
    expect((await xmins()).counters).toEqual([]);
    await closeBallot(sg, ballotId, staff);
    const closed = await xmins();
    expect(closed.voters).toHaveLength(5);
    for (const x of closed.counters) expect(closed.voters).not.toContain(x);
    const [ballot] = await sql<{ ballots_cast: number }>(`select ballots_cast from "voting"."ballots" where id = ?`, [
      ballotId,
    ]);
    const sums = await sql<{ n: number }>(
      `select votes_for + votes_against + abstentions as n from "voting"."ballot_tallies" where ballot_id = ?`,
      [ballotId],
    );
    expect(sums.map((s) => Number(s.n))).toEqual([ballot!.ballots_cast, ballot!.ballots_cast]);
    const [{ n: participants }] = (await sql<{ n: number }>(
      `select count(*)::int as n from "voting"."ballot_participation" where ballot_id = ?`,
      [ballotId],
    )) as [{ n: number }];
    expect(participants).toBe(ballot!.ballots_cast);
  });

  it('V-3 secrecy: logs and error messages never print a choice, even at trace level and on failures', async () => {
    // A logger that records every call at every level, with its arguments.
    const lines: string[] = [];
    const logger: object = new Proxy(
      {},
      {
        get: (_target, level) =>
          level === 'child'
            ? () => logger
            : (...args: unknown[]) =>
                void lines.push(
                  `${String(level)} ${JSON.stringify(args, (_k, v) => (v instanceof Error ? { message: v.message, stack: v.stack } : v))}`,
                ),
      },
    );
    const { createSubgraph } = await import('@renda/server-kit/subgraph');
    const { createTokenVerifier } = await import('@renda/auth/tokens');
    const { devJwtSecret, devSubgraphSecret } = await import('@renda/server-kit/env');
    const { votingService } = await import('../src/server.ts');
    const logged = await createSubgraph({
      name: 'voting',
      typeDefs: votingService.typeDefs,
      resolvers: votingService.resolvers,
      orm: stack.services.voting!.orm,
      verifier: createTokenVerifier({ kind: 'hs256', secret: devJwtSecret }),
      clock: stack.clock,
      cache: stack.cache,
      log: logger as never,
      secret: devSubgraphSecret,
      siblings: { deputies: stack.services.deputies!.url, supervision: stack.services.supervision!.url },
    });
    const {
      programId,
      candidateIds: [a, b],
    } = await programWithCandidates(sg, town, staff, { seats: 1, candidates: 2 });
    const roll = town.deputyIds.slice(0, 3);
    const ballotId = await openBallot(sg, programId, roll, staff);
    const send = async (d: string, c: [string, string][]) =>
      logged.execute(
        CAST,
        { b: ballotId, c: c.map(([candidateId, choice]) => ({ candidateId, choice })) },
        await tokens.deputy(town.code, d),
      );
    const results = [
      await send(roll[0]!, [
        [a!, 'FOR'],
        [b!, 'AGAINST'],
      ]),
      await send(roll[0]!, [
        [a!, 'AGAINST'],
        [b!, 'FOR'],
      ]),
      await send(roll[1]!, [
        [a!, 'FOR'],
        [b!, 'FOR'],
      ]),
      await send(roll[1]!, [
        [a!, 'ABSTAIN'],
        [a!, 'FOR'],
      ]),
      await send(town.deputyIds[7]!, [[a!, 'AGAINST']]),
    ];
    await logged.apollo.stop();
    const messages = results.flatMap((r) => (r.errors ?? []).map((e) => e.message));
    expect(messages).toHaveLength(4);
    for (const text of [...messages, ...lines]) expect(text).not.toMatch(/\b(FOR|AGAINST|ABSTAIN)\b|choices"?\s*:/);
  });
});
