import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServices, type TestStack } from '@renda/testing/services';
import { tokens } from '@renda/testing/tokens';
import { fails, ok } from '@renda/testing/graphql';
import { deputiesService } from '../src/server.ts';
import { CommitteeMeetingAttendanceSchema, CommitteeMeetingSchema } from '../src/modules/meetings/meeting.entity.ts';
import { ContactRecordSchema } from '../src/modules/liaison/liaison.entity.ts';
import { GroupReviewSchema } from '../src/modules/groups/group-review.entity.ts';
import {
  countRows,
  createCongress,
  createDeputies,
  createGroup,
  createRegions,
  subgraphOf,
  unknownId,
} from './fixtures.ts';

let stack: TestStack;
let sg: ReturnType<typeof subgraphOf>;
let admin: string;
let staff: string;
let county: string;
let township: string;
let groupA: string;
let groupB: string;
let d: string[];
let members: string[];

const recordGroupActivity = `mutation($i: RecordContactInput!) { recordContact(input: $i) { id group { id name } } }`;
const activityQuery = `query($id: ID!, $year: Int!) { _entities(representations: [{ __typename: "DeputyGroup", id: $id }]) {
  ... on DeputyGroup { activity(year: $year) { year activities participations members participationRate review { year comment reviewedOn } } }
} }`;
const meetingMutation = `mutation($i: CreateCommitteeMeetingInput!) { createCommitteeMeeting(input: $i) { id heldOn title congress { id } } }`;
const attendMutation = `mutation($i: RecordCommitteeAttendanceInput!) { recordCommitteeAttendance(input: $i) { status leaveReason member { id } } }`;

function groupActivity(deputyId: string, occurredOn: string, summary = '小组视察农村公路建设', groupId?: string) {
  return ok(
    sg,
    recordGroupActivity,
    {
      i: { kind: 'GROUP_ACTIVITY', method: 'MEETING', deputyId, occurredOn, summary, ...(groupId ? { groupId } : {}) },
    },
    staff,
  );
}

async function activity(groupId: string, year: number) {
  return (await ok(sg, activityQuery, { id: groupId, year }, staff))._entities[0].activity;
}

beforeAll(async () => {
  stack = await startTestServices([deputiesService]);
  sg = subgraphOf(stack);
  admin = await tokens.admin();
  staff = await tokens.staff('430181');
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
  groupA = await createGroup(sg, admin, '430181', '第一代表小组');
  groupB = await createGroup(sg, admin, '430181', '第二代表小组');
  d = await createDeputies(sg, admin, [
    { congressId: county, regionCode: '430181', name: '周建国', groupId: groupA },
    { congressId: county, regionCode: '430181', name: '吴秀英', groupId: groupA },
    { congressId: county, regionCode: '430181', name: '徐志强', groupId: groupA },
    { congressId: county, regionCode: '430181', name: '孙丽华', groupId: groupB },
  ]);
  members = [];
  for (const name of ['林红梅', '罗国庆', '谢文斌']) {
    const data = await ok(
      sg,
      `mutation($i: CreateCommitteeMemberInput!) { createCommitteeMember(input: $i) { id } }`,
      { i: { congressId: county, name, role: 'MEMBER', fullTime: false } },
      admin,
    );
    members.push(data.createCommitteeMember.id);
  }
}, 120_000);

afterAll(() => stack?.stop());

describe('deputy groups (D-14)', () => {
  it('D-14: a group activity names its group; the yearly figures count activities and participation', async () => {
    const first = await groupActivity(d[0]!, '2026-03-05');
    expect(first.recordContact.group).toEqual({ id: groupA, name: '第一代表小组' });
    await groupActivity(d[1]!, '2026-03-05', undefined, groupA);
    await groupActivity(d[0]!, '2026-05-12', '小组集中学习');
    await groupActivity(d[3]!, '2026-05-12', '小组集中学习');
    await groupActivity(d[0]!, '2025-10-01');
    expect(await activity(groupA, 2026)).toEqual({
      year: 2026,
      activities: 2,
      participations: 3,
      members: 3,
      participationRate: 0.5,
      review: null,
    });
    expect((await activity(groupB, 2026)).activities).toBe(1);
    // A year with nothing to count has no rate (F-2), not 0.
    expect(await activity(groupA, 2024)).toMatchObject({ activities: 0, participationRate: null });
  });

  it('D-14: a group activity by a non-member is refused, and nothing is written', async () => {
    const before = await countRows(stack, ContactRecordSchema);
    await fails(
      sg,
      'BAD_USER_INPUT',
      recordGroupActivity,
      {
        i: {
          kind: 'GROUP_ACTIVITY',
          method: 'MEETING',
          deputyId: d[3],
          occurredOn: '2026-03-05',
          summary: '冒名',
          groupId: groupA,
        },
      },
      staff,
      'input.groupId',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      recordGroupActivity,
      {
        i: {
          kind: 'VOTER',
          method: 'MEETING',
          deputyId: d[0],
          occurredOn: '2026-03-05',
          summary: '接待选民',
          participants: 3,
          groupId: groupA,
        },
      },
      staff,
      'input.groupId',
    );
    expect(await countRows(stack, ContactRecordSchema)).toBe(before);
  });

  it('D-14: staff check and comment on each group every year; again is CONFLICT (a correction leaves a trail)', async () => {
    await ok(sg, `mutation { reviewGroup(groupId: "${groupA}", year: 2025, comment: "活动较少") { id } }`, {}, staff);
    await fails(
      sg,
      'CONFLICT',
      `mutation { reviewGroup(groupId: "${groupA}", year: 2025, comment: "活动经常，建议围绕民生实事") { id } }`,
      {},
      staff,
    );
    expect((await activity(groupA, 2025)).review).toEqual({
      year: 2025,
      comment: '活动较少',
      reviewedOn: '2026-06-15',
    });
    const before = await countRows(stack, GroupReviewSchema);
    await fails(
      sg,
      'BAD_USER_INPUT',
      `mutation { reviewGroup(groupId: "${groupA}", year: 2027, comment: "未来") { id } }`,
      {},
      staff,
      'year',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      `mutation { reviewGroup(groupId: "${groupA}", year: 2026, comment: " ") { id } }`,
      {},
      staff,
      'comment',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      `mutation { reviewGroup(groupId: "${unknownId}", year: 2026, comment: "好") { id } }`,
      {},
      staff,
      'groupId',
    );
    await fails(
      sg,
      'FORBIDDEN',
      `mutation { reviewGroup(groupId: "${groupA}", year: 2026, comment: "好") { id } }`,
      {},
      await tokens.staff('4306'),
    );
    await fails(
      sg,
      'FORBIDDEN',
      `mutation { reviewGroup(groupId: "${groupA}", year: 2026, comment: "好") { id } }`,
      {},
      await tokens.analyst('430181'),
    );
    expect(await countRows(stack, GroupReviewSchema)).toBe(before);
  });
});

describe('standing-committee meetings (D-8)', () => {
  it('D-8: a member absent without reason from 2 meetings in a year is listed to be asked to resign', async () => {
    const m1 = (
      await ok(
        sg,
        meetingMutation,
        { i: { congressId: county, heldOn: '2026-02-26', title: '常委会第十次会议' } },
        staff,
      )
    ).createCommitteeMeeting.id;
    const m2 = (
      await ok(
        sg,
        meetingMutation,
        { i: { congressId: county, heldOn: '2026-04-28', title: '常委会第十一次会议' } },
        staff,
      )
    ).createCommitteeMeeting.id;
    const m0 = (
      await ok(
        sg,
        meetingMutation,
        { i: { congressId: county, heldOn: '2025-12-20', title: '常委会第九次会议' } },
        staff,
      )
    ).createCommitteeMeeting.id;
    const attend = (meetingId: string, memberId: string, status: string, leaveReason?: string) =>
      ok(sg, attendMutation, { i: { meetingId, memberId, status, ...(leaveReason ? { leaveReason } : {}) } }, staff);
    await attend(m1, members[0]!, 'ABSENT');
    await attend(m2, members[0]!, 'ABSENT');
    await attend(m1, members[1]!, 'ABSENT');
    await attend(m2, members[1]!, 'EXCUSED', '出差');
    await attend(m0, members[1]!, 'ABSENT');
    await attend(m1, members[2]!, 'PRESENT');
    const query = `query($id: ID!, $year: Int!) { congress(id: $id) {
      committeeMeetings(year: $year) { title attendance { status member { id } } }
      committeeMembersToResign(year: $year) { id name meetingAbsences(year: $year) }
    } }`;
    const y2026 = await ok(sg, query, { id: county, year: 2026 }, staff);
    expect(y2026.congress.committeeMeetings.map((m: { title: string }) => m.title)).toEqual([
      '常委会第十次会议',
      '常委会第十一次会议',
    ]);
    expect(y2026.congress.committeeMembersToResign).toEqual([{ id: members[0], name: '林红梅', meetingAbsences: 2 }]);
    // Two absences in different years are not two in a year.
    const y2025 = await ok(sg, query, { id: county, year: 2025 }, staff);
    expect(y2025.congress.committeeMembersToResign).toEqual([]);
    // Correcting an absence to an excused one takes the member off the list.
    await attend(m2, members[0]!, 'EXCUSED', '因病请假');
    expect((await ok(sg, query, { id: county, year: 2026 }, staff)).congress.committeeMembersToResign).toEqual([]);
    await fails(sg, 'UNAUTHENTICATED', query, { id: county, year: 2026 });
  });

  it('D-8: attendance for a meeting not yet held, a non-member, an excuse without a reason, and a township committee are refused, writing nothing', async () => {
    const future = (
      await ok(
        sg,
        meetingMutation,
        { i: { congressId: county, heldOn: '2026-08-28', title: '常委会第十三次会议' } },
        staff,
      )
    ).createCommitteeMeeting.id;
    const held = (
      await ok(
        sg,
        meetingMutation,
        { i: { congressId: county, heldOn: '2026-06-10', title: '常委会第十二次会议' } },
        staff,
      )
    ).createCommitteeMeeting.id;
    const other = await createCongress(sg, admin, {
      regionCode: '4306',
      termNumber: 9,
      name: '岳阳市第九届人民代表大会',
      startsOn: '2024-01-10',
    });
    const stranger = (
      await ok(
        sg,
        `mutation($i: CreateCommitteeMemberInput!) { createCommitteeMember(input: $i) { id } }`,
        { i: { congressId: other, name: '外人', role: 'MEMBER', fullTime: false } },
        admin,
      )
    ).createCommitteeMember.id;
    const beforeRows = await countRows(stack, CommitteeMeetingAttendanceSchema);
    const beforeMeetings = await countRows(stack, CommitteeMeetingSchema);
    await fails(
      sg,
      'CONFLICT',
      attendMutation,
      { i: { meetingId: future, memberId: members[2], status: 'ABSENT' } },
      staff,
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      attendMutation,
      { i: { meetingId: held, memberId: stranger, status: 'ABSENT' } },
      staff,
      'input.memberId',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      attendMutation,
      { i: { meetingId: held, memberId: members[2], status: 'EXCUSED' } },
      staff,
      'input.leaveReason',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      attendMutation,
      { i: { meetingId: held, memberId: members[2], status: 'PRESENT', leaveReason: '无' } },
      staff,
      'input.leaveReason',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      attendMutation,
      { i: { meetingId: unknownId, memberId: members[2], status: 'PRESENT' } },
      staff,
      'input.meetingId',
    );
    await fails(
      sg,
      'FORBIDDEN',
      attendMutation,
      { i: { meetingId: held, memberId: members[2], status: 'PRESENT' } },
      await tokens.staff('4306'),
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      meetingMutation,
      { i: { congressId: township, heldOn: '2026-03-01', title: '主席团会议' } },
      admin,
      'input.congressId',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      meetingMutation,
      { i: { congressId: county, heldOn: '2023-03-01', title: '届前会议' } },
      admin,
      'input.heldOn',
    );
    expect(await countRows(stack, CommitteeMeetingAttendanceSchema)).toBe(beforeRows);
    expect(await countRows(stack, CommitteeMeetingSchema)).toBe(beforeMeetings);
  });

  it('the database itself refuses a row that breaks a foreign key or the status rule', async () => {
    const sql = stack.services.deputies!.orm.em.fork().getConnection();
    await expect(
      sql.execute(
        `insert into deputies.committee_meeting_attendance (meeting_id, member_id, congress_id, held_on, status) values ('${unknownId}', '${members[0]}', '${county}', '2026-01-01', 'PRESENT')`,
      ),
    ).rejects.toThrow(/foreign key/);
    const meeting = (
      await ok(sg, meetingMutation, { i: { congressId: county, heldOn: '2026-05-30', title: '常委会专题会议' } }, staff)
    ).createCommitteeMeeting.id;
    await expect(
      sql.execute(
        `insert into deputies.committee_meeting_attendance (meeting_id, member_id, congress_id, held_on, status) values ('${meeting}', '${members[0]}', '${county}', '2026-05-30', 'LATE')`,
      ),
    ).rejects.toThrow(/check constraint/);
    await expect(
      sql.execute(
        `insert into deputies.committee_meeting_attendance (meeting_id, member_id, congress_id, held_on, status) values ('${meeting}', '${members[0]}', '${county}', '2026-05-30', 'EXCUSED')`,
      ),
    ).rejects.toThrow(/check constraint/);
    await expect(
      sql.execute(
        `insert into deputies.group_reviews (group_id, year, comment, reviewed_on, reviewed_by) values ('${unknownId}', 2026, 'x', '2026-01-01', 'x')`,
      ),
    ).rejects.toThrow(/foreign key/);
  });
});
