import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestStack } from '@renda/testing/services';
import { fails, ok } from '@renda/testing/graphql';
import { tokens } from '@renda/testing/tokens';
import { createTownship, startStack, type Subgraph, type Township } from './support/world.ts';

/** V-7: raters of a satisfaction round — deputies, committee members, supervision groups — at a later session. */
let stack: TestStack;
let sg: Subgraph;
let county: Township;
let staff: string;
let nextSessionId: string;
let memberIds: string[];
let programId: string;
let projectId: string;

const OPEN_EVAL = `mutation($p: ID!, $r: [ID!]!, $g: [RaterGroup!], $m: [ID!], $s: ID) {
  openEvaluation(programId: $p, rollDeputyIds: $r, raters: $g, committeeMemberIds: $m, sessionId: $s) {
    id status rollSize raters session { id } rollSizes { raters rollSize } } }`;
const RATE = `mutation($r: ID!, $x: [ProjectRatingInput!]!) {
  rateProjects(roundId: $r, ratings: $x) { responses hasResponded } }`;
const READ_PROGRAM = `query($id: ID!) { program(id: $id) { stage evaluations { id status responses }
  projects { id satisfaction { satisfied basicallySatisfied dissatisfied } } } }`;

beforeAll(async () => {
  stack = await startStack();
  sg = stack.services.voting!.subgraph;
  county = await createTownship(stack, '430181', 7);
  staff = await tokens.staff('430181');
  const admin = await tokens.admin();
  const dep = stack.services.deputies!.subgraph;
  const session = await ok(
    dep,
    `mutation($i: CreateSessionInput!) { createSession(input: $i) { id } }`,
    {
      i: { congressId: county.congressId, number: 2, opensOn: '2027-01-15', closesOn: '2027-01-17' },
    },
    admin,
  );
  nextSessionId = session.createSession.id;
  memberIds = [];
  for (const name of ['委员甲', '委员乙', '委员丙']) {
    const m = await ok(
      dep,
      `mutation($i: CreateCommitteeMemberInput!) { createCommitteeMember(input: $i) { id } }`,
      {
        i: { congressId: county.congressId, name, role: 'MEMBER', fullTime: false },
      },
      admin,
    );
    memberIds.push(m.createCommitteeMember.id);
  }
  // A county program voted in the room: one seat, project A elected.
  const created = await ok(
    sg,
    `mutation($i: CreateProgramInput!) { createProgram(input: $i) { id } }`,
    {
      i: {
        regionCode: county.code,
        level: 'COUNTY',
        year: 2026,
        sessionId: county.sessionId,
        title: '县级民生实事',
        seats: 1,
      },
    },
    staff,
  );
  programId = created.createProgram.id;
  await ok(sg, `mutation($id: ID!) { closeSolicitation(programId: $id) { stage } }`, { id: programId }, staff);
  const candidates = ['A', 'B'].map((t) => ({
    title: t,
    description: '说明',
    budget: '100000.00',
    leadUnitId: county.unitId,
  }));
  const set = await ok(
    sg,
    `mutation($id: ID!, $c: [CandidateInput!]!) { setCandidates(programId: $id, candidates: $c) {
    candidates { id } } }`,
    { id: programId, c: candidates },
    staff,
  );
  const [a, b] = set.setCandidates.candidates.map((c: { id: string }) => c.id);
  projectId = a;
  const ballot = await ok(
    sg,
    `mutation($p: ID!, $r: [ID!]!) { openBallot(programId: $p, rollDeputyIds: $r, method: PAPER) { id } }`,
    {
      p: programId,
      r: county.deputyIds,
    },
    staff,
  );
  const ballotId = ballot.openBallot.id;
  const entered = await ok(
    sg,
    `mutation($b: ID!, $t: RoomTallyInput!) { enterRoomTally(ballotId: $b, tally: $t) { roomTally { id } } }`,
    {
      b: ballotId,
      t: {
        ballotsIssued: 7,
        ballotsReturned: 7,
        ballotsVoid: 0,
        counts: [
          { candidateId: a, votesFor: 6, votesAgainst: 1, abstentions: 0 },
          { candidateId: b, votesFor: 1, votesAgainst: 5, abstentions: 1 },
        ],
      },
    },
    await tokens.staff('430181'),
  );
  const second = await tokens.admin();
  await ok(
    sg,
    `mutation($b: ID!, $t: ID!) { confirmRoomTally(ballotId: $b, tallyId: $t) { id } }`,
    { b: ballotId, t: entered.enterRoomTally.roomTally.id },
    second,
  );
  await ok(sg, `mutation($b: ID!) { closeBallot(ballotId: $b) { status } }`, { b: ballotId }, staff);
  // The supervision group of project A: the last two deputies.
  await ok(
    sg,
    `mutation($p: ID!, $d: [ID!]!) { assignSupervisors(projectId: $p, deputyIds: $d) { id } }`,
    {
      p: a,
      d: county.deputyIds.slice(4, 6),
    },
    staff,
  );
});
afterAll(() => stack?.stop());

describe('V-7 raters of a satisfaction round', () => {
  it('V-7: bad rater settings are BAD_USER_INPUT naming the field and open nothing', async () => {
    const roll = county.deputyIds.slice(0, 6);
    const bad: [Record<string, unknown>, string][] = [
      [{ r: roll, g: ['DEPUTIES', 'COMMITTEE_MEMBERS'], m: [] }, 'committeeMemberIds'],
      [{ r: roll, g: ['DEPUTIES'], m: [memberIds[0]] }, 'committeeMemberIds'],
      [{ r: roll, g: ['DEPUTIES', 'COMMITTEE_MEMBERS'], m: [county.deputyIds[0]] }, 'committeeMemberIds[0]'],
      [{ r: roll, g: ['DEPUTIES', 'COMMITTEE_MEMBERS'], m: [memberIds[0], memberIds[0]] }, 'committeeMemberIds[1]'],
      [{ r: roll, g: ['COMMITTEE_MEMBERS'], m: [memberIds[0]] }, 'rollDeputyIds'],
      [{ r: roll, g: [] }, 'raters'],
      [{ r: roll, g: ['DEPUTIES', 'DEPUTIES'] }, 'raters[1]'],
      // The session that voted is not a later one; a session of another congress is not this program's.
      [{ r: roll, s: county.sessionId }, 'sessionId'],
      [{ r: roll, s: '00000000-0000-4000-8000-000000000000' }, 'sessionId'],
    ];
    for (const [v, field] of bad) await fails(sg, 'BAD_USER_INPUT', OPEN_EVAL, { p: programId, ...v }, staff, field);
    const other = await createTownship(stack, '430181106', 1);
    await fails(sg, 'BAD_USER_INPUT', OPEN_EVAL, { p: programId, r: roll, s: other.sessionId }, staff, 'sessionId');
    expect((await ok(sg, READ_PROGRAM, { id: programId })).program).toMatchObject({
      stage: 'IMPLEMENTING',
      evaluations: [],
    });
  });

  it(
    'V-7: deputies, committee members and the supervision group rate at the next session; each group has ' +
      'its own tally, the total sums them; others are FORBIDDEN',
    async () => {
      const roll = county.deputyIds.slice(0, 6);
      const opened = (
        await ok(
          sg,
          OPEN_EVAL,
          {
            p: programId,
            r: roll,
            g: ['SUPERVISION_GROUP', 'DEPUTIES', 'COMMITTEE_MEMBERS'],
            m: memberIds.slice(0, 2),
            s: nextSessionId,
          },
          staff,
        )
      ).openEvaluation;
      expect(opened).toMatchObject({
        status: 'OPEN',
        rollSize: 8,
        raters: ['DEPUTIES', 'COMMITTEE_MEMBERS', 'SUPERVISION_GROUP'],
        session: { id: nextSessionId },
        // Deputies 5 and 6 sit in the supervision group and rate there (once), not among the deputies.
        rollSizes: [
          { raters: 'DEPUTIES', rollSize: 4 },
          { raters: 'COMMITTEE_MEMBERS', rollSize: 2 },
          { raters: 'SUPERVISION_GROUP', rollSize: 2 },
        ],
      });
      const form = (rating: string) => [{ projectId, rating }];
      const deputy = (n: number) => tokens.deputy(county.code, county.deputyIds[n]!);
      const member = (n: number) => tokens.member(county.code, memberIds[n]!);
      const forms: [Promise<string>, string][] = [
        [deputy(0), 'SATISFIED'],
        [deputy(1), 'SATISFIED'],
        [deputy(2), 'DISSATISFIED'],
        [deputy(4), 'BASICALLY_SATISFIED'],
        [deputy(5), 'SATISFIED'],
        [member(0), 'DISSATISFIED'],
        [member(1), 'SATISFIED'],
      ];
      for (const [i, [token, rating]] of forms.entries()) {
        expect((await ok(sg, RATE, { r: opened.id, x: form(rating) }, await token)).rateProjects).toEqual({
          responses: i + 1,
          hasResponded: true,
        });
      }
      // Not among the raters: a member not on the roll, a deputy not on the roll, an analyst; twice is CONFLICT.
      await fails(sg, 'FORBIDDEN', RATE, { r: opened.id, x: form('SATISFIED') }, await member(2));
      await fails(sg, 'FORBIDDEN', RATE, { r: opened.id, x: form('SATISFIED') }, await deputy(6));
      await fails(sg, 'FORBIDDEN', RATE, { r: opened.id, x: form('SATISFIED') }, await tokens.analyst(county.code));
      await fails(sg, 'CONFLICT', RATE, { r: opened.id, x: form('DISSATISFIED') }, await member(0));
      await fails(sg, 'CONFLICT', RATE, { r: opened.id, x: form('DISSATISFIED') }, await deputy(5));
      const read = `query($id: ID!) { evaluationRound(id: $id) { responses hasResponded
      groupResults { project { id } raters tally { satisfied basicallySatisfied dissatisfied } } } }`;
      expect((await ok(sg, read, { id: opened.id }, await member(0))).evaluationRound).toEqual({
        responses: 7,
        hasResponded: true,
        groupResults: null,
      });
      expect((await ok(sg, read, { id: opened.id }, await member(2))).evaluationRound.hasResponded).toBe(false);
      await ok(sg, `mutation($r: ID!) { closeEvaluation(roundId: $r) { status } }`, { r: opened.id }, staff);
      const closed = (await ok(sg, read, { id: opened.id })).evaluationRound;
      expect(closed.groupResults).toEqual([
        {
          project: { id: projectId },
          raters: 'DEPUTIES',
          tally: { satisfied: 2, basicallySatisfied: 0, dissatisfied: 1 },
        },
        {
          project: { id: projectId },
          raters: 'COMMITTEE_MEMBERS',
          tally: { satisfied: 1, basicallySatisfied: 0, dissatisfied: 1 },
        },
        {
          project: { id: projectId },
          raters: 'SUPERVISION_GROUP',
          tally: { satisfied: 1, basicallySatisfied: 1, dissatisfied: 0 },
        },
      ]);
      const program = (await ok(sg, READ_PROGRAM, { id: programId })).program;
      expect(program.stage).toBe('CLOSED');
      expect(program.projects).toEqual([
        { id: projectId, satisfaction: { satisfied: 4, basicallySatisfied: 1, dissatisfied: 2 } },
      ]);
      // Every group's counter table went with the close.
      const left = await stack.services
        .voting!.orm.em.fork()
        .getConnection()
        .execute(`select relname from pg_class where relname like ?`, [
          `evaluation_counts_${opened.id.replace(/-/g, '')}%`,
        ]);
      expect(left).toEqual([]);
    },
  );
});
