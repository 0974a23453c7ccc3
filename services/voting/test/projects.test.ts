import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestStack } from '@renda/testing/services';
import { fails, ok } from '@renda/testing/graphql';
import { tokens } from '@renda/testing/tokens';
import { countStatements } from '@renda/db/orm';
import {
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

const REPORT = `mutation($p: ID!, $i: ProgressInput!) { reportProgress(projectId: $p, input: $i) { id status percentComplete budget progress { reportedOn percentComplete spent note } } }`;
const ASSIGN = `mutation($p: ID!, $d: [ID!]!) { assignSupervisors(projectId: $p, deputyIds: $d) { id supervisors { id } } }`;
const OPEN_EVAL = `mutation($p: ID!, $r: [ID!]!) { openEvaluation(programId: $p, rollDeputyIds: $r) { id status rollSize responses program { stage } } }`;
const RATE = `mutation($r: ID!, $x: [ProjectRatingInput!]!) { rateProjects(roundId: $r, ratings: $x) { id responses hasResponded } }`;
const CLOSE_EVAL = `mutation($r: ID!) { closeEvaluation(roundId: $r) { id status responses program { stage } } }`;
const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Deputy { id supervisedProjects { id } } ... on GovernmentUnit { id livelihoodProjects(year: 2026) { id } } ... on CongressSession { id livelihoodPrograms { id } } ... on Region { code votingStats(year: 2026) { regionCode year programs regionsWithProgram candidates projectsElected projectsCompleted budgetTotal turnoutRate satisfactionRate } programs(year: 2026) { id } } } }`;

/** A program whose 2 seats are filled (candidates 1 and 2 elected), IMPLEMENTING; roll = first 5 deputies, `voters` of them vote. */
async function electedProgram(t: Township, token: string, voters = 5) {
  const { programId, candidateIds } = await programWithCandidates(sg, t, token, { seats: 2, candidates: 3 });
  const roll = t.deputyIds.slice(0, 5);
  const ballotId = await openBallot(sg, programId, roll, token);
  for (const d of roll.slice(0, voters))
    expect(
      (
        await cast(sg, t, d, ballotId, [
          [candidateIds[0]!, 'FOR'],
          [candidateIds[1]!, 'FOR'],
        ])
      ).errors,
    ).toBeUndefined();
  const closed = await closeBallot(sg, ballotId, token);
  expect(closed.program.stage).toBe('IMPLEMENTING');
  return { programId, candidateIds, roll, ballotId };
}

beforeAll(async () => {
  stack = await startStack();
  sg = stack.services.voting!.subgraph;
  town = await createTownship(stack, '430181104', 8);
  other = await createTownship(stack, '430181105', 2);
  staff = await tokens.staff('430181104');
});
afterAll(() => stack?.stop());

describe('V-4 projects', () => {
  it('V-4: progress reports: completion 0-100 never goes down, dates not in the future nor before the last, spent ≥ 0; 100 completes; bad reports change nothing', async () => {
    const {
      candidateIds: [a, , c],
    } = await electedProgram(town, staff);
    const input = (o: Record<string, unknown> = {}) => ({
      reportedOn: '2026-05-01',
      percentComplete: 30,
      spent: '30000.50',
      note: '开工',
      ...o,
    });
    // A first report dated far in the past (before the program's year) is refused and writes nothing.
    await fails(
      sg,
      'BAD_USER_INPUT',
      REPORT,
      { p: a, i: input({ reportedOn: '1990-01-01' }) },
      staff,
      'input.reportedOn',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      REPORT,
      { p: a, i: input({ reportedOn: '2025-12-31' }) },
      staff,
      'input.reportedOn',
    );
    const first = await ok(sg, REPORT, { p: a, i: input() }, staff);
    expect(first.reportProgress).toMatchObject({
      status: 'IN_PROGRESS',
      percentComplete: 30,
      budget: '100000.00',
      progress: [{ reportedOn: '2026-05-01', percentComplete: 30, spent: '30000.50', note: '开工' }],
    });
    await fails(
      sg,
      'BAD_USER_INPUT',
      REPORT,
      { p: a, i: input({ percentComplete: 20 }) },
      staff,
      'input.percentComplete',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      REPORT,
      { p: a, i: input({ percentComplete: 101 }) },
      staff,
      'input.percentComplete',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      REPORT,
      { p: a, i: input({ reportedOn: '2026-07-01' }) },
      staff,
      'input.reportedOn',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      REPORT,
      { p: a, i: input({ reportedOn: '2026-04-01', percentComplete: 40 }) },
      staff,
      'input.reportedOn',
    );
    await fails(sg, 'BAD_USER_INPUT', REPORT, { p: a, i: input({ spent: '-1' }) }, staff, 'input.spent');
    await fails(sg, 'BAD_USER_INPUT', REPORT, { p: a, i: input({ note: ' ' }) }, staff, 'input.note');
    // Access: staff of the region or a handler of the lead unit; nobody else.
    await fails(sg, 'UNAUTHENTICATED', REPORT, { p: a, i: input() });
    await fails(sg, 'FORBIDDEN', REPORT, { p: a, i: input() }, await tokens.staff('430181105'));
    await fails(sg, 'FORBIDDEN', REPORT, { p: a, i: input() }, await tokens.handler(other.code, other.unitId));
    await fails(sg, 'FORBIDDEN', REPORT, { p: a, i: input() }, await tokens.deputy(town.code, town.deputyIds[0]!));
    await fails(sg, 'FORBIDDEN', REPORT, { p: a, i: input() }, await tokens.analyst('43'));
    const byHandler = await ok(
      sg,
      REPORT,
      { p: a, i: input({ reportedOn: '2026-06-01', percentComplete: 60, spent: '60000' }) },
      await tokens.handler(town.code, town.unitId),
    );
    expect(byHandler.reportProgress.progress).toHaveLength(2);
    const done = await ok(
      sg,
      REPORT,
      { p: a, i: input({ reportedOn: '2026-06-15', percentComplete: 100, spent: '99000.00' }) },
      staff,
    );
    expect(done.reportProgress).toMatchObject({ status: 'COMPLETED', percentComplete: 100 });
    await fails(sg, 'CONFLICT', REPORT, { p: a, i: input({ reportedOn: '2026-06-15', percentComplete: 100 }) }, staff);
    await fails(sg, 'CONFLICT', REPORT, { p: c, i: input() }, staff);
    await fails(sg, 'NOT_FOUND', REPORT, { p: '0196f000-0000-7000-8000-000000000000', i: input() }, staff);
    const read = await ok(sg, `query($id: ID!) { project(id: $id) { percentComplete progress { percentComplete } } }`, {
      id: a,
    });
    expect(read.project).toEqual({
      percentComplete: 100,
      progress: [{ percentComplete: 30 }, { percentComplete: 60 }, { percentComplete: 100 }],
    });
  });

  it('V-4: supervision groups are ACTIVE deputies of the congress; Deputy.supervisedProjects lists them; bad groups change nothing', async () => {
    const {
      candidateIds: [a, b, c],
    } = await electedProgram(town, staff);
    const group = [town.deputyIds[0]!, town.deputyIds[1]!];
    const assigned = await ok(sg, ASSIGN, { p: a, d: group }, staff);
    expect(assigned.assignSupervisors.supervisors.map((s: { id: string }) => s.id).sort()).toEqual([...group].sort());
    await ok(sg, ASSIGN, { p: b, d: [town.deputyIds[1]!] }, staff);
    await fails(
      sg,
      'BAD_USER_INPUT',
      ASSIGN,
      { p: a, d: [town.deputyIds[2], other.deputyIds[0]] },
      staff,
      'deputyIds[1]',
    );
    await fails(sg, 'BAD_USER_INPUT', ASSIGN, { p: a, d: [] }, staff, 'deputyIds');
    await fails(
      sg,
      'BAD_USER_INPUT',
      ASSIGN,
      { p: a, d: [town.deputyIds[2], town.deputyIds[2]] },
      staff,
      'deputyIds[1]',
    );
    await fails(sg, 'CONFLICT', ASSIGN, { p: c, d: group }, staff);
    await fails(sg, 'FORBIDDEN', ASSIGN, { p: a, d: group }, await tokens.analyst('43'));
    await fails(sg, 'FORBIDDEN', ASSIGN, { p: a, d: group }, await tokens.deputy(town.code, town.deputyIds[0]!));
    const read = await ok(sg, `query($id: ID!) { project(id: $id) { supervisors { id } } }`, { id: a });
    expect(read.project.supervisors.map((s: { id: string }) => s.id).sort()).toEqual([...group].sort());
    const ents = await ok(sg, ENTITIES, {
      r: [
        { __typename: 'Deputy', id: town.deputyIds[1] },
        { __typename: 'Deputy', id: town.deputyIds[0] },
        { __typename: 'Deputy', id: town.deputyIds[5] },
      ],
    });
    expect(ents._entities[0].supervisedProjects.map((p: { id: string }) => p.id).sort()).toEqual([a, b].sort());
    expect(ents._entities[1].supervisedProjects).toEqual([{ id: a }]);
    expect(ents._entities[2].supervisedProjects).toEqual([]);
  });

  it('V-4: satisfaction round: every elected project rated once by each deputy on the roll; at close each tally and rate; the program is CLOSED', async () => {
    const {
      programId,
      candidateIds: [a, b, c],
    } = await electedProgram(town, staff);
    await fails(
      sg,
      'FORBIDDEN',
      OPEN_EVAL,
      { p: programId, r: town.deputyIds.slice(0, 5) },
      await tokens.analyst('43'),
    );
    await fails(sg, 'BAD_USER_INPUT', OPEN_EVAL, { p: programId, r: [other.deputyIds[0]] }, staff, 'rollDeputyIds[0]');
    const opened = (await ok(sg, OPEN_EVAL, { p: programId, r: town.deputyIds.slice(0, 6) }, staff)).openEvaluation;
    expect(opened).toMatchObject({ status: 'OPEN', rollSize: 6, responses: 0, program: { stage: 'EVALUATING' } });
    await fails(sg, 'CONFLICT', OPEN_EVAL, { p: programId, r: town.deputyIds.slice(0, 5) }, staff);
    const as = (n: number) => tokens.deputy(town.code, town.deputyIds[n]!);
    const r = (x: [string, string][]) => x.map(([projectId, rating]) => ({ projectId, rating }));
    await fails(sg, 'BAD_USER_INPUT', RATE, { r: opened.id, x: r([[a!, 'SATISFIED']]) }, await as(0), 'ratings');
    await fails(
      sg,
      'BAD_USER_INPUT',
      RATE,
      {
        r: opened.id,
        x: r([
          [a!, 'SATISFIED'],
          [c!, 'SATISFIED'],
        ]),
      },
      await as(0),
      'ratings[1].projectId',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      RATE,
      {
        r: opened.id,
        x: r([
          [a!, 'SATISFIED'],
          [a!, 'DISSATISFIED'],
        ]),
      },
      await as(0),
      'ratings[1].projectId',
    );
    await fails(
      sg,
      'FORBIDDEN',
      RATE,
      {
        r: opened.id,
        x: r([
          [a!, 'SATISFIED'],
          [b!, 'SATISFIED'],
        ]),
      },
      await as(7),
    );
    await fails(
      sg,
      'FORBIDDEN',
      RATE,
      {
        r: opened.id,
        x: r([
          [a!, 'SATISFIED'],
          [b!, 'SATISFIED'],
        ]),
      },
      await tokens.admin(),
    );
    await fails(sg, 'UNAUTHENTICATED', RATE, {
      r: opened.id,
      x: r([
        [a!, 'SATISFIED'],
        [b!, 'SATISFIED'],
      ]),
    });
    const forms: [string, string][][] = [
      [
        [a!, 'SATISFIED'],
        [b!, 'SATISFIED'],
      ],
      [
        [b!, 'BASICALLY_SATISFIED'],
        [a!, 'SATISFIED'],
      ],
      [
        [a!, 'DISSATISFIED'],
        [b!, 'SATISFIED'],
      ],
      [
        [a!, 'BASICALLY_SATISFIED'],
        [b!, 'DISSATISFIED'],
      ],
    ];
    for (const [i, form] of forms.entries())
      expect((await ok(sg, RATE, { r: opened.id, x: r(form) }, await as(i))).rateProjects).toMatchObject({
        responses: i + 1,
        hasResponded: true,
      });
    await fails(sg, 'CONFLICT', RATE, { r: opened.id, x: r(forms[0]!) }, await as(0));
    const whileOpen = await ok(sg, `query($id: ID!) { project(id: $id) { satisfaction { rate } } }`, { id: a });
    expect(whileOpen.project.satisfaction).toBeNull();
    await fails(sg, 'FORBIDDEN', CLOSE_EVAL, { r: opened.id }, await tokens.staff('430181105'));
    const closed = (await ok(sg, CLOSE_EVAL, { r: opened.id }, staff)).closeEvaluation;
    expect(closed).toMatchObject({ status: 'CLOSED', responses: 4, program: { stage: 'CLOSED' } });
    await fails(sg, 'CONFLICT', RATE, { r: opened.id, x: r(forms[0]!) }, await as(5));
    await fails(sg, 'CONFLICT', CLOSE_EVAL, { r: opened.id }, staff);
    const read = await ok(
      sg,
      `query($id: ID!) { program(id: $id) { stage evaluations { id status responses } projects { id satisfaction { satisfied basicallySatisfied dissatisfied rate } } } }`,
      { id: programId },
    );
    expect(read.program.projects).toEqual([
      { id: a, satisfaction: { satisfied: 2, basicallySatisfied: 1, dissatisfied: 1, rate: 0.75 } },
      { id: b, satisfaction: { satisfied: 2, basicallySatisfied: 1, dissatisfied: 1, rate: 0.75 } },
    ]);
    // Same secrecy design as the ballot: after close, counters share no xmin with participation rows.
    const conn = stack.services.voting!.orm.em.fork().getConnection();
    const voters = (
      await conn.execute<{ x: string }[]>(
        `select xmin::text as x from "voting"."evaluation_participation" where round_id = ?`,
        [opened.id],
      )
    ).map((x: { x: string }) => x.x);
    const counters = (
      await conn.execute<{ x: string }[]>(
        `select xmin::text as x from "voting"."evaluation_tallies" where round_id = ?`,
        [opened.id],
      )
    ).map((x: { x: string }) => x.x);
    expect(voters).toHaveLength(4);
    for (const x of counters) expect(voters).not.toContain(x);
  });
});

describe('V-5 statistics and federation fields', () => {
  it('V-5: Region.votingStats aggregates a subtree and year: programs, regions, candidates, elected, completed, budget, turnout, satisfaction', async () => {
    const town6 = await createTownship(stack, '430181106', 5);
    const staff6 = await tokens.staff('430181106');
    const {
      programId,
      candidateIds: [a],
    } = await electedProgram(town6, staff6, 4);
    await ok(
      sg,
      `mutation($i: CreateProgramInput!) { createProgram(input: $i) { id } }`,
      {
        i: {
          regionCode: town6.code,
          level: 'TOWNSHIP',
          year: 2026,
          sessionId: town6.sessionId,
          title: '征集中',
          seats: 1,
        },
      },
      staff6,
    );
    await ok(
      sg,
      REPORT,
      { p: a, i: { reportedOn: '2026-06-01', percentComplete: 100, spent: '1', note: '完工' } },
      staff6,
    );
    const round = (await ok(sg, OPEN_EVAL, { p: programId, r: town6.deputyIds.slice(0, 2) }, staff6)).openEvaluation;
    const [p1, p2] = (
      await ok(sg, `query($id: ID!) { program(id: $id) { projects { id } } }`, { id: programId })
    ).program.projects.map((p: { id: string }) => p.id);
    await ok(
      sg,
      RATE,
      {
        r: round.id,
        x: [
          { projectId: p1, rating: 'SATISFIED' },
          { projectId: p2, rating: 'DISSATISFIED' },
        ],
      },
      await tokens.deputy(town6.code, town6.deputyIds[0]!),
    );
    await ok(
      sg,
      RATE,
      {
        r: round.id,
        x: [
          { projectId: p1, rating: 'BASICALLY_SATISFIED' },
          { projectId: p2, rating: 'SATISFIED' },
        ],
      },
      await tokens.deputy(town6.code, town6.deputyIds[1]!),
    );
    await ok(sg, CLOSE_EVAL, { r: round.id }, staff6);
    const data = await ok(sg, ENTITIES, {
      r: [
        { __typename: 'Region', code: '430181106' },
        { __typename: 'Region', code: '4306' },
        { __typename: 'Region', code: '4301' },
      ],
    });
    expect(data._entities[0].votingStats).toEqual({
      regionCode: '430181106',
      year: 2026,
      programs: 2,
      regionsWithProgram: 1,
      candidates: 3,
      projectsElected: 2,
      projectsCompleted: 1,
      budgetTotal: '300000.00',
      turnoutRate: 0.8,
      satisfactionRate: 0.75,
    });
    expect(data._entities[0].programs).toHaveLength(2);
    expect(data._entities[1].votingStats).toMatchObject({
      programs: 0,
      regionsWithProgram: 0,
      budgetTotal: '0.00',
      turnoutRate: 0,
      satisfactionRate: 0,
    });
    expect(data._entities[2].votingStats.regionsWithProgram).toBe(2);
    expect(data._entities[2].programs.length).toBeGreaterThan(2);
    await fails(
      sg,
      'BAD_USER_INPUT',
      `query { _entities(representations: [{__typename: "Region", code: "43"}]) { ... on Region { votingStats(year: 12) { programs } } } }`,
      {},
    );
  });

  it('GovernmentUnit.livelihoodProjects and CongressSession.livelihoodPrograms resolve in batches (no N+1)', async () => {
    const counter = countStatements(stack.services.voting!.orm);
    const data = await ok(sg, ENTITIES, {
      r: [
        { __typename: 'GovernmentUnit', id: town.unitId },
        { __typename: 'GovernmentUnit', id: other.unitId },
        { __typename: 'CongressSession', id: town.sessionId },
        { __typename: 'CongressSession', id: other.sessionId },
        ...town.deputyIds.map((id) => ({ __typename: 'Deputy', id })),
      ],
    });
    counter.stop();
    expect(data._entities[0].livelihoodProjects.length).toBeGreaterThanOrEqual(6);
    expect(data._entities[1].livelihoodProjects).toEqual([]);
    expect(data._entities[2].livelihoodPrograms.length).toBeGreaterThanOrEqual(3);
    expect(data._entities[3].livelihoodPrograms).toEqual([]);
    expect(counter.count()).toBeLessThanOrEqual(5);
  });

  it('Deputy.ballotsCast: a count for the deputy, staff and analysts of the region and admins; nobody else', async () => {
    const Q = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Deputy { id ballotsCast(year: 2026) } } }`;
    const rep = { r: [{ __typename: 'Deputy', id: town.deputyIds[0] }] };
    const own = await ok(sg, Q, rep, await tokens.deputy(town.code, town.deputyIds[0]!));
    expect(own._entities[0].ballotsCast).toBe(3);
    expect((await ok(sg, Q, rep, staff))._entities[0].ballotsCast).toBe(3);
    expect((await ok(sg, Q, rep, await tokens.analyst('43')))._entities[0].ballotsCast).toBe(3);
    expect((await ok(sg, Q, rep, await tokens.admin()))._entities[0].ballotsCast).toBe(3);
    expect(
      (
        await ok(
          sg,
          `query($r: [_Any!]!) { _entities(representations: $r) { ... on Deputy { ballotsCast(year: 2025) } } }`,
          rep,
          staff,
        )
      )._entities[0].ballotsCast,
    ).toBe(0);
    await fails(sg, 'FORBIDDEN', Q, rep, await tokens.deputy(town.code, town.deputyIds[1]!));
    await fails(sg, 'FORBIDDEN', Q, rep, await tokens.staff('430181105'));
    await fails(sg, 'FORBIDDEN', Q, rep, await tokens.handler(town.code, town.unitId));
    await fails(sg, 'UNAUTHENTICATED', Q, rep);
  });

  it('_entities: a malformed representation (key missing or not a string) is BAD_USER_INPUT, never an internal error', async () => {
    const E =
      'query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Ballot { id } ... on LivelihoodProgram { id } ... on LivelihoodProject { id } ... on EvaluationRound { id } ... on Deputy { supervisedProjects { id } } ... on GovernmentUnit { livelihoodProjects { id } } ... on CongressSession { livelihoodPrograms { id } } ... on Region { programs { id } } } }';
    const admin = await tokens.admin();
    for (const t of [
      'Ballot',
      'LivelihoodProgram',
      'LivelihoodProject',
      'EvaluationRound',
      'Deputy',
      'GovernmentUnit',
      'CongressSession',
    ]) {
      await fails(sg, 'BAD_USER_INPUT', E, { r: [{ __typename: t }] }, admin, 'representations');
      await fails(sg, 'BAD_USER_INPUT', E, { r: [{ __typename: t, id: 7 }] }, admin, 'representations');
    }
    await fails(sg, 'BAD_USER_INPUT', E, { r: [{ __typename: 'Region' }] }, admin, 'representations');
    await fails(sg, 'BAD_USER_INPUT', E, { r: [{ __typename: 'Region', code: 43 }] }, admin, 'representations');
    const fine = await ok(sg, E, {
      r: [
        { __typename: 'Ballot', id: 'not-an-id' },
        { __typename: 'LivelihoodProgram', id: '0196f000-0000-7000-8000-000000000000' },
      ],
    });
    expect(fine._entities).toEqual([null, null]);
  });
});
