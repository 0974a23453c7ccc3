import { deputiesService } from '@renda/deputies/server';
import { supervisionService } from '@renda/supervision/server';
import { ok } from '@renda/testing/graphql';
import { startTestServices, type TestStack } from '@renda/testing/services';
import { tokens } from '@renda/testing/tokens';
import { votingService } from '../../src/server.ts';

export type Subgraph = TestStack['services'][string]['subgraph'];

/** deputies + supervision (owners of Deputy, CongressSession, GovernmentUnit) + voting, on one fresh database. */
export function startStack(): Promise<TestStack> {
  return startTestServices([deputiesService, supervisionService, votingService]);
}

export interface Township {
  code: string;
  congressId: string;
  sessionId: string;
  deputyIds: string[];
  unitId: string;
}

const created = new WeakMap<TestStack, Set<string>>();

async function ensureRegion(stack: TestStack, code: string, admin: string): Promise<void> {
  const done = created.get(stack) ?? new Set<string>();
  created.set(stack, done);
  const chain = [code.slice(0, 2), code.slice(0, 4), code.slice(0, 6), code].filter(
    (c, i, all) => all.indexOf(c) === i,
  );
  const level: Record<number, string> = { 2: 'PROVINCE', 4: 'CITY', 6: 'COUNTY', 9: 'TOWNSHIP' };
  for (const c of chain) {
    if (done.has(c)) continue;
    await ok(
      stack.services.deputies!.subgraph,
      `mutation($i: CreateRegionInput!) { createRegion(input: $i) { code } }`,
      { i: { code: c, name: `地区${c}`, level: level[c.length] } },
      admin,
    );
    done.add(c);
  }
}

/**
 * A region with a congress (term from 2024), session 1 sitting 2026-06-14 to 06-16 (the test clock's
 * default date, 2026-06-15, falls in it: V-6), `deputies` ACTIVE
 * deputies and a government unit, all created through the owners' GraphQL APIs.
 */
export async function createTownship(stack: TestStack, code: string, deputies: number): Promise<Township> {
  const admin = await tokens.admin();
  const dep = stack.services.deputies!.subgraph;
  await ensureRegion(stack, code, admin);
  const congress = await ok(
    dep,
    `mutation($i: CreateCongressInput!) { createCongress(input: $i) { id } }`,
    { i: { regionCode: code, termNumber: 7, name: `${code}第七届人民代表大会`, startsOn: '2024-01-01' } },
    admin,
  );
  const congressId = congress.createCongress.id as string;
  const session = await ok(
    dep,
    `mutation($i: CreateSessionInput!) { createSession(input: $i) { id } }`,
    { i: { congressId, number: 1, opensOn: '2026-06-14', closesOn: '2026-06-16' } },
    admin,
  );
  const deputyIds: string[] = [];
  for (let n = 1; n <= deputies; n++) {
    const d = await ok(
      dep,
      `mutation($i: CreateDeputyInput!) { createDeputy(input: $i) { id } }`,
      {
        i: {
          congressId,
          regionCode: code,
          name: `代表${n}`,
          gender: n % 2 ? 'MALE' : 'FEMALE',
          workUnit: '村委会',
          position: '主任',
          constituency: `第${n}选区`,
        },
      },
      admin,
    );
    deputyIds.push(d.createDeputy.id as string);
  }
  const unit = await ok(
    stack.services.supervision!.subgraph,
    `mutation($i: CreateUnitInput!) { createUnit(input: $i) { id } }`,
    { i: { regionCode: code, name: `${code}人民政府`, kind: 'GOVERNMENT' } },
    admin,
  );
  return {
    code,
    congressId,
    sessionId: session.createSession.id as string,
    deputyIds,
    unitId: unit.createUnit.id as string,
  };
}

export const PROGRAM = `id stage seats openSeats level year title
  candidates { id title status rank budget }
  projects { id title rank status }
  ballots { id status }`;

export const BALLOT = `id status rollSize ballotsCast seats runOff hasVoted closedAt
  candidates { id }
  results { candidate { id } votesFor votesAgainst abstentions passed elected }
  tiedForLastSeat { id }
  program { id stage }`;

/** Drives a program through solicitation and screening to a candidate list; returns the ids. */
export async function programWithCandidates(
  sg: Subgraph,
  town: Township,
  staff: string,
  options: { seats: number; candidates: number; title?: string },
): Promise<{ programId: string; candidateIds: string[] }> {
  const created = await ok(
    sg,
    `mutation($i: CreateProgramInput!) { createProgram(input: $i) { id } }`,
    {
      i: {
        regionCode: town.code,
        level: 'TOWNSHIP',
        year: 2026,
        sessionId: town.sessionId,
        title: options.title ?? '2026年民生实事项目',
        seats: options.seats,
      },
    },
    staff,
  );
  const programId = created.createProgram.id as string;
  await ok(sg, `mutation($id: ID!) { closeSolicitation(programId: $id) { stage } }`, { id: programId }, staff);
  const candidates = Array.from({ length: options.candidates }, (_, i) => ({
    title: `候选项目${i + 1}`,
    description: '说明',
    budget: `${(i + 1) * 100000}.00`,
    leadUnitId: town.unitId,
  }));
  const set = await ok(
    sg,
    `mutation($id: ID!, $c: [CandidateInput!]!) { setCandidates(programId: $id, candidates: $c) { candidates { id } } }`,
    { id: programId, c: candidates },
    staff,
  );
  return { programId, candidateIds: (set.setCandidates.candidates as { id: string }[]).map((c) => c.id) };
}

export async function openBallot(
  sg: Subgraph,
  programId: string,
  roll: string[],
  staff: string,
  candidateIds?: string[],
): Promise<string> {
  const data = await ok(
    sg,
    `mutation($p: ID!, $r: [ID!]!, $c: [ID!]) { openBallot(programId: $p, rollDeputyIds: $r, candidateIds: $c) { id } }`,
    { p: programId, r: roll, c: candidateIds ?? null },
    staff,
  );
  return data.openBallot.id as string;
}

export type Choice = 'FOR' | 'AGAINST' | 'ABSTAIN';

export const CAST = `mutation($b: ID!, $c: [BallotChoiceInput!]!) { castBallot(ballotId: $b, choices: $c) { id ballotsCast hasVoted results { votesFor } } }`;

export async function cast(
  sg: Subgraph,
  town: Township,
  deputyId: string,
  ballotId: string,
  choices: [string, Choice][],
) {
  const token = await tokens.deputy(town.code, deputyId);
  return sg.execute(CAST, { b: ballotId, c: choices.map(([candidateId, choice]) => ({ candidateId, choice })) }, token);
}

export async function closeBallot(sg: Subgraph, ballotId: string, staff: string) {
  const data = await ok(sg, `mutation($b: ID!) { closeBallot(ballotId: $b) { ${BALLOT} } }`, { b: ballotId }, staff);
  return data.closeBallot;
}
