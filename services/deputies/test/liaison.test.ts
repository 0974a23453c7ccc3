import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServices, type TestStack } from '@renda/testing/services';
import { tokens } from '@renda/testing/tokens';
import { ok, fails } from '@renda/testing/graphql';
import { deputiesService } from '../src/server.ts';
import {
  CommitteeAssignmentSchema,
  CommitteeMemberSchema,
  ContactRecordSchema,
  GovernmentLeaderSchema,
} from '../src/modules/liaison/liaison.entity.ts';
import {
  countRows,
  createCongress,
  createDeputies,
  createDeputy,
  createGroup,
  createRegions,
  createStation,
  entitiesQuery,
  subgraphOf,
  unknownId,
} from './fixtures.ts';

let stack: TestStack;
let sg: ReturnType<typeof subgraphOf>;
let admin: string;
let county: string;
let township: string;
let city: string;
/** County deputies: d[0..6] in 430181, d[7] elected in Yong'an town (430181104). */
let d: string[];
let townshipDeputy: string;
let ended: string;
let countyStation: string;
let countyGroup: string;
let member: string;
let otherMember: string;
let mayor: string;
let cityLeader: string;

const memberMutation = `mutation($i: CreateCommitteeMemberInput!) { createCommitteeMember(input: $i) { id name role fullTime congress { id } } }`;
const assignMutation = `mutation($m: ID!, $ids: [ID!]!) { assignDeputies(committeeMemberId: $m, deputyIds: $ids) { id assignedDeputies { id } } }`;
const leaderMutation = `mutation($i: CreateGovernmentLeaderInput!) { createGovernmentLeader(input: $i) { id name role region { code } linkedDeputies { id } } }`;
const linkMutation = `mutation($l: ID!, $ids: [ID!]!) { linkDeputies(governmentLeaderId: $l, deputyIds: $ids) { id linkedDeputies { id } } }`;
const recordMutation = `mutation($i: RecordContactInput!) {
  recordContact(input: $i) { id kind method occurredOn participants summary opinions recordedAt deputy { id } committeeMember { id } governmentLeader { id } station { id } }
}`;
const contactsQuery = `query($id: ID!, $year: Int!, $kind: ContactKind) { deputy(id: $id) { contacts(year: $year, kind: $kind) { id kind summary opinions } } }`;
const dutyQuery = `query($id: ID!, $year: Int!) { deputy(id: $id) { duty(year: $year) { year voterContacts groupActivities committeeContacts dutyReportsThisTerm sessionsAbsentWithoutLeave meetsMinimums } } }`;
const statsQuery = `query($code: ID!, $year: Int!) { region(code: $code) { deputyStats(year: $year) { regionCode year activeDeputies voterContactComplianceRate groupActivityComplianceRate committeeContactComplianceRate stations compliantStations } } }`;

type ContactInput = {
  kind: string;
  deputyId: string;
  method?: string;
  occurredOn?: string;
  committeeMemberId?: string | null;
  governmentLeaderId?: string | null;
  stationId?: string | null;
  participants?: number | null;
  summary?: string;
  opinions?: string[] | null;
};

function contact(i: ContactInput) {
  return { method: 'VISIT', occurredOn: '2026-03-01', summary: '走访了解情况', ...i };
}

async function record(i: ContactInput, token = admin): Promise<string> {
  const data = await ok(sg, recordMutation, { i: contact(i) }, token);
  return data.recordContact.id;
}

async function contactCount(deputyId: string, year = 2026): Promise<number> {
  const data = await ok(sg, contactsQuery, { id: deputyId, year }, admin);
  return data.deputy.contacts.length;
}

async function assigned(memberId: string): Promise<string[]> {
  const data = await ok(sg, `query($id: ID!) { committeeMember(id: $id) { assignedDeputies { id } } }`, {
    id: memberId,
  });
  return data.committeeMember.assignedDeputies.map((x: { id: string }) => x.id).sort();
}

async function linked(leaderId: string): Promise<string[]> {
  const data = await ok(sg, `query($id: ID!) { governmentLeader(id: $id) { linkedDeputies { id } } }`, {
    id: leaderId,
  });
  return data.governmentLeader.linkedDeputies.map((x: { id: string }) => x.id).sort();
}

beforeAll(async () => {
  stack = await startTestServices([deputiesService]);
  sg = subgraphOf(stack);
  admin = await tokens.admin();
  await createRegions(sg, admin);
  county = await createCongress(sg, admin, {
    regionCode: '430181',
    termNumber: 18,
    name: '浏阳市第十八届人民代表大会',
    startsOn: '2024-01-10',
    endsOn: '2029-01-09',
  });
  township = await createCongress(sg, admin, {
    regionCode: '430181104',
    termNumber: 18,
    name: '永安镇第十八届人民代表大会',
    startsOn: '2024-01-05',
    endsOn: '2029-01-04',
  });
  city = await createCongress(sg, admin, {
    regionCode: '4306',
    termNumber: 9,
    name: '岳阳市第九届人民代表大会',
    startsOn: '2024-01-10',
    endsOn: '2029-01-09',
  });
  countyGroup = await createGroup(sg, admin, '430181', '浏阳市第一代表小组');
  d = await createDeputies(sg, admin, [
    ...['周建国', '吴秀英', '徐志强', '孙丽华', '马伟', '朱芳', '胡军'].map((name) => ({
      congressId: county,
      regionCode: '430181',
      name,
      groupId: countyGroup,
    })),
    { congressId: county, regionCode: '430181104', name: '郭敏', groupId: countyGroup },
  ]);
  townshipDeputy = await createDeputy(sg, admin, { congressId: township, regionCode: '430181104', name: '何海燕' });
  ended = await createDeputy(sg, admin, { congressId: county, regionCode: '430181', name: '高德明' });
  await ok(
    sg,
    `mutation($id: ID!) { endMandate(id: $id, status: RESIGNED, reason: "辞职") { status } }`,
    { id: ended },
    admin,
  );
  countyStation = await createStation(sg, admin, '430181', '浏阳市人大代表联络站');
  member = (
    await ok(
      sg,
      memberMutation,
      { i: { congressId: county, name: '林红梅', role: 'VICE_CHAIR', fullTime: true } },
      admin,
    )
  ).createCommitteeMember.id;
  otherMember = (
    await ok(sg, memberMutation, { i: { congressId: county, name: '罗国庆', role: 'MEMBER', fullTime: false } }, admin)
  ).createCommitteeMember.id;
  mayor = (await ok(sg, leaderMutation, { i: { regionCode: '430181', name: '郑小平', role: 'MAYOR' } }, admin))
    .createGovernmentLeader.id;
  cityLeader = (await ok(sg, leaderMutation, { i: { regionCode: '4306', name: '梁春兰', role: 'VICE_MAYOR' } }, admin))
    .createGovernmentLeader.id;
});
afterAll(() => stack?.stop());

describe('committee members (D-2, D-4)', () => {
  it('D-4: a standing committee member is registered on a county congress and read by anyone', async () => {
    const data = await ok(
      sg,
      memberMutation,
      { i: { congressId: county, name: ' 谢文斌 ', role: 'MEMBER', fullTime: false } },
      await tokens.staff('430181'),
    );
    expect(data.createCommitteeMember).toMatchObject({
      name: '谢文斌',
      role: 'MEMBER',
      fullTime: false,
      congress: { id: county },
    });
    const read = await ok(
      sg,
      `query($id: ID!) { committeeMember(id: $id) { name role fullTime congress { name } assignedDeputies { id } } }`,
      { id: member },
    );
    expect(read.committeeMember).toEqual({
      name: '林红梅',
      role: 'VICE_CHAIR',
      fullTime: true,
      congress: { name: '浏阳市第十八届人民代表大会' },
      assignedDeputies: [],
    });
  });

  it('D-2: a township congress has a presidium, not a standing committee: no committee members', async () => {
    const before = await countRows(stack, CommitteeMemberSchema);
    await fails(
      sg,
      'BAD_USER_INPUT',
      memberMutation,
      { i: { congressId: township, name: '宋桂香', role: 'CHAIR', fullTime: true } },
      admin,
      'input.congressId',
    );
    expect(await countRows(stack, CommitteeMemberSchema)).toBe(before);
  });

  it('bad committee member input and foreign writers are refused, writing nothing', async () => {
    const before = await countRows(stack, CommitteeMemberSchema);
    const i = { congressId: county, name: '唐永红', role: 'MEMBER', fullTime: false };
    await fails(sg, 'BAD_USER_INPUT', memberMutation, { i: { ...i, name: '  ' } }, admin, 'input.name');
    await fails(
      sg,
      'BAD_USER_INPUT',
      memberMutation,
      { i: { ...i, congressId: unknownId } },
      admin,
      'input.congressId',
    );
    await fails(sg, 'UNAUTHENTICATED', memberMutation, { i });
    await fails(sg, 'FORBIDDEN', memberMutation, { i }, await tokens.staff('4306'));
    await fails(sg, 'FORBIDDEN', memberMutation, { i }, await tokens.analyst('430181'));
    await fails(sg, 'FORBIDDEN', memberMutation, { i }, await tokens.deputy('430181', d[0]!));
    expect(await countRows(stack, CommitteeMemberSchema)).toBe(before);
  });

  it('D-4: the 代工委 assigns deputies of the same congress; repeats are harmless', async () => {
    const staff = await tokens.staff('430181');
    const data = await ok(sg, assignMutation, { m: member, ids: [d[0], d[1]] }, staff);
    expect(data.assignDeputies.assignedDeputies.map((x: { id: string }) => x.id).sort()).toEqual([d[0], d[1]].sort());
    await ok(sg, assignMutation, { m: member, ids: [d[1], d[2], d[2]] }, staff);
    expect(await assigned(member)).toEqual([d[0], d[1], d[2]].sort());
  });

  it('D-4: assignments name known, active deputies of the congress; the member must exist', async () => {
    const before = await countRows(stack, CommitteeAssignmentSchema);
    await fails(sg, 'BAD_USER_INPUT', assignMutation, { m: member, ids: [d[3], unknownId] }, admin, 'deputyIds');
    await fails(sg, 'BAD_USER_INPUT', assignMutation, { m: member, ids: [d[3], 'x'] }, admin, 'deputyIds');
    await fails(sg, 'BAD_USER_INPUT', assignMutation, { m: member, ids: [d[3], townshipDeputy] }, admin, 'deputyIds');
    await fails(sg, 'BAD_USER_INPUT', assignMutation, { m: member, ids: [d[3], ended] }, admin, 'deputyIds');
    await fails(sg, 'BAD_USER_INPUT', assignMutation, { m: member, ids: [] }, admin, 'deputyIds');
    await fails(sg, 'NOT_FOUND', assignMutation, { m: unknownId, ids: [d[3]] }, admin);
    await fails(sg, 'UNAUTHENTICATED', assignMutation, { m: member, ids: [d[3]] });
    await fails(sg, 'FORBIDDEN', assignMutation, { m: member, ids: [d[3]] }, await tokens.staff('430181104'));
    await fails(sg, 'FORBIDDEN', assignMutation, { m: member, ids: [d[3]] }, await tokens.analyst('43'));
    expect(await countRows(stack, CommitteeAssignmentSchema)).toBe(before);
    expect(await assigned(member)).toEqual([d[0], d[1], d[2]].sort());
  });

  it('D-4: underContacted lists assigned deputies the member contacted fewer than 2 times in the year', async () => {
    await record({
      kind: 'COMMITTEE_MEMBER',
      deputyId: d[0]!,
      committeeMemberId: member,
      occurredOn: '2026-02-10',
      method: 'PHONE',
    });
    await record({
      kind: 'COMMITTEE_MEMBER',
      deputyId: d[0]!,
      committeeMemberId: member,
      occurredOn: '2026-05-10',
      method: 'MEETING',
    });
    await record({ kind: 'COMMITTEE_MEMBER', deputyId: d[1]!, committeeMemberId: member, occurredOn: '2026-04-01' });
    await record({ kind: 'COMMITTEE_MEMBER', deputyId: d[1]!, committeeMemberId: member, occurredOn: '2025-11-01' });
    // Contacts by another member do not count for this one.
    await record({
      kind: 'COMMITTEE_MEMBER',
      deputyId: d[2]!,
      committeeMemberId: otherMember,
      occurredOn: '2026-03-01',
    });
    await record({
      kind: 'COMMITTEE_MEMBER',
      deputyId: d[2]!,
      committeeMemberId: otherMember,
      occurredOn: '2026-03-02',
    });
    const q = `query($id: ID!, $year: Int!) { committeeMember(id: $id) { underContacted(year: $year) { id } contacts(year: $year) { deputy { id } occurredOn } } }`;
    const y26 = await ok(sg, q, { id: member, year: 2026 }, await tokens.staff('430181'));
    expect(y26.committeeMember.underContacted.map((x: { id: string }) => x.id).sort()).toEqual([d[1], d[2]].sort());
    expect(y26.committeeMember.contacts).toEqual([
      { deputy: { id: d[0] }, occurredOn: '2026-02-10' },
      { deputy: { id: d[1] }, occurredOn: '2026-04-01' },
      { deputy: { id: d[0] }, occurredOn: '2026-05-10' },
    ]);
    const y25 = await ok(sg, q, { id: member, year: 2025 }, await tokens.analyst('430181'));
    expect(y25.committeeMember.underContacted.map((x: { id: string }) => x.id).sort()).toEqual(
      [d[0], d[1], d[2]].sort(),
    );
    const duty = await ok(sg, dutyQuery, { id: d[0], year: 2026 }, admin);
    expect(duty.deputy.duty.committeeContacts).toBe(2);
  });

  it("D-4: a member's contacts and underContacted are for staff and analysts of the region", async () => {
    const q = `query($id: ID!) { committeeMember(id: $id) { name underContacted(year: 2026) { id } } }`;
    const q2 = `query($id: ID!) { committeeMember(id: $id) { contacts(year: 2026) { id } } }`;
    for (const query of [q, q2]) {
      await fails(sg, 'UNAUTHENTICATED', query, { id: member });
      await fails(sg, 'FORBIDDEN', query, { id: member }, await tokens.staff('4306'));
      await fails(sg, 'FORBIDDEN', query, { id: member }, await tokens.deputy('430181', d[0]!));
      await fails(sg, 'FORBIDDEN', query, { id: member }, await tokens.handler('430181', unknownId));
    }
  });
});

describe('committee members act for themselves (D-4)', () => {
  it("D-4: a COMMITTEE_MEMBER token records its own contacts with its assigned deputies, and nobody else's", async () => {
    const self = (
      await ok(
        sg,
        memberMutation,
        { i: { congressId: county, name: '卢志刚', role: 'MEMBER', fullTime: false } },
        admin,
      )
    ).createCommitteeMember.id;
    const mine = await createDeputies(sg, admin, [
      { congressId: county, regionCode: '430181', name: '卢一' },
      { congressId: county, regionCode: '430181', name: '卢二' },
    ]);
    await ok(sg, assignMutation, { m: self, ids: mine }, admin);
    const token = await tokens.member('430181', self);
    const own = { kind: 'COMMITTEE_MEMBER', deputyId: mine[0]!, committeeMemberId: self, occurredOn: '2026-05-06' };
    await ok(sg, recordMutation, { i: contact(own) }, token);
    const before = await countRows(stack, ContactRecordSchema);
    await fails(sg, 'FORBIDDEN', recordMutation, { i: contact({ ...own, deputyId: d[0]! }) }, token);
    await fails(sg, 'FORBIDDEN', recordMutation, { i: contact({ ...own, committeeMemberId: member }) }, token);
    await fails(
      sg,
      'FORBIDDEN',
      recordMutation,
      { i: contact({ kind: 'VOTER', deputyId: mine[0]!, participants: 3 }) },
      token,
    );
    await fails(
      sg,
      'FORBIDDEN',
      `mutation($m: ID!, $ids: [ID!]!) { assignDeputies(committeeMemberId: $m, deputyIds: $ids) { id } }`,
      { m: self, ids: [d[0]] },
      token,
    );
    expect(await countRows(stack, ContactRecordSchema)).toBe(before);
    const read = await ok(
      sg,
      `query($id: ID!) { committeeMember(id: $id) { contacts(year: 2026) { deputy { id } } underContacted(year: 2026) { id } } }`,
      { id: self },
      token,
    );
    expect(read.committeeMember.contacts).toEqual([{ deputy: { id: mine[0] } }]);
    expect(read.committeeMember.underContacted.map((x: { id: string }) => x.id).sort()).toEqual(
      [mine[0], mine[1]].sort(),
    );
    await fails(
      sg,
      'FORBIDDEN',
      `query($id: ID!) { committeeMember(id: $id) { contacts(year: 2026) { id } } }`,
      { id: member },
      token,
    );
    // Their mandates end during 2026: the county's figures below count them as in office in 2026 (F-1).
    for (const id of mine)
      await ok(
        sg,
        `mutation($id: ID!) { endMandate(id: $id, status: RESIGNED, reason: "辞职") { status } }`,
        { id },
        admin,
      );
  });
});

describe('government leaders (D-5)', () => {
  it('D-5: a mayor is registered for a region and linked to deputies', async () => {
    const data = await ok(
      sg,
      leaderMutation,
      { i: { regionCode: '430181', name: '曾振华', role: 'VICE_MAYOR' } },
      await tokens.staff('430181'),
    );
    expect(data.createGovernmentLeader).toMatchObject({
      name: '曾振华',
      role: 'VICE_MAYOR',
      region: { code: '430181' },
      linkedDeputies: [],
    });
    const linkedNow = await ok(sg, linkMutation, { l: mayor, ids: [d[0], d[1], d[7]] }, await tokens.staff('430181'));
    expect(linkedNow.linkDeputies.linkedDeputies).toHaveLength(3);
  });

  it('D-5: a government leader is linked to at most 5 deputies', async () => {
    const staff = await tokens.staff('430181');
    await ok(sg, linkMutation, { l: mayor, ids: [d[2], d[3], d[0]] }, staff);
    expect(await linked(mayor)).toEqual([d[0], d[1], d[2], d[3], d[7]].sort());
    await fails(sg, 'BAD_USER_INPUT', linkMutation, { l: mayor, ids: [d[4]] }, staff, 'deputyIds');
    await ok(sg, linkMutation, { l: mayor, ids: [d[1]] }, staff);
    expect(await linked(mayor)).toEqual([d[0], d[1], d[2], d[3], d[7]].sort());
    const fresh = (
      await ok(sg, leaderMutation, { i: { regionCode: '430181', name: '董立新', role: 'VICE_MAYOR' } }, admin)
    ).createGovernmentLeader.id;
    await fails(sg, 'BAD_USER_INPUT', linkMutation, { l: fresh, ids: d.slice(0, 6) }, admin, 'deputyIds');
    expect(await linked(fresh)).toEqual([]);
  });

  it("D-5: links name known, active deputies of the leader's region; unknown leaders are NOT_FOUND", async () => {
    const leader = (
      await ok(sg, leaderMutation, { i: { regionCode: '430181', name: '袁玉兰', role: 'VICE_MAYOR' } }, admin)
    ).createGovernmentLeader.id;
    await fails(sg, 'BAD_USER_INPUT', linkMutation, { l: cityLeader, ids: [d[4]] }, admin, 'deputyIds');
    await fails(sg, 'BAD_USER_INPUT', linkMutation, { l: leader, ids: [d[4], unknownId] }, admin, 'deputyIds');
    await fails(sg, 'BAD_USER_INPUT', linkMutation, { l: leader, ids: [d[4], ended] }, admin, 'deputyIds');
    await fails(sg, 'NOT_FOUND', linkMutation, { l: unknownId, ids: [d[4]] }, admin);
    await fails(sg, 'UNAUTHENTICATED', linkMutation, { l: leader, ids: [d[4]] });
    await fails(sg, 'FORBIDDEN', linkMutation, { l: leader, ids: [d[4]] }, await tokens.staff('4306'));
    await fails(sg, 'FORBIDDEN', linkMutation, { l: leader, ids: [d[4]] }, await tokens.analyst('430181'));
    expect(await linked(leader)).toEqual([]);
    expect(await linked(cityLeader)).toEqual([]);
  });

  it("D-5: a leader links deputies of their own level's congress only, writing nothing otherwise", async () => {
    const leader = (
      await ok(sg, leaderMutation, { i: { regionCode: '430181', name: '彭志勇', role: 'VICE_MAYOR' } }, admin)
    ).createGovernmentLeader.id;
    // A township deputy inside Liuyang's subtree is not a county deputy.
    const refused = await fails(
      sg,
      'BAD_USER_INPUT',
      linkMutation,
      { l: leader, ids: [d[5], townshipDeputy] },
      admin,
      'deputyIds',
    );
    expect(refused.message).toContain('永安镇第十八届人民代表大会');
    expect(await linked(leader)).toEqual([]);
    // A province-level leader may not take a county deputy of its subtree either.
    const governor = (await ok(sg, leaderMutation, { i: { regionCode: '43', name: '省长', role: 'MAYOR' } }, admin))
      .createGovernmentLeader.id;
    await fails(sg, 'BAD_USER_INPUT', linkMutation, { l: governor, ids: [d[5]] }, admin, 'deputyIds');
    expect(await linked(governor)).toEqual([]);
    await ok(sg, linkMutation, { l: leader, ids: [d[5]] }, admin);
    expect(await linked(leader)).toEqual([d[5]]);
  });

  it('D-5: a leader short of links is listed with the gap, and linked deputies not visited this year are listed', async () => {
    const staff = await tokens.staff('430181');
    const short = (
      await ok(sg, leaderMutation, { i: { regionCode: '430181', name: '唐红', role: 'VICE_MAYOR' } }, admin)
    ).createGovernmentLeader.id;
    const full = (
      await ok(sg, leaderMutation, { i: { regionCode: '430181', name: '邓刚', role: 'VICE_MAYOR' } }, admin)
    ).createGovernmentLeader.id;
    await ok(sg, linkMutation, { l: short, ids: [d[0], d[1], d[2]] }, staff);
    await ok(sg, linkMutation, { l: full, ids: [d[0], d[1], d[2], d[3], d[4]] }, staff);
    await record({ kind: 'GOVERNMENT_LEADER', deputyId: d[1]!, governmentLeaderId: short, occurredOn: '2026-04-02' });
    await record({ kind: 'GOVERNMENT_LEADER', deputyId: d[2]!, governmentLeaderId: short, occurredOn: '2025-04-02' });
    const leaderQuery = `query($id: ID!, $year: Int!) { governmentLeader(id: $id) { linkGap unvisited(year: $year) { id } } }`;
    const shortNow = await ok(sg, leaderQuery, { id: short, year: 2026 }, staff);
    expect(shortNow.governmentLeader.linkGap).toBe(2);
    expect(shortNow.governmentLeader.unvisited.map((x: { id: string }) => x.id).sort()).toEqual([d[0], d[2]].sort());
    const lastYear = await ok(sg, leaderQuery, { id: short, year: 2025 }, staff);
    expect(lastYear.governmentLeader.unvisited.map((x: { id: string }) => x.id).sort()).toEqual([d[0], d[1]].sort());
    const fullNow = await ok(sg, leaderQuery, { id: full, year: 2026 }, staff);
    expect(fullNow.governmentLeader.linkGap).toBe(0);
    expect(fullNow.governmentLeader.unvisited).toHaveLength(5);
    const list = await ok(
      sg,
      `query { governmentLeaders(regionCode: "430181", shortOfLinks: true, first: 100) { edges { node { id linkGap } } } }`,
    );
    const ids = list.governmentLeaders.edges.map((e: { node: { id: string } }) => e.node.id);
    expect(ids).toContain(short);
    expect(ids).not.toContain(full);
    expect(list.governmentLeaders.edges.every((e: { node: { linkGap: number } }) => e.node.linkGap > 0)).toBe(true);
    // Who was not visited is for staff of the region, as the contacts are.
    await fails(sg, 'UNAUTHENTICATED', leaderQuery, { id: short, year: 2026 });
    await fails(sg, 'FORBIDDEN', leaderQuery, { id: short, year: 2026 }, await tokens.staff('4306'));
  });

  it('bad leader input and foreign writers are refused, writing nothing', async () => {
    const before = await countRows(stack, GovernmentLeaderSchema);
    const i = { regionCode: '430181', name: '潘金凤', role: 'VICE_MAYOR' };
    await fails(sg, 'BAD_USER_INPUT', leaderMutation, { i: { ...i, name: ' ' } }, admin, 'input.name');
    await fails(
      sg,
      'BAD_USER_INPUT',
      leaderMutation,
      { i: { ...i, regionCode: '4301811' } },
      admin,
      'input.regionCode',
    );
    await fails(sg, 'UNAUTHENTICATED', leaderMutation, { i });
    await fails(sg, 'FORBIDDEN', leaderMutation, { i }, await tokens.staff('4306'));
    await fails(sg, 'FORBIDDEN', leaderMutation, { i }, await tokens.handler('430181', unknownId));
    expect(await countRows(stack, GovernmentLeaderSchema)).toBe(before);
  });

  it('D-5: a GOVERNMENT_LEADER contact names the leader and shows on the leader', async () => {
    await record({
      kind: 'GOVERNMENT_LEADER',
      deputyId: d[0]!,
      governmentLeaderId: mayor,
      occurredOn: '2026-04-20',
      summary: '市长走访代表',
    });
    const q = `query($id: ID!) { governmentLeader(id: $id) { name region { code } contacts(year: 2026) { kind deputy { id } governmentLeader { id } } } }`;
    const data = await ok(sg, q, { id: mayor }, await tokens.analyst('430181'));
    expect(data.governmentLeader).toEqual({
      name: '郑小平',
      region: { code: '430181' },
      contacts: [{ kind: 'GOVERNMENT_LEADER', deputy: { id: d[0] }, governmentLeader: { id: mayor } }],
    });
    await fails(sg, 'UNAUTHENTICATED', q, { id: mayor });
    await fails(sg, 'FORBIDDEN', q, { id: mayor }, await tokens.deputy('430181', d[0]!));
    await fails(sg, 'FORBIDDEN', q, { id: mayor }, await tokens.staff('4306'));
  });
});

describe('contacts: the fields each kind needs', () => {
  it('D-6: a VOTER contact counts participants and may name a station', async () => {
    const data = await ok(
      sg,
      recordMutation,
      {
        i: contact({
          kind: 'VOTER',
          deputyId: d[3]!,
          participants: 35,
          stationId: countyStation,
          method: 'MEETING',
          occurredOn: '2026-06-15',
        }),
      },
      admin,
    );
    expect(data.recordContact).toMatchObject({
      kind: 'VOTER',
      method: 'MEETING',
      occurredOn: '2026-06-15',
      participants: 35,
      summary: '走访了解情况',
      opinions: [],
      recordedAt: '2026-06-15T02:00:00.000Z',
      deputy: { id: d[3] },
      committeeMember: null,
      governmentLeader: null,
      station: { id: countyStation },
    });
  });

  it('D-4, D-5, D-6: each kind names what it needs and refuses fields that do not belong to it, writing nothing', async () => {
    const target = d[4]!;
    const before = await countRows(stack, ContactRecordSchema);
    const cases: [ContactInput, string][] = [
      [{ kind: 'COMMITTEE_MEMBER', deputyId: target }, 'input.committeeMemberId'],
      [{ kind: 'COMMITTEE_MEMBER', deputyId: target, committeeMemberId: unknownId }, 'input.committeeMemberId'],
      [{ kind: 'COMMITTEE_MEMBER', deputyId: target, committeeMemberId: 'x' }, 'input.committeeMemberId'],
      [{ kind: 'COMMITTEE_MEMBER', deputyId: townshipDeputy, committeeMemberId: member }, 'input.committeeMemberId'],
      [
        { kind: 'COMMITTEE_MEMBER', deputyId: target, committeeMemberId: member, participants: 3 },
        'input.participants',
      ],
      [
        { kind: 'COMMITTEE_MEMBER', deputyId: target, committeeMemberId: member, governmentLeaderId: mayor },
        'input.governmentLeaderId',
      ],
      [{ kind: 'GOVERNMENT_LEADER', deputyId: target }, 'input.governmentLeaderId'],
      [{ kind: 'GOVERNMENT_LEADER', deputyId: target, governmentLeaderId: unknownId }, 'input.governmentLeaderId'],
      [{ kind: 'GOVERNMENT_LEADER', deputyId: target, governmentLeaderId: cityLeader }, 'input.governmentLeaderId'],
      [
        { kind: 'GOVERNMENT_LEADER', deputyId: target, governmentLeaderId: mayor, committeeMemberId: member },
        'input.committeeMemberId',
      ],
      [{ kind: 'VOTER', deputyId: target }, 'input.participants'],
      [{ kind: 'VOTER', deputyId: target, participants: 0 }, 'input.participants'],
      [{ kind: 'VOTER', deputyId: target, participants: -5 }, 'input.participants'],
      [{ kind: 'VOTER', deputyId: target, participants: 10, committeeMemberId: member }, 'input.committeeMemberId'],
      [{ kind: 'VOTER', deputyId: target, participants: 10, governmentLeaderId: mayor }, 'input.governmentLeaderId'],
      [{ kind: 'DUTY_REPORT', deputyId: target }, 'input.participants'],
      [{ kind: 'GROUP_ACTIVITY', deputyId: target, participants: 12 }, 'input.participants'],
      [{ kind: 'GROUP_ACTIVITY', deputyId: target, committeeMemberId: member }, 'input.committeeMemberId'],
    ];
    for (const [input, field] of cases) {
      await fails(sg, 'BAD_USER_INPUT', recordMutation, { i: contact(input) }, admin, field);
    }
    expect(await countRows(stack, ContactRecordSchema)).toBe(before);
    expect(await contactCount(target)).toBe(0);
  });

  it('bad contact input (unknown ids, blank text, a future date) is refused, writing nothing', async () => {
    const target = d[4]!;
    const before = await countRows(stack, ContactRecordSchema);
    const group = { kind: 'GROUP_ACTIVITY', deputyId: target };
    await fails(
      sg,
      'BAD_USER_INPUT',
      recordMutation,
      { i: contact({ ...group, deputyId: unknownId }) },
      admin,
      'input.deputyId',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      recordMutation,
      { i: contact({ ...group, deputyId: 'x' }) },
      admin,
      'input.deputyId',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      recordMutation,
      { i: contact({ ...group, deputyId: ended }) },
      admin,
      'input.deputyId',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      recordMutation,
      { i: contact({ ...group, stationId: unknownId }) },
      admin,
      'input.stationId',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      recordMutation,
      { i: contact({ ...group, summary: '   ' }) },
      admin,
      'input.summary',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      recordMutation,
      { i: contact({ ...group, opinions: ['修路', ' '] }) },
      admin,
      'input.opinions[1]',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      recordMutation,
      { i: contact({ ...group, occurredOn: '2026-06-16' }) },
      admin,
      'input.occurredOn',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      recordMutation,
      { i: contact({ ...group, occurredOn: '2027-01-01' }) },
      admin,
      'input.occurredOn',
    );
    await fails(sg, 'BAD_USER_INPUT', recordMutation, { i: contact({ ...group, occurredOn: '2026-02-30' }) }, admin);
    // A station of another region, and a date before the congress's term (or in year 1), are refused.
    const cityStation = await createStation(sg, admin, '4401', '广州市人大代表联络站');
    await fails(
      sg,
      'BAD_USER_INPUT',
      recordMutation,
      { i: contact({ kind: 'VOTER', deputyId: target, participants: 3, stationId: cityStation }) },
      admin,
      'input.stationId',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      recordMutation,
      { i: contact({ ...group, occurredOn: '2023-12-31' }) },
      admin,
      'input.occurredOn',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      recordMutation,
      { i: contact({ ...group, occurredOn: '0001-01-01' }) },
      admin,
      'input.occurredOn',
    );
    expect(await countRows(stack, ContactRecordSchema)).toBe(before);
    expect(await contactCount(target)).toBe(0);
  });

  it('a future occurredOn is judged by the calendar date in Asia/Shanghai', async () => {
    // 2026-06-15T17:00Z is already 2026-06-16 01:00 in Shanghai.
    stack.clock.set('2026-06-15T17:00:00Z');
    try {
      const id = await record({ kind: 'GROUP_ACTIVITY', deputyId: d[5]!, occurredOn: '2026-06-16' });
      expect(id).toBeTruthy();
      await fails(
        sg,
        'BAD_USER_INPUT',
        recordMutation,
        { i: contact({ kind: 'GROUP_ACTIVITY', deputyId: d[5]!, occurredOn: '2026-06-17' }) },
        admin,
        'input.occurredOn',
      );
    } finally {
      stack.clock.set('2026-06-15T02:00:00Z');
    }
    expect(await contactCount(d[5]!)).toBe(1);
  });

  it('D-10: opinions heard that need an answer are kept with the contact, in order', async () => {
    const id = await record({
      kind: 'VOTER',
      deputyId: d[6]!,
      participants: 20,
      opinions: [' 修缮永安村村道 ', '增设路灯', '解决饮水安全问题'],
    });
    const data = await ok(sg, contactsQuery, { id: d[6], year: 2026, kind: 'VOTER' }, admin);
    expect(data.deputy.contacts).toEqual([
      { id, kind: 'VOTER', summary: '走访了解情况', opinions: ['修缮永安村村道', '增设路灯', '解决饮水安全问题'] },
    ]);
    const ref = await ok(sg, entitiesQuery, { reps: [{ __typename: 'ContactRecord', id }] }, admin);
    expect(ref._entities).toEqual([{ __typename: 'ContactRecord', id, kind: 'VOTER' }]);
  });
});

describe('contacts: who records and who reads', () => {
  it('a deputy records their own VOTER contacts and DUTY_REPORTs', async () => {
    const self = await tokens.deputy('430181', d[5]!);
    const voter = await ok(
      sg,
      recordMutation,
      { i: contact({ kind: 'VOTER', deputyId: d[5]!, participants: 18 }) },
      self,
    );
    expect(voter.recordContact).toMatchObject({ kind: 'VOTER', deputy: { id: d[5] } });
    const report = await ok(
      sg,
      recordMutation,
      { i: contact({ kind: 'DUTY_REPORT', deputyId: d[5]!, participants: 60, summary: '向选民述职' }) },
      self,
    );
    expect(report.recordContact).toMatchObject({ kind: 'DUTY_REPORT', participants: 60 });
  });

  it('a deputy may not record other kinds, nor for other deputies; analysts, handlers and the public never write', async () => {
    const before = await countRows(stack, ContactRecordSchema);
    const self = await tokens.deputy('430181', d[5]!);
    await fails(sg, 'FORBIDDEN', recordMutation, { i: contact({ kind: 'GROUP_ACTIVITY', deputyId: d[5]! }) }, self);
    await fails(
      sg,
      'FORBIDDEN',
      recordMutation,
      { i: contact({ kind: 'COMMITTEE_MEMBER', deputyId: d[5]!, committeeMemberId: member }) },
      self,
    );
    await fails(
      sg,
      'FORBIDDEN',
      recordMutation,
      { i: contact({ kind: 'GOVERNMENT_LEADER', deputyId: d[5]!, governmentLeaderId: mayor }) },
      self,
    );
    await fails(
      sg,
      'FORBIDDEN',
      recordMutation,
      { i: contact({ kind: 'VOTER', deputyId: d[4]!, participants: 5 }) },
      self,
    );
    await fails(
      sg,
      'FORBIDDEN',
      recordMutation,
      { i: contact({ kind: 'DUTY_REPORT', deputyId: d[4]!, participants: 5 }) },
      self,
    );
    const voter = contact({ kind: 'VOTER', deputyId: d[4]!, participants: 5 });
    await fails(sg, 'UNAUTHENTICATED', recordMutation, { i: voter });
    await fails(sg, 'FORBIDDEN', recordMutation, { i: voter }, await tokens.analyst('430181'));
    await fails(sg, 'FORBIDDEN', recordMutation, { i: voter }, await tokens.handler('430181', unknownId));
    await fails(sg, 'FORBIDDEN', recordMutation, { i: voter }, await tokens.staff('4306'));
    await fails(sg, 'FORBIDDEN', recordMutation, { i: voter }, await tokens.staff('430181104'));
    expect(await countRows(stack, ContactRecordSchema)).toBe(before);
    expect(await contactCount(d[4]!)).toBe(0);
  });

  it('staff record every kind within their subtree', async () => {
    const staff = await tokens.staff('430181104');
    const data = await ok(sg, recordMutation, { i: contact({ kind: 'GROUP_ACTIVITY', deputyId: d[7]! }) }, staff);
    expect(data.recordContact).toMatchObject({ kind: 'GROUP_ACTIVITY', participants: null, deputy: { id: d[7] } });
  });

  it('D-11: the duty record is public in summary: anyone reads the counts, and the deputy is not lost with it', async () => {
    await record({ kind: 'VOTER', deputyId: d[6]!, participants: 12, opinions: ['村道需要硬化'] });
    const query = `query($id: ID!) { deputy(id: $id) { name duty(year: 2026) { year voterContacts sessionsAbsentWithoutLeave meetsMinimums } } }`;
    const asPublic = await ok(sg, query, { id: d[6] });
    const asStaff = await ok(sg, query, { id: d[6] }, admin);
    expect(asPublic.deputy.name).toBe('胡军');
    expect(asPublic.deputy.duty.voterContacts).toBeGreaterThanOrEqual(1);
    expect(asPublic).toEqual(asStaff);
    // The detail behind the counts (who was met, what they said) is not public.
    await fails(sg, 'UNAUTHENTICATED', contactsQuery, { id: d[6], year: 2026 });
  });

  it('D-11: contacts are for the deputy, staff and analysts of the subtree and admins', async () => {
    for (const query of [contactsQuery]) {
      const vars = { id: d[5], year: 2026 };
      await ok(sg, query, vars, admin);
      await ok(sg, query, vars, await tokens.staff('430181'));
      await ok(sg, query, vars, await tokens.analyst('43'));
      await ok(sg, query, vars, await tokens.deputy('430181', d[5]!));
      await fails(sg, 'UNAUTHENTICATED', query, vars);
      await fails(sg, 'FORBIDDEN', query, vars, await tokens.deputy('430181', d[4]!));
      await fails(sg, 'FORBIDDEN', query, vars, await tokens.staff('4306'));
      await fails(sg, 'FORBIDDEN', query, vars, await tokens.staff('430181104'));
      await fails(sg, 'FORBIDDEN', query, vars, await tokens.analyst('4306'));
      await fails(sg, 'FORBIDDEN', query, vars, await tokens.handler('430181', unknownId));
    }
    // The public profile stays public alongside.
    const profile = await ok(sg, `query($id: ID!) { deputy(id: $id) { name workUnit position } }`, { id: d[5] });
    expect(profile.deputy.name).toBe('朱芳');
  });

  it('D-11: a contact record resolves as an entity only for those who may read it', async () => {
    const data = await ok(sg, contactsQuery, { id: d[5], year: 2026 }, admin);
    const id = data.deputy.contacts[0].id;
    const reps = [{ __typename: 'ContactRecord', id }];
    expect((await ok(sg, entitiesQuery, { reps }, await tokens.deputy('430181', d[5]!)))._entities).toEqual([
      { __typename: 'ContactRecord', id, kind: data.deputy.contacts[0].kind },
    ]);
    expect((await ok(sg, entitiesQuery, { reps }))._entities).toEqual([null]);
    expect((await ok(sg, entitiesQuery, { reps }, await tokens.deputy('430181', d[4]!)))._entities).toEqual([null]);
    expect((await ok(sg, entitiesQuery, { reps }, await tokens.staff('4306')))._entities).toEqual([null]);
  });
});

describe('duty summary (D-6, D-7, D-11) and region statistics', () => {
  let y: string[];
  let cityMember: string;
  let cityGroup: string;

  beforeAll(async () => {
    cityGroup = await createGroup(sg, admin, '4306', '岳阳市第一代表小组');
    y = await createDeputies(sg, admin, [
      { congressId: city, regionCode: '4306', name: '蒋晓东', groupId: cityGroup },
      { congressId: city, regionCode: '4306', name: '蔡雪梅', groupId: cityGroup },
      { congressId: city, regionCode: '4306', name: '余明辉', groupId: cityGroup },
      { congressId: city, regionCode: '430602', name: '杜春兰', groupId: cityGroup },
      { congressId: city, regionCode: '4306', name: '叶国庆', groupId: cityGroup },
    ]);
    cityMember = (
      await ok(sg, memberMutation, { i: { congressId: city, name: '程立新', role: 'MEMBER', fullTime: true } }, admin)
    ).createCommitteeMember.id;
    await ok(sg, assignMutation, { m: cityMember, ids: [y[0], y[1], y[2], y[4]] }, admin);
    const voter = (deputyId: string, occurredOn = '2026-03-01') =>
      record({ kind: 'VOTER', deputyId, participants: 25, occurredOn });
    const group = (deputyId: string, occurredOn = '2026-04-01') =>
      record({ kind: 'GROUP_ACTIVITY', deputyId, occurredOn });
    const committee = (deputyId: string, occurredOn: string) =>
      record({ kind: 'COMMITTEE_MEMBER', deputyId, committeeMemberId: cityMember, occurredOn });
    // y0 meets both minimums; y1 only the voter one; y2 only the group one; y3 nothing; y4 leaves office.
    await voter(y[0]!, '2026-01-20');
    await voter(y[0]!, '2026-05-20');
    await group(y[0]!, '2026-02-01');
    await group(y[0]!, '2026-03-01');
    await group(y[0]!, '2026-04-01');
    await voter(y[1]!);
    await voter(y[1]!);
    await group(y[1]!);
    await voter(y[2]!, '2026-02-02');
    await voter(y[2]!, '2025-12-31');
    await group(y[2]!);
    await group(y[2]!);
    await group(y[2]!);
    await record({ kind: 'DUTY_REPORT', deputyId: y[2]!, participants: 80, occurredOn: '2025-06-01' });
    await record({ kind: 'DUTY_REPORT', deputyId: y[2]!, participants: 90, occurredOn: '2026-06-01' });
    await voter(y[4]!);
    await voter(y[4]!);
    await committee(y[0]!, '2026-01-05');
    await committee(y[0]!, '2026-03-05');
    await committee(y[1]!, '2026-01-05');
    await committee(y[1]!, '2025-01-05');
    await committee(y[4]!, '2026-01-05');
    await committee(y[4]!, '2026-02-05');
    await ok(
      sg,
      `mutation($id: ID!) { endMandate(id: $id, status: RECALLED, reason: "罢免") { status } }`,
      { id: y[4] },
      admin,
    );
    const compliant = await createStation(sg, admin, '4306', '岳阳市代表之家');
    await ok(
      sg,
      `mutation($id: ID!) { setStationStandards(id: $id, input: { premises: true, rules: true, plan: true, activities: true, records: true, results: true }) { id } }`,
      { id: compliant },
      admin,
    );
    const partial = await createStation(sg, admin, '430602', '岳阳楼区代表联络站');
    await ok(
      sg,
      `mutation($id: ID!) { setStationStandards(id: $id, input: { premises: true, rules: true, plan: true, activities: true, records: true, results: false }) { id } }`,
      { id: partial },
      admin,
    );
  });

  it('D-6, D-7: meetsMinimums needs 2 voter contacts in the year; group activities are not a pass per deputy', async () => {
    const staff = await tokens.staff('4306');
    const summary = async (id: string, year = 2026) => (await ok(sg, dutyQuery, { id, year }, staff)).deputy.duty;
    expect(await summary(y[0]!)).toEqual({
      year: 2026,
      voterContacts: 2,
      groupActivities: 3,
      committeeContacts: 2,
      dutyReportsThisTerm: 0,
      sessionsAbsentWithoutLeave: 0,
      meetsMinimums: true,
    });
    expect(await summary(y[1]!)).toMatchObject({
      voterContacts: 2,
      groupActivities: 1,
      committeeContacts: 1,
      meetsMinimums: true,
    });
    expect(await summary(y[2]!)).toMatchObject({ voterContacts: 1, groupActivities: 3, meetsMinimums: false });
    expect(await summary(y[3]!)).toMatchObject({
      voterContacts: 0,
      groupActivities: 0,
      committeeContacts: 0,
      meetsMinimums: false,
    });
    expect(await summary(y[2]!, 2025)).toMatchObject({
      year: 2025,
      voterContacts: 1,
      groupActivities: 0,
      meetsMinimums: false,
    });
  });

  it('D-4: a deputy whose mandate ended is no longer under-contacted', async () => {
    const q = `query($id: ID!, $year: Int!) { committeeMember(id: $id) { assignedDeputies { id } underContacted(year: $year) { id } } }`;
    const data = await ok(sg, q, { id: cityMember, year: 2025 }, await tokens.staff('4306'));
    expect(data.committeeMember.assignedDeputies).toHaveLength(4);
    expect(data.committeeMember.underContacted.map((x: { id: string }) => x.id).sort()).toEqual(
      [y[0], y[1], y[2]].sort(),
    );
  });

  it('D-6: duty reports to the voters count over the whole term', async () => {
    const self = await tokens.deputy('4306', y[2]!);
    const data = await ok(
      sg,
      `query($id: ID!) { deputy(id: $id) { a: duty(year: 2025) { dutyReportsThisTerm } b: duty(year: 2026) { dutyReportsThisTerm } } }`,
      { id: y[2] },
      self,
    );
    expect(data.deputy).toEqual({ a: { dutyReportsThisTerm: 2 }, b: { dutyReportsThisTerm: 2 } });
  });

  it('D-6, D-7: the duty summary of many deputies is read in one request', async () => {
    const data = await ok(
      sg,
      `query($id: ID!) { congress(id: $id) { deputies(filter: { status: ACTIVE }) { edges { node { name duty(year: 2026) { meetsMinimums } contacts(year: 2026, kind: VOTER) { id } } } } } }`,
      { id: city },
      await tokens.analyst('4306'),
    );
    type Edge = { node: { name: string; duty: { meetsMinimums: boolean }; contacts: unknown[] } };
    const rows = data.congress.deputies.edges.map((e: Edge) => [
      e.node.name,
      e.node.duty.meetsMinimums,
      e.node.contacts.length,
    ]);
    expect(rows.sort()).toEqual(
      [
        ['杜春兰', false, 0],
        ['蒋晓东', true, 2],
        ['蔡雪梅', true, 2],
        ['余明辉', false, 1],
      ].sort(),
    );
  });

  it('contacts(kind) keeps to one kind and one calendar year', async () => {
    const read = async (year: number, kind?: string) =>
      (await ok(sg, contactsQuery, { id: y[2], year, kind }, admin)).deputy.contacts.map(
        (c: { kind: string }) => c.kind,
      );
    expect(await read(2026, 'VOTER')).toEqual(['VOTER']);
    expect(await read(2025, 'VOTER')).toEqual(['VOTER']);
    expect((await read(2026)).sort()).toEqual([
      'DUTY_REPORT',
      'GROUP_ACTIVITY',
      'GROUP_ACTIVITY',
      'GROUP_ACTIVITY',
      'VOTER',
    ]);
    await fails(sg, 'BAD_USER_INPUT', contactsQuery, { id: y[2], year: 20260 }, admin, 'year');
  });

  it('D-11: Region.deputyStats counts a subtree in a year', async () => {
    const stats = async (code: string, year = 2026) =>
      (await ok(sg, statsQuery, { code, year }, await tokens.analyst('4306'))).region.deputyStats;
    expect(await stats('4306')).toEqual({
      regionCode: '4306',
      year: 2026,
      // F-1: the deputies in office during 2026, y4 included: their mandate ended during the year.
      activeDeputies: 5,
      voterContactComplianceRate: 0.6,
      groupActivityComplianceRate: 0.4,
      // Assignments y0 (2 contacts), y1 (1), y2 (0) and y4 (2, before the mandate ended).
      committeeContactComplianceRate: 0.5,
      stations: 2,
      compliantStations: 1,
    });
    expect(await stats('430602')).toEqual({
      regionCode: '430602',
      year: 2026,
      activeDeputies: 1,
      voterContactComplianceRate: 0,
      groupActivityComplianceRate: 0,
      committeeContactComplianceRate: 0,
      stations: 1,
      compliantStations: 0,
    });
    // F-1: y4 (recalled in 2026) was in office through 2025.
    expect(await stats('4306', 2025)).toMatchObject({
      activeDeputies: 5,
      voterContactComplianceRate: 0,
      groupActivityComplianceRate: 0,
      committeeContactComplianceRate: 0,
    });
  });

  it('D-11: Region.deputyStats over the province adds up its subtrees', async () => {
    const staff = await tokens.staff('43');
    const read = async (code: string) => (await ok(sg, statsQuery, { code, year: 2026 }, staff)).region.deputyStats;
    const [province, liuyang, yueyang] = await Promise.all([read('43'), read('430181'), read('4306')]);
    expect(province.activeDeputies).toBe(liuyang.activeDeputies + yueyang.activeDeputies);
    expect(province.stations).toBe(liuyang.stations + yueyang.stations);
    // Nine active today and three whose mandates ended during 2026 (F-1): 高德明, and the two
    // deputies of the committee-member test above.
    expect(liuyang.activeDeputies).toBe(12);
  });

  it('D-11: deputy statistics are for staff and analysts of the region', async () => {
    await fails(sg, 'UNAUTHENTICATED', statsQuery, { code: '4306', year: 2026 });
    await fails(sg, 'FORBIDDEN', statsQuery, { code: '4306', year: 2026 }, await tokens.staff('430181'));
    await fails(sg, 'FORBIDDEN', statsQuery, { code: '4306', year: 2026 }, await tokens.deputy('4306', y[0]!));
    await fails(sg, 'FORBIDDEN', statsQuery, { code: '4306', year: 2026 }, await tokens.handler('4306', unknownId));
    await fails(sg, 'BAD_USER_INPUT', statsQuery, { code: '4306', year: 1800 }, admin, 'year');
  });
});

describe('_entities (used by the other subgraphs)', () => {
  it('resolves CommitteeMember and GovernmentLeader representations', async () => {
    const data = await ok(sg, entitiesQuery, {
      reps: [
        { __typename: 'CommitteeMember', id: member },
        { __typename: 'GovernmentLeader', id: mayor },
        { __typename: 'CommitteeMember', id: unknownId },
      ],
    });
    expect(data._entities).toEqual([
      { __typename: 'CommitteeMember', id: member, name: '林红梅', memberRole: 'VICE_CHAIR' },
      { __typename: 'GovernmentLeader', id: mayor, name: '郑小平', leaderRole: 'MAYOR' },
      null,
    ]);
  });
});
