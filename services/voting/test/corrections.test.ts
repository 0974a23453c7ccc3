import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestStack } from '@renda/testing/services';
import { fails, ok } from '@renda/testing/graphql';
import { tokens } from '@renda/testing/tokens';
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

// 更正 corrections with a trail (issue 9): a clerk's typo can be corrected or withdrawn by the owner role, with an
// optimistic version and an audit entry; frozen records refuse with the reason.
let stack: TestStack;
let sg: Subgraph;
let town: Township;
let staff: string;
let otherStaff: string;

const CREATE = `mutation($i: CreateProgramInput!) { createProgram(input: $i) { id version title } }`;
const PROGRAM = `query($id: ID!) { program(id: $id) { id version title seats proposals { id version title } } }`;
const CORRECT_PROGRAM = `mutation($id: ID!, $v: Int!, $i: CorrectProgramInput!, $r: String!) { correctProgram(id: $id, version: $v, input: $i, reason: $r) { id version title seats } }`;
const PROPOSE = `mutation($p: ID!, $i: ProposeProjectInput!) { proposeProject(programId: $p, input: $i) { id version } }`;
const CORRECT_PROPOSAL = `mutation($id: ID!, $v: Int!, $i: CorrectProposalInput!, $r: String!) { correctProposal(id: $id, version: $v, input: $i, reason: $r) { id version title } }`;
const WITHDRAW_PROPOSAL = `mutation($id: ID!, $v: Int!, $r: String!) { withdrawProposal(id: $id, version: $v, reason: $r) { id version } }`;
const REPORT = `mutation($p: ID!, $i: ProgressInput!) { reportProgress(projectId: $p, input: $i) { id progress { id version percentComplete } } }`;
const PROJECT = `query($id: ID!) { project(id: $id) { id status percentComplete progress { id version reportedOn percentComplete } } }`;
const CORRECT_REPORT = `mutation($id: ID!, $v: Int!, $i: CorrectProgressInput!, $r: String!) { correctProgressReport(id: $id, version: $v, input: $i, reason: $r) { id status percentComplete progress { id version reportedOn percentComplete } } }`;
const WITHDRAW_REPORT = `mutation($id: ID!, $v: Int!, $r: String!) { withdrawProgressReport(id: $id, version: $v, reason: $r) { id status percentComplete progress { id percentComplete } } }`;
const AUDIT = `query($code: String!, $e: String, $id: ID) { votingAuditLog(regionCode: $code, entity: $e, entityId: $id) { totalCount edges { node { entity entityId action version reason actor { id role } changes { field from to } } } } }`;
const STATS = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Region { votingStats(year: 2026) { projectsCompleted } } } }`;

async function newProgram(title = '2026年民生实事项目'): Promise<string> {
  const created = await ok(
    sg,
    CREATE,
    { i: { regionCode: town.code, level: 'TOWNSHIP', year: 2026, sessionId: town.sessionId, title, seats: 2 } },
    staff,
  );
  return created.createProgram.id as string;
}

async function completedCount(): Promise<number> {
  const r = await ok(sg, STATS, { r: [{ __typename: 'Region', code: town.code }] }, staff);
  return r._entities[0].votingStats.projectsCompleted as number;
}

beforeAll(async () => {
  stack = await startStack();
  sg = stack.services.voting!.subgraph;
  town = await createTownship(stack, '430181104', 6);
  await createTownship(stack, '430181105', 1);
  staff = await tokens.staff('430181104');
  otherStaff = await tokens.staff('430181105');
});
afterAll(() => stack?.stop());

describe('corrections of voting records', () => {
  it('a program corrected before voting: one audit entry (who, what, why); stale version CONFLICT, no reason BAD_USER_INPUT, another region FORBIDDEN, each changing nothing', async () => {
    const id = await newProgram('2026年民生实事向目');
    const corrected = await ok(
      sg,
      CORRECT_PROGRAM,
      { id, v: 1, i: { title: '2026年民生实事项目' }, r: '标题错字' },
      staff,
    );
    expect(corrected.correctProgram).toMatchObject({ version: 2, title: '2026年民生实事项目', seats: 2 });

    await fails(sg, 'CONFLICT', CORRECT_PROGRAM, { id, v: 1, i: { seats: 3 }, r: '席位数' }, staff);
    await fails(sg, 'BAD_USER_INPUT', CORRECT_PROGRAM, { id, v: 2, i: { seats: 3 }, r: ' ' }, staff, 'reason');
    await fails(sg, 'FORBIDDEN', CORRECT_PROGRAM, { id, v: 2, i: { seats: 3 }, r: '席位数' }, otherStaff);
    const after = await ok(sg, PROGRAM, { id }, staff);
    expect(after.program).toMatchObject({ version: 2, seats: 2, title: '2026年民生实事项目' });

    const log = await ok(sg, AUDIT, { code: '430181', id }, await tokens.staff('430181'));
    expect(log.votingAuditLog.totalCount).toBe(1);
    expect(log.votingAuditLog.edges[0].node).toEqual({
      entity: 'LivelihoodProgram',
      entityId: id,
      action: 'CORRECT',
      version: 2,
      reason: '标题错字',
      actor: { id: 'staff-430181104', role: 'STAFF' },
      changes: [{ field: 'title', from: '2026年民生实事向目', to: '2026年民生实事项目' }],
    });
    await fails(sg, 'FORBIDDEN', AUDIT, { code: town.code }, await tokens.deputy(town.code, town.deputyIds[0]!));
  });

  it('a program is frozen once voting opens: the refusal says why', async () => {
    const { programId } = await programWithCandidates(sg, town, staff, { seats: 1, candidates: 2, title: '已票决' });
    await openBallot(sg, programId, town.deputyIds.slice(0, 3), staff);
    const before = await ok(sg, PROGRAM, { id: programId }, staff);
    const error = await fails(
      sg,
      'CONFLICT',
      CORRECT_PROGRAM,
      { id: programId, v: before.program.version, i: { title: '改名' }, r: '改名' },
      staff,
    );
    expect(error.message).toContain('before voting opens');
    expect((await ok(sg, PROGRAM, { id: programId }, staff)).program.title).toBe('已票决');
  });

  it('a withdrawn proposal leaves the program’s proposals and cannot become a candidate; a correction changes it', async () => {
    const id = await newProgram('征集');
    const proposals: string[] = [];
    for (const title of ['修路', '修桥'])
      proposals.push(
        (await ok(sg, PROPOSE, { p: id, i: { title, description: '说明', proposer: '村民' } }, staff)).proposeProject
          .id,
      );
    expect((await ok(sg, PROGRAM, { id }, staff)).program.proposals).toHaveLength(2);

    const fixed = await ok(sg, CORRECT_PROPOSAL, { id: proposals[0], v: 1, i: { title: '修村道' }, r: '笔误' }, staff);
    expect(fixed.correctProposal).toMatchObject({ version: 2, title: '修村道' });
    await fails(sg, 'FORBIDDEN', WITHDRAW_PROPOSAL, { id: proposals[1], v: 1, r: '重复提交' }, otherStaff);
    await ok(sg, WITHDRAW_PROPOSAL, { id: proposals[1], v: 1, r: '重复提交' }, staff);
    const after = (await ok(sg, PROGRAM, { id }, staff)).program;
    expect(after.proposals.map((p: { id: string }) => p.id)).toEqual([proposals[0]]);

    await ok(sg, `mutation($id: ID!) { closeSolicitation(programId: $id) { stage } }`, { id }, staff);
    const candidate = (proposalId: string | null, n: number) => ({
      title: `候选${n}`,
      description: '说明',
      budget: '100000.00',
      leadUnitId: town.unitId,
      proposalId,
    });
    await fails(
      sg,
      'BAD_USER_INPUT',
      `mutation($p: ID!, $c: [CandidateInput!]!) { setCandidates(programId: $p, candidates: $c) { id } }`,
      {
        p: id,
        c: [candidate(proposals[0]!, 1), candidate(proposals[1]!, 2), candidate(null, 3)],
      },
      staff,
      'candidates[1].proposalId',
    );
    const log = await ok(sg, AUDIT, { code: town.code, e: 'ProjectProposal' }, staff);
    // The test clock stands still: both entries share one time, so compare them as a set.
    expect(log.votingAuditLog.edges.map((e: { node: { action: string } }) => e.node.action).sort()).toEqual([
      'CORRECT',
      'WITHDRAW',
    ]);
  });

  it('V-4: a mistyped progress report is corrected and one entered by mistake withdrawn; the project and the completed figure follow', async () => {
    const { programId, candidateIds } = await programWithCandidates(sg, town, staff, {
      seats: 1,
      candidates: 2,
      title: '实施',
    });
    const roll = town.deputyIds.slice(0, 3);
    const ballotId = await openBallot(sg, programId, roll, staff);
    for (const d of roll)
      expect((await cast(sg, town, d, ballotId, [[candidateIds[0]!, 'FOR']])).errors).toBeUndefined();
    await closeBallot(sg, ballotId, staff);
    const projectId = candidateIds[0]!;
    const completedBefore = await completedCount();

    await ok(
      sg,
      REPORT,
      { p: projectId, i: { reportedOn: '2026-05-01', percentComplete: 40, spent: '1000', note: '开工' } },
      staff,
    );
    const second = await ok(
      sg,
      REPORT,
      { p: projectId, i: { reportedOn: '2026-06-01', percentComplete: 100, spent: '2000', note: '完工' } },
      staff,
    );
    expect(await completedCount()).toBe(completedBefore + 1);
    const [first, mistaken] = second.reportProgress.progress as { id: string; version: number }[];

    // 40 typed for 30: corrected; completion going down across reports is refused and changes nothing.
    const fixed = await ok(
      sg,
      CORRECT_REPORT,
      { id: first!.id, v: 1, i: { percentComplete: 30 }, r: '百分比录错' },
      staff,
    );
    expect(fixed.correctProgressReport.progress[0]).toMatchObject({ version: 2, percentComplete: 30 });
    await fails(sg, 'CONFLICT', CORRECT_REPORT, { id: first!.id, v: 1, i: { percentComplete: 20 }, r: '再改' }, staff);
    await fails(
      sg,
      'BAD_USER_INPUT',
      CORRECT_REPORT,
      { id: mistaken!.id, v: 1, i: { percentComplete: 10 }, r: '录错' },
      staff,
    );
    expect((await ok(sg, PROJECT, { id: projectId }, staff)).project).toMatchObject({
      status: 'COMPLETED',
      percentComplete: 100,
    });

    const withdrawn = await ok(sg, WITHDRAW_REPORT, { id: mistaken!.id, v: 1, r: '误录：尚未完工' }, staff);
    expect(withdrawn.withdrawProgressReport).toMatchObject({
      status: 'IN_PROGRESS',
      percentComplete: 30,
      progress: [{ id: first!.id, percentComplete: 30 }],
    });
    expect(await completedCount()).toBe(completedBefore);
    const log = await ok(sg, AUDIT, { code: town.code, e: 'ProgressReport' }, staff);
    expect(log.votingAuditLog.totalCount).toBe(2);
  });
});
