import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisCache } from '@renda/cache/cache';
import type { TestStack } from '@renda/testing/services';
import { fails, ok } from '@renda/testing/graphql';
import { tokens } from '@renda/testing/tokens';
import { proposeProject } from '../src/modules/programs/programs.service.ts';
import { canMove, stageTransitions } from '../src/modules/programs/stages.ts';
import type { ServiceContext } from '@renda/server-kit/context';
import {
  PROGRAM,
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
let admin: string;

const CREATE = `mutation($i: CreateProgramInput!) { createProgram(input: $i) { ${PROGRAM} } }`;
const PROPOSE = `mutation($p: ID!, $i: ProposeProjectInput!) { proposeProject(programId: $p, input: $i) { id title proposer candidate { id } } }`;
const CLOSE_SOLICITATION = `mutation($p: ID!) { closeSolicitation(programId: $p) { id stage } }`;
const SET = `mutation($p: ID!, $c: [CandidateInput!]!) { setCandidates(programId: $p, candidates: $c) { ${PROGRAM} proposals { id candidate { id title } } } }`;
const READ = `query($id: ID!) { program(id: $id) { ${PROGRAM} proposals { id title } } }`;

function programInput(overrides: Record<string, unknown> = {}) {
  return {
    regionCode: town.code,
    level: 'TOWNSHIP',
    year: 2026,
    sessionId: town.sessionId,
    title: '永安镇2026年民生实事项目',
    seats: 2,
    ...overrides,
  };
}

beforeAll(async () => {
  stack = await startStack();
  sg = stack.services.voting!.subgraph;
  town = await createTownship(stack, '430181104', 6);
  other = await createTownship(stack, '430181105', 2);
  staff = await tokens.staff('430181104');
  admin = await tokens.admin();
});
afterAll(() => stack?.stop());

describe('V-1 program stages', () => {
  it('V-1: the stages form an explicit table, each moving only to the next', () => {
    expect(stageTransitions).toEqual({
      SOLICITING: ['SCREENING'],
      SCREENING: ['VOTING'],
      VOTING: ['IMPLEMENTING'],
      IMPLEMENTING: ['EVALUATING'],
      EVALUATING: ['CLOSED'],
      CLOSED: [],
    });
    expect(canMove('SOLICITING', 'VOTING')).toBe(false);
    expect(canMove('CLOSED', 'SOLICITING')).toBe(false);
  });

  it('V-1: a program opens in SOLICITING; anyone proposes without a token; staff close solicitation; steps out of order are CONFLICT', async () => {
    const created = await ok(sg, CREATE, { i: programInput() }, staff);
    const program = created.createProgram;
    expect(program).toMatchObject({ stage: 'SOLICITING', seats: 2, level: 'TOWNSHIP', year: 2026, openSeats: 2 });
    const proposed = await ok(sg, PROPOSE, {
      p: program.id,
      i: { title: '安全饮水', description: '集中供水工程', proposer: '永安村村民' },
    });
    expect(proposed.proposeProject).toMatchObject({ title: '安全饮水', proposer: '永安村村民', candidate: null });
    await ok(
      sg,
      PROPOSE,
      { p: program.id, i: { title: '交通设施完善', description: '村道硬化', proposer: '代表 李建国' } },
      await tokens.deputy(town.code, town.deputyIds[0]!),
    );
    // Candidates and ballots belong to later stages.
    await fails(sg, 'CONFLICT', SET, { p: program.id, c: [] }, staff);
    await fails(
      sg,
      'CONFLICT',
      `mutation($p: ID!, $r: [ID!]!) { openBallot(programId: $p, rollDeputyIds: $r) { id } }`,
      { p: program.id, r: town.deputyIds },
      staff,
    );
    await fails(
      sg,
      'CONFLICT',
      `mutation($p: ID!, $r: [ID!]!) { openEvaluation(programId: $p, rollDeputyIds: $r) { id } }`,
      { p: program.id, r: town.deputyIds },
      staff,
    );

    const closed = await ok(sg, CLOSE_SOLICITATION, { p: program.id }, staff);
    expect(closed.closeSolicitation.stage).toBe('SCREENING');
    await fails(sg, 'CONFLICT', CLOSE_SOLICITATION, { p: program.id }, staff);
    await fails(sg, 'CONFLICT', PROPOSE, { p: program.id, i: { title: '晚到的', description: 'x', proposer: 'y' } });
    const read = await ok(sg, READ, { id: program.id });
    expect(read.program.proposals.map((p: { title: string }) => p.title)).toEqual(['安全饮水', '交通设施完善']);
  });

  it('V-1: setCandidates turns proposals into candidates, replaces the list while SCREENING, and openBallot moves to VOTING', async () => {
    const { createProgram: program } = await ok(sg, CREATE, { i: programInput({ seats: 1 }) }, staff);
    const p1 = (await ok(sg, PROPOSE, { p: program.id, i: { title: '安全饮水', description: 'x', proposer: 'a' } }))
      .proposeProject.id;
    await ok(sg, CLOSE_SOLICITATION, { p: program.id }, staff);
    const first = await ok(
      sg,
      SET,
      {
        p: program.id,
        c: [
          { title: '安全饮水', description: '集中供水', budget: '1250000.00', leadUnitId: town.unitId, proposalId: p1 },
          { title: '交通设施完善', description: '村道', budget: '800000', leadUnitId: town.unitId },
        ],
      },
      staff,
    );
    expect(
      first.setCandidates.candidates.map((c: { title: string; budget: string; status: string }) => [
        c.title,
        c.budget,
        c.status,
      ]),
    ).toEqual([
      ['安全饮水', '1250000.00', 'CANDIDATE'],
      ['交通设施完善', '800000.00', 'CANDIDATE'],
    ]);
    expect(first.setCandidates.proposals[0].candidate.title).toBe('安全饮水');
    const second = await ok(
      sg,
      SET,
      {
        p: program.id,
        c: [
          { title: 'A', description: 'a', budget: '1.5', leadUnitId: town.unitId },
          { title: 'B', description: 'b', budget: '2', leadUnitId: town.unitId },
          { title: 'C', description: 'c', budget: '3', leadUnitId: town.unitId },
        ],
      },
      staff,
    );
    expect(second.setCandidates.candidates.map((c: { title: string }) => c.title)).toEqual(['A', 'B', 'C']);
    expect(second.setCandidates.proposals[0].candidate).toBeNull();
    await openBallot(sg, program.id, town.deputyIds, staff);
    const read = await ok(sg, READ, { id: program.id });
    expect(read.program.stage).toBe('VOTING');
    await fails(sg, 'CONFLICT', SET, { p: program.id, c: [] }, staff);
  });
});

describe('V-2 seats and candidates (差额)', () => {
  it('V-2: seats < 1, seats above the local range, a level that does not match the code: BAD_USER_INPUT, nothing created', async () => {
    const before = (await ok(sg, `query { programs(regionCode: "430181104") { id } }`)).programs.length;
    await fails(sg, 'BAD_USER_INPUT', CREATE, { i: programInput({ seats: 0 }) }, staff, 'input.seats');
    await fails(sg, 'BAD_USER_INPUT', CREATE, { i: programInput({ seats: 4 }) }, staff, 'input.seats');
    await fails(sg, 'BAD_USER_INPUT', CREATE, { i: programInput({ level: 'COUNTY' }) }, staff, 'input.level');
    await fails(sg, 'BAD_USER_INPUT', CREATE, { i: programInput({ regionCode: '43' }) }, admin, 'input.regionCode');
    await fails(sg, 'BAD_USER_INPUT', CREATE, { i: programInput({ sessionId: 'nope' }) }, staff, 'input.sessionId');
    await fails(
      sg,
      'BAD_USER_INPUT',
      CREATE,
      { i: programInput({ sessionId: '0196f000-0000-7000-8000-000000000000' }) },
      staff,
      'input.sessionId',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      CREATE,
      { i: programInput({ sessionId: other.sessionId }) },
      staff,
      'input.sessionId',
    );
    await fails(sg, 'BAD_USER_INPUT', CREATE, { i: programInput({ year: 2025 }) }, staff, 'input.year');
    await fails(sg, 'BAD_USER_INPUT', CREATE, { i: programInput({ title: '  ' }) }, staff, 'input.title');
    const after = (await ok(sg, `query { programs(regionCode: "430181104") { id } }`)).programs.length;
    expect(after).toBe(before);
  });

  it('V-2: candidates must outnumber seats; budgets over 0; lead units known and of the region; bad lists change nothing', async () => {
    const { createProgram: program } = await ok(sg, CREATE, { i: programInput({ seats: 2 }) }, staff);
    await ok(sg, CLOSE_SOLICITATION, { p: program.id }, staff);
    const c = (title: string, extra: Record<string, unknown> = {}) => ({
      title,
      description: 'd',
      budget: '100.00',
      leadUnitId: town.unitId,
      ...extra,
    });
    await fails(sg, 'BAD_USER_INPUT', SET, { p: program.id, c: [c('A'), c('B')] }, staff, 'candidates');
    await fails(
      sg,
      'BAD_USER_INPUT',
      SET,
      { p: program.id, c: [c('A'), c('B'), c('C', { budget: '0' })] },
      staff,
      'candidates[2].budget',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      SET,
      { p: program.id, c: [c('A'), c('B'), c('C', { budget: '-5' })] },
      staff,
      'candidates[2].budget',
    );
    await fails(sg, 'BAD_USER_INPUT', SET, { p: program.id, c: [c('A'), c('B'), c('C', { budget: '1.005' })] }, staff);
    await fails(
      sg,
      'BAD_USER_INPUT',
      SET,
      { p: program.id, c: [c('A'), c('B', { leadUnitId: 'x' }), c('C')] },
      staff,
      'candidates[1].leadUnitId',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      SET,
      { p: program.id, c: [c('A'), c('B', { leadUnitId: '0196f000-0000-7000-8000-000000000000' }), c('C')] },
      staff,
      'candidates[1].leadUnitId',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      SET,
      { p: program.id, c: [c('A'), c('B', { leadUnitId: other.unitId }), c('C')] },
      staff,
      'candidates[1].leadUnitId',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      SET,
      { p: program.id, c: [c('A'), c('B', { proposalId: '0196f000-0000-7000-8000-000000000000' }), c('C')] },
      staff,
      'candidates[1].proposalId',
    );
    const read = await ok(sg, READ, { id: program.id });
    expect(read.program.candidates).toEqual([]);
    await ok(sg, SET, { p: program.id, c: [c('A'), c('B'), c('C')] }, staff);
    // A first ballot lists every candidate.
    const { program: p } = await ok(sg, READ, { id: program.id });
    await fails(
      sg,
      'BAD_USER_INPUT',
      `mutation($p: ID!, $r: [ID!]!, $c: [ID!]) { openBallot(programId: $p, rollDeputyIds: $r, candidateIds: $c) { id } }`,
      { p: program.id, r: town.deputyIds, c: [p.candidates[0].id, p.candidates[1].id] },
      staff,
      'candidateIds',
    );
  });
  it('V-2: one proposal becomes one candidate: a repeated proposalId is BAD_USER_INPUT naming the repeating candidate, nothing set', async () => {
    const { createProgram: program } = await ok(sg, CREATE, { i: programInput({ seats: 1 }) }, staff);
    const p1 = (await ok(sg, PROPOSE, { p: program.id, i: { title: '安全饮水', description: 'x', proposer: 'a' } }))
      .proposeProject.id;
    await ok(sg, CLOSE_SOLICITATION, { p: program.id }, staff);
    const c = (title: string, extra: Record<string, unknown> = {}) => ({
      title,
      description: 'd',
      budget: '100.00',
      leadUnitId: town.unitId,
      ...extra,
    });
    await fails(
      sg,
      'BAD_USER_INPUT',
      SET,
      { p: program.id, c: [c('A', { proposalId: p1 }), c('B'), c('C', { proposalId: p1 })] },
      staff,
      'candidates[2].proposalId',
    );
    expect((await ok(sg, READ, { id: program.id })).program.candidates).toEqual([]);
  });
});

describe('access to programs', () => {
  it('staff of another region, analysts, deputies and handlers may not administer; the public may not create; ADMIN may', async () => {
    const input = { i: programInput() };
    await fails(sg, 'UNAUTHENTICATED', CREATE, input);
    await fails(sg, 'FORBIDDEN', CREATE, input, await tokens.staff('430181105'));
    await fails(sg, 'FORBIDDEN', CREATE, input, await tokens.analyst('43'));
    await fails(sg, 'FORBIDDEN', CREATE, input, await tokens.deputy(town.code, town.deputyIds[0]!));
    await fails(sg, 'FORBIDDEN', CREATE, input, await tokens.handler(town.code, town.unitId));
    const byCounty = await ok(sg, CREATE, input, await tokens.staff('430181'));
    const byAdmin = await ok(sg, CREATE, input, admin);
    await fails(sg, 'FORBIDDEN', CLOSE_SOLICITATION, { p: byAdmin.createProgram.id }, await tokens.staff('430181105'));
    await fails(sg, 'UNAUTHENTICATED', CLOSE_SOLICITATION, { p: byAdmin.createProgram.id });
    await ok(sg, CLOSE_SOLICITATION, { p: byCounty.createProgram.id }, admin);
    await fails(sg, 'NOT_FOUND', CLOSE_SOLICITATION, { p: '0196f000-0000-7000-8000-000000000000' }, admin);
    await fails(sg, 'BAD_USER_INPUT', CLOSE_SOLICITATION, { p: 'not-an-id' }, admin, 'programId');
  });

  it('the public reads programs, candidates and proposals, by region subtree, year and level', async () => {
    const { programId } = await programWithCandidates(sg, town, staff, { seats: 1, candidates: 2, title: '公开读取' });
    const data = await ok(
      sg,
      `query($id: ID!) { program(id: $id) { title candidates { title leadUnit { id } } region { code } session { id } } programs(regionCode: "4301", year: 2026, level: TOWNSHIP) { id } none: programs(regionCode: "4306") { id } }`,
      { id: programId },
    );
    expect(data.program.candidates).toHaveLength(2);
    expect(data.program.candidates[0].leadUnit.id).toBe(town.unitId);
    expect(data.program.region.code).toBe(town.code);
    expect(data.program.session.id).toBe(town.sessionId);
    expect(data.programs.map((p: { id: string }) => p.id)).toContain(programId);
    expect(data.none).toEqual([]);
    await fails(sg, 'BAD_USER_INPUT', `query { programs(regionCode: "4x") { id } }`, {});
  });

  it('anonymous proposals are rate-limited per client address (RATE_LIMITED, retryAfter), never with a token', async () => {
    const { createProgram: program } = await ok(sg, CREATE, { i: programInput() }, staff);
    // The stack's own cache: Redis when REDIS_URL is set (shared with other runs: random addresses), memory otherwise.
    const octet = () => Math.floor(Math.random() * 250);
    const client = () => `10.${octet()}.${octet()}.${octet()}`;
    const [first, second] = [client(), client()];
    const ctx = async (viewer: ServiceContext['viewer'], clientAddress: string): Promise<ServiceContext> => {
      const c = await sg.context({ headers: { 'x-forwarded-for': clientAddress } });
      return { ...c, viewer };
    };
    const rules = {
      seats: {
        TOWNSHIP: [1, 3] as [number, number],
        COUNTY: [1, 10] as [number, number],
        CITY: [1, 20] as [number, number],
      },
      proposalsPerMinute: 3,
    };
    const input = { title: '路灯', description: '安装路灯', proposer: '村民' };
    for (let i = 0; i < 3; i++) await proposeProject(await ctx(null, first), program.id, input, rules);
    const refused = proposeProject(await ctx(null, first), program.id, input, rules);
    const limited = { extensions: { code: 'RATE_LIMITED', retryAfter: expect.any(Number) } };
    await expect(refused).rejects.toMatchObject(limited);
    const retryAfter = await refused.catch((e: { extensions: { retryAfter: number } }) => e.extensions.retryAfter);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    await proposeProject(await ctx(null, second), program.id, input, rules);
    const deputy = { sub: 'd', role: 'DEPUTY' as const, region: town.code, unit: null, deputy: town.deputyIds[0]! };
    await proposeProject(await ctx(deputy, first), program.id, input, rules);
    const read = await ok(sg, READ, { id: program.id });
    expect(read.program.proposals).toHaveLength(5);
  });

  it('anonymous proposals stay limited, from memory, while Redis is down: RATE_LIMITED, never INTERNAL', async () => {
    const { createProgram: program } = await ok(sg, CREATE, { i: programInput() }, staff);
    // A port nothing listens on: Redis is down.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const down = createRedisCache(`redis://127.0.0.1:${port}`, `renda-test-down-${process.pid}:`);
    try {
      const ctx = async (): Promise<ServiceContext> => ({
        ...(await sg.context({ headers: { 'x-forwarded-for': '10.9.9.9' } })),
        cache: down,
      });
      const seats = {
        TOWNSHIP: [1, 3] as [number, number],
        COUNTY: [1, 10] as [number, number],
        CITY: [1, 20] as [number, number],
      };
      const rules = { seats, proposalsPerMinute: 2 };
      const input = { title: '路灯', description: '安装路灯', proposer: '村民' };
      for (let i = 0; i < 2; i++) await proposeProject(await ctx(), program.id, input, rules);
      const refused = proposeProject(await ctx(), program.id, input, rules);
      await expect(refused).rejects.toMatchObject({ extensions: { code: 'RATE_LIMITED' } });
      expect((await ok(sg, READ, { id: program.id })).program.proposals).toHaveLength(2);
    } finally {
      await down.close();
    }
  });
});
