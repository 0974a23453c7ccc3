import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fails, ok } from '@renda/testing/graphql';
import type { TestStack } from '@renda/testing/services';
import { handlerToken, makeTokens, makeUnits, registerCommittee, startStack } from './support.ts';
import type { Executor, Tokens, Units } from './support.ts';

let stack: TestStack;
let sg: Executor;
let deputies: Executor;
let t: Tokens;
let u: Units;

beforeAll(async () => {
  ({ stack, sg, deputies } = await startStack());
  t = await makeTokens();
  u = await makeUnits(sg, t.admin);
  // G-6: Liuyang's standing committee has 35 members, the other county's 34 (deputies subgraph).
  await registerCommittee(deputies, t.admin, '430181', 35);
  await registerCommittee(deputies, t.admin, '430602', 34);
});
afterAll(() => stack?.stop());

const M =
  'id kind status nomineeName position submittedOn examScore statement votesFor votesAgainst abstentions membersTotal votedOn swornInOn unit { id name } official { id name position status appointedOn swornInOn removedOn }';
const SUBMIT = `mutation($input: SubmitMotionInput!) { submitMotion(input: $input) { ${M} } }`;
const EXAM = `mutation($id: ID!, $score: Float!, $statement: String) { recordExam(motionId: $id, score: $score, statement: $statement) { ${M} } }`;
const VOTE = `mutation($id: ID!, $input: VoteTallyInput!) { recordMotionVote(motionId: $id, input: $input) { ${M} } }`;
const OATH = `mutation($id: ID!, $on: Date!) { recordOath(motionId: $id, on: $on) { ${M} } }`;
const MOTION = `query($id: ID!) { motion(id: $id) { ${M} } }`;

let seq = 0;
async function submit(extra: Record<string, unknown> = {}, unitId = u.transport): Promise<any> {
  seq += 1;
  const input = {
    kind: 'APPOINT',
    nomineeName: `候选人${seq}`,
    position: `副局长${seq}`,
    unitId,
    submittedBy: '浏阳市人民政府',
    submittedOn: '2026-06-01',
    ...extra,
  };
  return (await ok(sg, SUBMIT, { input }, t.staff)).submitMotion;
}
const exam = async (id: string, score: number) =>
  (await ok(sg, EXAM, { id, score, statement: '供职发言' }, t.staff)).recordExam;
const vote = async (id: string, votesFor: number, votesAgainst = 0, abstentions = 0, membersTotal = 35) =>
  (
    await ok(
      sg,
      VOTE,
      { id, input: { votesFor, votesAgainst, abstentions, membersTotal, votedOn: '2026-06-10' } },
      t.staff,
    )
  ).recordMotionVote;
const oath = async (id: string, on = '2026-06-12') => (await ok(sg, OATH, { id, on }, t.staff)).recordOath;

/** A motion brought to `status` through the mutations. */
async function motionIn(status: string): Promise<any> {
  const m = await submit();
  if (status === 'SUBMITTED') return m;
  if (status === 'EXAM_FAILED') return exam(m.id, 40);
  await exam(m.id, 80);
  if (status === 'EXAM_PASSED') return (await ok(sg, MOTION, { id: m.id }, t.staff)).motion;
  if (status === 'REJECTED') return vote(m.id, 10, 20);
  const approved = await vote(m.id, 30);
  if (status === 'APPROVED') return approved;
  return oath(m.id);
}

async function removeMotion(officialId: string, unitId = u.transport): Promise<any> {
  return submit({ kind: 'REMOVE', officialId }, unitId);
}

describe('units (一府一委两院) and their access', () => {
  it('the public reads units, their region, parent, officials and Region.units; units(regionCode) covers the subtree', async () => {
    const data = await ok(
      sg,
      `query($id: ID!) { unit(id: $id) { id name kind region { code } parent { id name } officials { id } } }`,
      { id: u.transport },
    );
    expect(data.unit).toMatchObject({
      name: '浏阳市交通运输局',
      kind: 'GOVERNMENT_DEPARTMENT',
      region: { code: '430181' },
      parent: { id: u.government, name: '浏阳市人民政府' },
    });
    const subtree = await ok(sg, '{ units(regionCode: "430181") { name region { code } } }');
    expect(subtree.units.map((x: any) => x.name)).toEqual(expect.arrayContaining(['浏阳市人民政府', '永安镇人民政府']));
    expect(subtree.units.map((x: any) => x.name)).not.toContain('岳阳楼区人民政府');
    const courts = await ok(sg, '{ units(regionCode: "430181", kind: COURT) { name } }');
    expect(courts.units).toEqual([{ name: '浏阳市人民法院' }]);
    const region = await ok(
      sg,
      '{ _entities(representations: [{ __typename: "Region", code: "430181104" }]) { ... on Region { code units { name } } } }',
    );
    expect(region._entities[0]).toEqual({ code: '430181104', units: [{ name: '永安镇人民政府' }] });
  });

  it('creating units is for staff of the region; bad input names its field and changes nothing', async () => {
    const CREATE = 'mutation($input: CreateUnitInput!) { createUnit(input: $input) { id } }';
    const input = { regionCode: '430181', name: '浏阳市人民检察院', kind: 'PROCURATORATE' };
    await fails(sg, 'UNAUTHENTICATED', CREATE, { input });
    await fails(sg, 'FORBIDDEN', CREATE, { input }, t.analyst);
    await fails(sg, 'FORBIDDEN', CREATE, { input }, t.staffOther);
    await fails(sg, 'FORBIDDEN', CREATE, { input }, await handlerToken(u.transport));
    await fails(
      sg,
      'BAD_USER_INPUT',
      CREATE,
      { input: { ...input, regionCode: '43018' } },
      t.staff,
      'input.regionCode',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      CREATE,
      { input: { ...input, parentId: u.otherCounty } },
      t.staff,
      'input.parentId',
    );
    await fails(sg, 'BAD_USER_INPUT', CREATE, { input: { ...input, parentId: 'nope' } }, t.staff, 'input.parentId');
    await fails(sg, 'CONFLICT', CREATE, { input: { ...input, name: '浏阳市人民法院' } }, t.staff);
    const after = await ok(sg, '{ units(regionCode: "430181", kind: PROCURATORATE) { id } }');
    expect(after.units).toEqual([]);
    const created = await ok(
      sg,
      CREATE,
      { input: { regionCode: '430181104', name: '永安镇财政所', kind: 'OTHER', parentId: u.township } },
      t.staffTownship,
    );
    expect(created.createUnit.id).toBeTruthy();
  });
});

describe('G-6 appointment motions: exam, vote, oath', () => {
  it('G-6: an APPOINT motion goes SUBMITTED → EXAM_PASSED (60 passes) → APPROVED (official APPOINTED) → SWORN_IN (official IN_OFFICE)', async () => {
    const m = await submit();
    expect(m).toMatchObject({ status: 'SUBMITTED', kind: 'APPOINT', official: null });
    const examined = await exam(m.id, 60);
    expect(examined).toMatchObject({ status: 'EXAM_PASSED', examScore: 60, statement: '供职发言' });
    const voted = await vote(m.id, 18, 10, 5);
    expect(voted).toMatchObject({
      status: 'APPROVED',
      votesFor: 18,
      votesAgainst: 10,
      abstentions: 5,
      membersTotal: 35,
      votedOn: '2026-06-10',
    });
    expect(voted.official).toMatchObject({
      name: m.nomineeName,
      position: m.position,
      status: 'APPOINTED',
      appointedOn: '2026-06-10',
      swornInOn: null,
    });
    const sworn = await oath(m.id, '2026-06-12');
    expect(sworn).toMatchObject({ status: 'SWORN_IN', swornInOn: '2026-06-12' });
    expect(sworn.official).toMatchObject({ status: 'IN_OFFICE', swornInOn: '2026-06-12' });
    const unit = await ok(sg, `query($id: ID!) { unit(id: $id) { officials { id status } } }`, { id: u.transport });
    expect(unit.unit.officials).toContainEqual({ id: sworn.official.id, status: 'IN_OFFICE' });
  });

  it('G-6: a score below 60 fails the exam and blocks the motion (no vote, no oath, no retake)', async () => {
    const m = await submit();
    expect(await exam(m.id, 59.5)).toMatchObject({ status: 'EXAM_FAILED', examScore: 59.5 });
    await fails(
      sg,
      'CONFLICT',
      VOTE,
      { id: m.id, input: { votesFor: 30, votesAgainst: 0, abstentions: 0, membersTotal: 35 } },
      t.staff,
    );
    await fails(sg, 'CONFLICT', EXAM, { id: m.id, score: 90 }, t.staff);
    await fails(sg, 'CONFLICT', OATH, { id: m.id, on: '2026-06-12' }, t.staff);
    expect((await ok(sg, MOTION, { id: m.id }, t.staff)).motion).toMatchObject({
      status: 'EXAM_FAILED',
      votesFor: null,
      official: null,
    });
  });

  it('G-6: an APPOINT motion is voted only after a passed exam (CONFLICT before it)', async () => {
    const m = await submit();
    const e = await fails(
      sg,
      'CONFLICT',
      VOTE,
      { id: m.id, input: { votesFor: 30, votesAgainst: 0, abstentions: 0, membersTotal: 35 } },
      t.staff,
    );
    expect(e.message).toMatch(/exam/);
    expect((await ok(sg, MOTION, { id: m.id }, t.staff)).motion.status).toBe('SUBMITTED');
  });

  it('G-6 (law): approval needs FOR from more than half of ALL members, not of those voting', async () => {
    const a = await motionIn('EXAM_PASSED');
    expect((await vote(a.id, 17, 0, 0, 35)).status).toBe('REJECTED'); // 17 of 35 members, though nobody voted against
    // Exactly half is not more than half: 17 of the other county's 34 members.
    const input = {
      kind: 'APPOINT',
      nomineeName: '候选人乙',
      position: '副区长',
      unitId: u.otherCounty,
      submittedBy: '区政府',
      submittedOn: '2026-06-01',
    };
    const b = (await ok(sg, SUBMIT, { input }, t.staffOther)).submitMotion;
    await ok(sg, EXAM, { id: b.id, score: 80 }, t.staffOther);
    const half = { votesFor: 17, votesAgainst: 0, abstentions: 0, membersTotal: 34, votedOn: '2026-06-10' };
    expect((await ok(sg, VOTE, { id: b.id, input: half }, t.staffOther)).recordMotionVote.status).toBe('REJECTED');
    const c = await motionIn('EXAM_PASSED');
    const approved = await vote(c.id, 18, 17, 0, 35);
    expect(approved.status).toBe('APPROVED');
    expect(approved.official.status).toBe('APPOINTED');
  });

  it(
    'G-6: membersTotal is the standing committee the deputies service knows for the vote day; otherwise ' +
      'BAD_USER_INPUT and nothing changes',
    async () => {
      const m = await motionIn('EXAM_PASSED');
      // 35 registered: 34 or 36 is refused, also when the votes would fit.
      for (const membersTotal of [34, 36]) {
        const input = { votesFor: 20, votesAgainst: 0, abstentions: 0, membersTotal, votedOn: '2026-06-10' };
        const e = await fails(sg, 'BAD_USER_INPUT', VOTE, { id: m.id, input }, t.staff, 'input.membersTotal');
        expect(e.message).toMatch(/35 members/);
      }
      // Before the congress's term began the deputies service knows no committee to count.
      const early = await submit({ submittedOn: '2021-06-01' });
      await exam(early.id, 80);
      const before = { votesFor: 20, votesAgainst: 0, abstentions: 0, membersTotal: 35, votedOn: '2021-06-10' };
      await fails(sg, 'BAD_USER_INPUT', VOTE, { id: early.id, input: before }, t.staff, 'input.membersTotal');
      for (const id of [m.id, early.id]) {
        const read = (await ok(sg, MOTION, { id }, t.staff)).motion;
        expect(read).toMatchObject({ status: 'EXAM_PASSED', votesFor: null, membersTotal: null, official: null });
      }
      // A member registered later counts from then on: in the other county (34 so far) 35 is now right, 34 is not.
      const input = {
        kind: 'APPOINT',
        nomineeName: '候选人丙',
        position: '副区长',
        unitId: u.otherCounty,
        submittedBy: '区政府',
        submittedOn: '2026-06-01',
      };
      const o = (await ok(sg, SUBMIT, { input }, t.staffOther)).submitMotion;
      await ok(sg, EXAM, { id: o.id, score: 80 }, t.staffOther);
      const q = '{ region(code: "430602") { currentCongress(on: "2026-06-10") { id } } }';
      const region = await ok(deputies, q, {}, t.admin);
      const member = { congressId: region.region.currentCongress.id, name: '新委员', role: 'MEMBER', fullTime: true };
      const create = 'mutation($i: CreateCommitteeMemberInput!) { createCommitteeMember(input: $i) { id } }';
      await ok(deputies, create, { i: member }, t.admin);
      const tally = (membersTotal: number) => ({
        votesFor: 18,
        votesAgainst: 0,
        abstentions: 0,
        membersTotal,
        votedOn: '2026-06-10',
      });
      await fails(sg, 'BAD_USER_INPUT', VOTE, { id: o.id, input: tally(34) }, t.staffOther, 'input.membersTotal');
      const voted = (await ok(sg, VOTE, { id: o.id, input: tally(35) }, t.staffOther)).recordMotionVote;
      expect(voted).toMatchObject({ status: 'APPROVED', membersTotal: 35 });
    },
  );

  it('G-6: for + against + abstentions may not exceed the members; bad tallies change nothing', async () => {
    const m = await motionIn('EXAM_PASSED');
    await fails(
      sg,
      'BAD_USER_INPUT',
      VOTE,
      { id: m.id, input: { votesFor: 20, votesAgainst: 10, abstentions: 6, membersTotal: 35 } },
      t.staff,
      'input.membersTotal',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      VOTE,
      { id: m.id, input: { votesFor: -1, votesAgainst: 0, abstentions: 0, membersTotal: 35 } },
      t.staff,
      'input.votesFor',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      VOTE,
      { id: m.id, input: { votesFor: 0, votesAgainst: 0, abstentions: 0, membersTotal: 0 } },
      t.staff,
      'input.membersTotal',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      VOTE,
      { id: m.id, input: { votesFor: 20, votesAgainst: 0, abstentions: 0, membersTotal: 35, votedOn: '2026-05-01' } },
      t.staff,
      'input.votedOn',
    );
    await fails(sg, 'BAD_USER_INPUT', EXAM, { id: m.id, score: 101 }, t.staff, 'score');
    expect((await ok(sg, MOTION, { id: m.id }, t.staff)).motion).toMatchObject({
      status: 'EXAM_PASSED',
      votesFor: null,
      membersTotal: null,
      official: null,
    });
  });

  it('G-6: absurd tallies (more members than any committee, Int max) and absurd dates are BAD_USER_INPUT and change nothing', async () => {
    const m = await motionIn('EXAM_PASSED');
    const max = 2147483647;
    await fails(
      sg,
      'BAD_USER_INPUT',
      VOTE,
      { id: m.id, input: { votesFor: max, votesAgainst: 0, abstentions: 0, membersTotal: max } },
      t.staff,
      'input.votesFor',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      VOTE,
      { id: m.id, input: { votesFor: 30, votesAgainst: 0, abstentions: 0, membersTotal: 1_000_000 } },
      t.staff,
      'input.membersTotal',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      VOTE,
      { id: m.id, input: { votesFor: 30, votesAgainst: 0, abstentions: 0, membersTotal: 35, votedOn: '0001-01-01' } },
      t.staff,
      'input.votedOn',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      SUBMIT,
      {
        input: {
          kind: 'APPOINT',
          nomineeName: '甲',
          position: '局长',
          unitId: u.transport,
          submittedBy: '浏阳市人民政府',
          submittedOn: '0050-06-01',
        },
      },
      t.staff,
      'input.submittedOn',
    );
    expect((await ok(sg, MOTION, { id: m.id }, t.staff)).motion).toMatchObject({
      status: 'EXAM_PASSED',
      votesFor: null,
      membersTotal: null,
      official: null,
    });
    const REVIEW =
      'mutation($id: ID!, $tally: SatisfactionTallyInput!) { recordPerformanceReview(officialId: $id, year: 2026, reportSummary: "述职", tally: $tally) { id } }';
    const approved = await motionIn('APPROVED');
    await fails(
      sg,
      'BAD_USER_INPUT',
      REVIEW,
      { id: approved.official.id, tally: { satisfied: max, basicallySatisfied: max, dissatisfied: 0 } },
      t.staff,
      'tally.satisfied',
    );
  });

  it('G-6: every transition the table refuses is CONFLICT', async () => {
    const refusedExam = ['EXAM_PASSED', 'EXAM_FAILED', 'APPROVED', 'REJECTED', 'SWORN_IN'];
    const refusedVote = ['SUBMITTED', 'EXAM_FAILED', 'APPROVED', 'REJECTED', 'SWORN_IN'];
    const refusedOath = ['SUBMITTED', 'EXAM_PASSED', 'EXAM_FAILED', 'REJECTED', 'SWORN_IN'];
    const byStatus: Record<string, any> = {};
    for (const s of ['SUBMITTED', 'EXAM_PASSED', 'EXAM_FAILED', 'APPROVED', 'REJECTED', 'SWORN_IN'])
      byStatus[s] = await motionIn(s);
    for (const s of refusedExam) await fails(sg, 'CONFLICT', EXAM, { id: byStatus[s].id, score: 90 }, t.staff);
    for (const s of refusedVote)
      await fails(
        sg,
        'CONFLICT',
        VOTE,
        { id: byStatus[s].id, input: { votesFor: 30, votesAgainst: 0, abstentions: 0, membersTotal: 35 } },
        t.staff,
      );
    for (const s of refusedOath) await fails(sg, 'CONFLICT', OATH, { id: byStatus[s].id, on: '2026-06-12' }, t.staff);
    for (const s of Object.keys(byStatus))
      expect((await ok(sg, MOTION, { id: byStatus[s].id }, t.staff)).motion.status).toBe(s);
  });

  it('G-6: an approved REMOVE motion (voted without exam) removes the official; no exam or oath for it', async () => {
    const appointed = await motionIn('SWORN_IN');
    const officialId = appointed.official.id;
    const r = await removeMotion(officialId);
    expect(r).toMatchObject({ kind: 'REMOVE', status: 'SUBMITTED', official: { id: officialId, status: 'IN_OFFICE' } });
    await fails(
      sg,
      'CONFLICT',
      SUBMIT,
      {
        input: {
          kind: 'REMOVE',
          nomineeName: 'x',
          position: 'x',
          unitId: u.transport,
          submittedBy: 'x',
          submittedOn: '2026-06-01',
          officialId,
        },
      },
      t.staff,
    );
    await fails(sg, 'CONFLICT', EXAM, { id: r.id, score: 90 }, t.staff);
    const removed = await vote(r.id, 25, 2, 1);
    expect(removed).toMatchObject({
      status: 'APPROVED',
      official: { id: officialId, status: 'REMOVED', removedOn: '2026-06-10' },
    });
    await fails(sg, 'CONFLICT', OATH, { id: r.id, on: '2026-06-12' }, t.staff);
    await fails(
      sg,
      'CONFLICT',
      VOTE,
      { id: r.id, input: { votesFor: 30, votesAgainst: 0, abstentions: 0, membersTotal: 35 } },
      t.staff,
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      SUBMIT,
      {
        input: {
          kind: 'REMOVE',
          nomineeName: 'x',
          position: 'x',
          unitId: u.transport,
          submittedBy: 'x',
          submittedOn: '2026-06-01',
          officialId,
        },
      },
      t.staff,
      'input.officialId',
    );
    // As in GovernmentUnit.officials, the public does not see a removed official, by id or through _entities; readers of the region do.
    const OFFICIAL = 'query($id: ID!) { official(id: $id) { id status } }';
    expect((await ok(sg, OFFICIAL, { id: officialId })).official).toBeNull();
    const ENT = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Official { id status } } }';
    expect((await ok(sg, ENT, { r: [{ __typename: 'Official', id: officialId }] }))._entities).toEqual([null]);
    expect((await ok(sg, OFFICIAL, { id: officialId }, t.analyst)).official).toEqual({
      id: officialId,
      status: 'REMOVED',
    });
  });

  it('G-6: a rejected REMOVE motion leaves the official in office', async () => {
    const appointed = await motionIn('SWORN_IN');
    const r = await removeMotion(appointed.official.id);
    const rejected = await vote(r.id, 10, 20, 5);
    expect(rejected).toMatchObject({ status: 'REJECTED', official: { status: 'IN_OFFICE', removedOn: null } });
  });

  it('G-6: motion input is checked: REMOVE names an official of the unit, APPOINT names none, dates not in the future', async () => {
    const base = {
      kind: 'REMOVE',
      nomineeName: 'x',
      position: 'x',
      unitId: u.transport,
      submittedBy: '浏阳市人民政府',
      submittedOn: '2026-06-01',
    };
    await fails(sg, 'BAD_USER_INPUT', SUBMIT, { input: base }, t.staff, 'input.officialId');
    const appointed = await motionIn('APPROVED');
    await fails(
      sg,
      'BAD_USER_INPUT',
      SUBMIT,
      { input: { ...base, unitId: u.housing, officialId: appointed.official.id } },
      t.staff,
      'input.officialId',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      SUBMIT,
      { input: { ...base, kind: 'APPOINT', officialId: appointed.official.id } },
      t.staff,
      'input.officialId',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      SUBMIT,
      { input: { ...base, kind: 'APPOINT', submittedOn: '2026-07-01' } },
      t.staff,
      'input.submittedOn',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      SUBMIT,
      { input: { ...base, kind: 'APPOINT', unitId: '0190a0b0-0000-7000-8000-00000000ffff' } },
      t.staff,
      'input.unitId',
    );
    await fails(sg, 'BAD_USER_INPUT', EXAM, { id: 'not-an-id', score: 90 }, t.staff, 'motionId');
    await fails(sg, 'NOT_FOUND', EXAM, { id: '0190a0b0-0000-7000-8000-00000000ffff', score: 90 }, t.staff);
    await fails(sg, 'BAD_USER_INPUT', OATH, { id: appointed.id, on: '2026-06-01' }, t.staff, 'on');
  });

  it('G-6: officials report yearly after appointment and the committee rates them (任后监督)', async () => {
    const m = await motionIn('SWORN_IN');
    const REVIEW =
      'mutation($id: ID!, $year: Int!, $tally: SatisfactionTallyInput!) { recordPerformanceReview(officialId: $id, year: $year, reportSummary: "2026年述职", tally: $tally) { id reviews { year reportSummary tally { satisfied basicallySatisfied dissatisfied rate } } } }';
    const tally = { satisfied: 20, basicallySatisfied: 10, dissatisfied: 10 };
    await fails(sg, 'FORBIDDEN', REVIEW, { id: m.official.id, year: 2026, tally }, t.analyst);
    await fails(
      sg,
      'BAD_USER_INPUT',
      REVIEW,
      { id: m.official.id, year: 2026, tally: { ...tally, dissatisfied: -1 } },
      t.staff,
      'tally.dissatisfied',
    );
    await fails(sg, 'BAD_USER_INPUT', REVIEW, { id: m.official.id, year: 2025, tally }, t.staff, 'year');
    await fails(sg, 'BAD_USER_INPUT', REVIEW, { id: m.official.id, year: 2027, tally }, t.staff, 'year');
    const data = await ok(sg, REVIEW, { id: m.official.id, year: 2026, tally }, t.staff);
    expect(data.recordPerformanceReview.reviews).toEqual([
      { year: 2026, reportSummary: '2026年述职', tally: { ...tally, rate: 0.75 } },
    ]);
    await fails(sg, 'CONFLICT', REVIEW, { id: m.official.id, year: 2026, tally }, t.staff);
    const READ = 'query($id: ID!) { official(id: $id) { name position status reviews { year } } }';
    const pub = await sg.execute(READ, { id: m.official.id });
    expect(pub.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(
      (await ok(sg, 'query($id: ID!) { official(id: $id) { name position unit { name } } }', { id: m.official.id }))
        .official.unit.name,
    ).toBe('浏阳市交通运输局');
    expect((await ok(sg, READ, { id: m.official.id }, t.analyst)).official.reviews).toEqual([{ year: 2026 }]);
  });
});

describe('access to motions', () => {
  it('motions are not public; analysts read their subtree, staff of another region are refused, a handler sees their own unit', async () => {
    const m = await submit({}, u.housing);
    const LIST = 'query($code: ID!) { motions(regionCode: $code, year: 2026) { id unit { id } } }';
    await fails(sg, 'UNAUTHENTICATED', LIST, { code: '430181' });
    await fails(sg, 'FORBIDDEN', LIST, { code: '430181' }, t.staffOther);
    await fails(sg, 'FORBIDDEN', LIST, { code: '430181' }, t.deputy);
    const all = (await ok(sg, LIST, { code: '430181' }, t.analyst)).motions;
    expect(all.map((x: any) => x.id)).toContain(m.id);
    const own = (await ok(sg, LIST, { code: '430181' }, await handlerToken(u.housing))).motions;
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((x: any) => x.unit.id === u.housing)).toBe(true);
    expect((await ok(sg, MOTION, { id: m.id })).motion).toBeNull();
    const ent = await ok(
      sg,
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on AppointmentMotion { id } } }`,
      { r: [{ __typename: 'AppointmentMotion', id: m.id }] },
    );
    expect(ent._entities).toEqual([null]);
    await fails(sg, 'FORBIDDEN', EXAM, { id: m.id, score: 90 }, t.analyst);
    await fails(sg, 'FORBIDDEN', EXAM, { id: m.id, score: 90 }, t.staffOther);
    const filtered = await ok(
      sg,
      'query { motions(regionCode: "430181", status: EXAM_FAILED) { status } }',
      {},
      t.analyst,
    );
    expect(filtered.motions.every((x: any) => x.status === 'EXAM_FAILED')).toBe(true);
  });
});

describe('G-5 meeting attendance (列席)', () => {
  const RECORD =
    'mutation($input: AttendanceInput!) { recordMeetingAttendance(input: $input) { id meetingOn status leaveReason official { id name } } }';
  const LIST =
    'query { attendance(regionCode: "430181", year: 2026) { meetingOn status leaveReason official { id } } }';

  it('G-5: an official excused from a meeting must give a leave reason; without it nothing is recorded', async () => {
    const m = await motionIn('SWORN_IN');
    const officialId = m.official.id;
    await fails(
      sg,
      'BAD_USER_INPUT',
      RECORD,
      { input: { meetingOn: '2026-06-13', officialId, status: 'EXCUSED' } },
      t.staff,
      'input.leaveReason',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      RECORD,
      { input: { meetingOn: '2026-06-13', officialId, status: 'EXCUSED', leaveReason: '  ' } },
      t.staff,
      'input.leaveReason',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      RECORD,
      { input: { meetingOn: '2026-06-13', officialId, status: 'PRESENT', leaveReason: '出差' } },
      t.staff,
      'input.leaveReason',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      RECORD,
      { input: { meetingOn: '2026-06-01', officialId, status: 'PRESENT' } },
      t.staff,
      'input.meetingOn',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      RECORD,
      { input: { meetingOn: '0001-06-01', officialId, status: 'PRESENT' } },
      t.staff,
      'input.meetingOn',
    );
    expect((await ok(sg, LIST, {}, t.staff)).attendance.filter((a: any) => a.official.id === officialId)).toEqual([]);
    const excused = await ok(
      sg,
      RECORD,
      { input: { meetingOn: '2026-06-13', officialId, status: 'EXCUSED', leaveReason: '参加省里会议' } },
      t.staff,
    );
    expect(excused.recordMeetingAttendance).toMatchObject({
      status: 'EXCUSED',
      leaveReason: '参加省里会议',
      official: { id: officialId },
    });
    const corrected = await ok(
      sg,
      RECORD,
      { input: { meetingOn: '2026-06-13', officialId, status: 'PRESENT' } },
      t.staff,
    );
    expect(corrected.recordMeetingAttendance.id).toBe(excused.recordMeetingAttendance.id);
    expect((await ok(sg, LIST, {}, t.analyst)).attendance.filter((a: any) => a.official.id === officialId)).toEqual([
      { meetingOn: '2026-06-13', status: 'PRESENT', leaveReason: null, official: { id: officialId } },
    ]);
  });

  it('G-5: attendance is recorded by staff of the region and read by its readers only', async () => {
    const m = await motionIn('SWORN_IN');
    const input = { meetingOn: '2026-06-13', officialId: m.official.id, status: 'ABSENT' };
    await fails(sg, 'FORBIDDEN', RECORD, { input }, t.staffOther);
    await fails(sg, 'FORBIDDEN', RECORD, { input }, t.analyst);
    await fails(
      sg,
      'BAD_USER_INPUT',
      RECORD,
      { input: { ...input, officialId: '0190a0b0-0000-7000-8000-00000000ffff' } },
      t.staff,
      'input.officialId',
    );
    await fails(sg, 'UNAUTHENTICATED', LIST, {});
    await fails(sg, 'FORBIDDEN', LIST, {}, t.analystOther);
  });
});
