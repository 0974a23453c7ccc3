import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deputiesService } from '@renda/deputies/server';
import { tokens } from '@renda/testing/tokens';
import { startTestPlatform, type TestPlatform } from './harness.ts';

/**
 * The deputies service's rules of this round as clients meet them, through the gateway: each refusal
 * has its code and field, and a read-back shows that nothing changed.
 */
let platform: TestPlatform;
let admin: string;
let staff: string;
let county: string;
let township: string;
let group: string;
const d: string[] = [];
let townshipDeputy: string;

async function ok(query: string, variables: Record<string, unknown> = {}, token = admin) {
  const result = await platform.execute(query, variables, token);
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return result.data as Record<string, any>;
}

async function refused(query: string, variables: Record<string, unknown>, token = admin) {
  const error = (await platform.execute(query, variables, token)).errors?.[0];
  return { code: error?.extensions?.code, field: error?.extensions?.field };
}

async function deputy(congressId: string, regionCode: string, name: string, groupId?: string) {
  const input = {
    congressId,
    regionCode,
    name,
    gender: 'MALE',
    workUnit: '单位',
    position: '职务',
    constituency: '第一选区',
    ...(groupId ? { groupId } : {}),
  };
  return (await ok(`mutation($i: CreateDeputyInput!) { createDeputy(input: $i) { id } }`, { i: input })).createDeputy
    .id as string;
}

beforeAll(async () => {
  platform = await startTestPlatform([deputiesService]);
  admin = await tokens.admin();
  staff = await tokens.staff('430181');
  for (const [code, name, level] of [
    ['43', '湖南省', 'PROVINCE'],
    ['4301', '长沙市', 'CITY'],
    ['430181', '浏阳市', 'COUNTY'],
    ['430181104', '永安镇', 'TOWNSHIP'],
    ['430181001', '淮川街道', 'TOWNSHIP'],
  ]) {
    await ok(`mutation($i: CreateRegionInput!) { createRegion(input: $i) { code } }`, { i: { code, name, level } });
  }
  const congress = (regionCode: string, name: string, startsOn: string) =>
    ok(`mutation($i: CreateCongressInput!) { createCongress(input: $i) { id } }`, {
      i: { regionCode, termNumber: 18, name, startsOn },
    });
  county = (await congress('430181', '浏阳市第十八届人民代表大会', '2024-01-10')).createCongress.id;
  township = (await congress('430181104', '永安镇第十八届人民代表大会', '2024-01-05')).createCongress.id;
  group = (await ok(`mutation { createGroup(input: { regionCode: "430181", name: "第一代表小组" }) { id } }`))
    .createGroup.id;
  for (let i = 0; i < 6; i++) d.push(await deputy(county, '430181', `代表${i}`, i < 3 ? group : undefined));
  townshipDeputy = await deputy(township, '430181104', '镇代表');
}, 120_000);

afterAll(() => platform?.stop());

describe('deputies rules through the gateway', () => {
  it('D-5: a leader linked to a deputy of another level, or a sixth link, is refused; the links stay as they were', async () => {
    const leader = (
      await ok(`mutation { createGovernmentLeader(input: { regionCode: "430181", name: "市长", role: MAYOR }) { id } }`)
    ).createGovernmentLeader.id;
    const link = `mutation($l: ID!, $ids: [ID!]!) { linkDeputies(governmentLeaderId: $l, deputyIds: $ids) { id } }`;
    await ok(link, { l: leader, ids: d.slice(0, 5) }, staff);
    expect(await refused(link, { l: leader, ids: [townshipDeputy] }, staff)).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'deputyIds',
    });
    expect(await refused(link, { l: leader, ids: [d[5]] }, staff)).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'deputyIds',
    });
    const read = await ok(`query($id: ID!) { governmentLeader(id: $id) { linkGap linkedDeputies { id } } }`, {
      id: leader,
    });
    expect(read.governmentLeader.linkGap).toBe(0);
    expect(read.governmentLeader.linkedDeputies.map((x: { id: string }) => x.id).sort()).toEqual(d.slice(0, 5).sort());
  });

  it('D-14: a group activity by a non-member is refused; the group counts nothing', async () => {
    const record = `mutation($i: RecordContactInput!) { recordContact(input: $i) { id } }`;
    const input = {
      kind: 'GROUP_ACTIVITY',
      method: 'MEETING',
      deputyId: d[4],
      occurredOn: '2026-03-01',
      summary: '小组活动',
      groupId: group,
    };
    expect(await refused(record, { i: input }, staff)).toEqual({ code: 'BAD_USER_INPUT', field: 'input.groupId' });
    const read = await ok(
      `query($id: ID!) { deputy(id: $id) { group { id } } congress(id: "${county}") { deputies(first: 10) { totalCount } } }`,
      { id: d[0] },
      staff,
    );
    expect(read.deputy.group.id).toBe(group);
    const contacts = await ok(
      `query($id: ID!) { deputy(id: $id) { contacts(year: 2026) { id } } }`,
      { id: d[4] },
      staff,
    );
    expect(contacts.deputy.contacts).toEqual([]);
  });

  it('D-8: attendance for a committee meeting that has not happened is refused; nothing is recorded', async () => {
    const member = (
      await ok(`mutation($i: CreateCommitteeMemberInput!) { createCommitteeMember(input: $i) { id } }`, {
        i: { congressId: county, name: '委员', role: 'MEMBER', fullTime: false },
      })
    ).createCommitteeMember.id;
    const meeting = (
      await ok(
        `mutation($i: CreateCommitteeMeetingInput!) { createCommitteeMeeting(input: $i) { id } }`,
        { i: { congressId: county, heldOn: '2026-09-01', title: '常委会会议' } },
        staff,
      )
    ).createCommitteeMeeting.id;
    const attend = `mutation($i: RecordCommitteeAttendanceInput!) { recordCommitteeAttendance(input: $i) { status } }`;
    expect((await refused(attend, { i: { meetingId: meeting, memberId: member, status: 'ABSENT' } }, staff)).code).toBe(
      'CONFLICT',
    );
    const read = await ok(
      `query { congress(id: "${county}") { committeeMeetings(year: 2026) { attendance { status } } committeeMembersToResign(year: 2026) { id } } }`,
      {},
      staff,
    );
    expect(read.congress.committeeMeetings).toEqual([{ attendance: [] }]);
    expect(read.congress.committeeMembersToResign).toEqual([]);
  });

  it('D-2: a street office cannot be given a congress, and a township short of sessions is counted', async () => {
    const create = `mutation($i: CreateCongressInput!) { createCongress(input: $i) { id } }`;
    expect(
      await refused(create, {
        i: { regionCode: '430181001', termNumber: 18, name: '街道人大', startsOn: '2024-01-05' },
      }),
    ).toEqual({ code: 'BAD_USER_INPUT', field: 'input.regionCode' });
    const read = await ok(
      `{ region(code: "430181001") { currentCongress(on: "2026-06-01") { id } } r: region(code: "4301") { townshipCongressesShortOfSessions(year: 2026) { totalCount } } }`,
    );
    expect(read.region.currentCongress).toBeNull();
    expect(read.r.townshipCongressesShortOfSessions.totalCount).toBe(1);
  });

  it('D-12, D-15: a second mandate of a person in one congress and a voters\u2019 tally larger than the audience are refused', async () => {
    const person = (await ok(`query($id: ID!) { deputy(id: $id) { person { id } } }`, { id: d[0] })).deputy.person.id;
    const input = {
      congressId: county,
      regionCode: '430181',
      name: '代表0',
      gender: 'MALE',
      workUnit: '单位',
      position: '职务',
      constituency: '第一选区',
      personId: person,
    };
    expect(
      (await refused(`mutation($i: CreateDeputyInput!) { createDeputy(input: $i) { id } }`, { i: input })).code,
    ).toBe('CONFLICT');
    expect(
      (await ok(`query($id: ID!) { person(id: $id) { mandates { id } } }`, { id: person })).person.mandates,
    ).toHaveLength(1);
    const report = (
      await ok(
        `mutation($i: RecordContactInput!) { recordContact(input: $i) { id } }`,
        {
          i: {
            kind: 'DUTY_REPORT',
            method: 'MEETING',
            deputyId: d[1],
            occurredOn: '2026-03-01',
            summary: '述职',
            participants: 10,
          },
        },
        staff,
      )
    ).recordContact.id;
    const evaluate = `mutation($id: ID!, $t: VoterEvaluationInput!) { recordDutyReportEvaluation(contactId: $id, tally: $t) { id } }`;
    expect(
      await refused(evaluate, { id: report, t: { satisfied: 9, basicallySatisfied: 2, dissatisfied: 0 } }, staff),
    ).toEqual({ code: 'BAD_USER_INPUT', field: 'tally' });
    const read = await ok(
      `query($id: ID!) { deputy(id: $id) { contacts(year: 2026, kind: DUTY_REPORT) { voterEvaluation { rated } } } }`,
      { id: d[1] },
      staff,
    );
    expect(read.deputy.contacts).toEqual([{ voterEvaluation: null }]);
  });
});
