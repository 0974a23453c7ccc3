import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServices, type TestStack } from '@renda/testing/services';
import { tokens } from '@renda/testing/tokens';
import { ok, fails } from '@renda/testing/graphql';
import { countStatements } from '@renda/db/orm';
import { deputiesService } from '../src/server.ts';
import {
  createCongress,
  createDeputies,
  createDeputy,
  createGroup,
  createRegions,
  createSession,
  createStation,
  deputyInput,
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
let countySessions: string[];
let citySession: string;
let countyGroup: string;
let cityGroup: string;
let countyStation: string;
let zhang: string;
let townshipDeputies: string[];

const createDeputyMutation = `mutation($i: CreateDeputyInput!) { createDeputy(input: $i) { id name gender ethnicity workUnit position phone constituency status congress { id } region { code } group { id } station { id } } }`;
const updateDeputyMutation = `mutation($id: ID!, $i: UpdateDeputyInput!) { updateDeputy(id: $id, input: $i) { id name workUnit position phone group { id } station { id } } }`;
const endMandateMutation = `mutation($id: ID!, $s: DeputyStatus!, $r: String!) { endMandate(id: $id, status: $s, reason: $r) { id status statusReason } }`;
const attendanceMutation = `mutation($i: RecordAttendanceInput!) { recordAttendance(input: $i) { status deputy { id status } session { id number } } }`;
const deputiesQuery = `query($f: DeputyFilter, $first: Int, $after: String) {
  deputies(filter: $f, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id name } } }
}`;

async function countOf(filter: Record<string, unknown>): Promise<number> {
  const data = await ok(sg, deputiesQuery, { f: filter, first: 0 });
  return data.deputies.totalCount;
}

async function statusOf(id: string): Promise<{ status: string; statusReason: string | null }> {
  const data = await ok(sg, `query($id: ID!) { deputy(id: $id) { status statusReason } }`, { id });
  return data.deputy;
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
  countySessions = [
    await createSession(sg, admin, county, 1, '2024-01-15', '2024-01-17'),
    await createSession(sg, admin, county, 2, '2025-01-15', '2025-01-17'),
    await createSession(sg, admin, county, 3, '2026-01-15', '2026-01-17'),
    await createSession(sg, admin, county, 4, '2026-05-20', '2026-05-21'),
  ];
  citySession = await createSession(sg, admin, city, 1, '2024-01-15', '2024-01-17');
  countyGroup = await createGroup(sg, admin, '430181', '浏阳市第一代表小组');
  cityGroup = await createGroup(sg, admin, '4306', '岳阳市第一代表小组');
  countyStation = await createStation(sg, admin, '430181', '浏阳市人大代表联络站', '浏阳市人民政府大院');
  zhang = await createDeputy(sg, admin, {
    congressId: county,
    regionCode: '430181',
    name: '张建国',
    gender: 'MALE',
    ethnicity: '汉族',
    workUnit: '浏阳市第一中学',
    position: '校长',
    phone: '0731-83001234',
    constituency: '浏阳市第一选区',
    groupId: countyGroup,
    stationId: countyStation,
  });
  // 120 township deputies: 40 in each of three villages' names, a third of them women.
  const list = Array.from({ length: 120 }, (_, i) => ({
    congressId: township,
    regionCode: '430181104',
    name: `${['王', '李', '刘'][i % 3]}永安${i + 1}号`,
    gender: (i % 3 === 0 ? 'FEMALE' : 'MALE') as 'MALE' | 'FEMALE',
    constituency: `第${(i % 12) + 1}选区`,
  }));
  townshipDeputies = [
    ...(await createDeputies(sg, admin, list.slice(0, 60))),
    ...(await createDeputies(sg, admin, list.slice(60))),
  ];
});
afterAll(() => stack?.stop());

describe('deputies: profiles and writes', () => {
  it('D-3: the public reads name, gender, work unit, position and phone without a token', async () => {
    const data = await ok(
      sg,
      `query($id: ID!) { deputy(id: $id) { name gender ethnicity workUnit position phone constituency status congress { name } region { code name } group { name } station { name } } }`,
      { id: zhang },
    );
    expect(data.deputy).toEqual({
      name: '张建国',
      gender: 'MALE',
      ethnicity: '汉族',
      workUnit: '浏阳市第一中学',
      position: '校长',
      phone: '0731-83001234',
      constituency: '浏阳市第一选区',
      status: 'ACTIVE',
      congress: { name: '浏阳市第十八届人民代表大会' },
      region: { code: '430181', name: '浏阳市' },
      group: { name: '浏阳市第一代表小组' },
      station: { name: '浏阳市人大代表联络站' },
    });
    const list = await ok(sg, `{ deputies(filter: { name: "张建国" }) { totalCount edges { node { name phone } } } }`);
    expect(list.deputies).toEqual({ totalCount: 1, edges: [{ node: { name: '张建国', phone: '0731-83001234' } }] });
  });

  it('D-1: staff register deputies of their subtree; the region lies under the congress region', async () => {
    const staff = await tokens.staff('430181');
    const data = await ok(
      sg,
      createDeputyMutation,
      {
        i: deputyInput({
          congressId: county,
          regionCode: '430181104',
          name: ' 李秀英 ',
          gender: 'FEMALE',
          phone: '13807310001',
        }),
      },
      staff,
    );
    expect(data.createDeputy).toMatchObject({
      name: '李秀英',
      gender: 'FEMALE',
      ethnicity: null,
      status: 'ACTIVE',
      congress: { id: county },
      region: { code: '430181104' },
      group: null,
      station: null,
    });
    expect(await countOf({ congressId: county })).toBe(2);
  });

  it('bad deputy input is refused with the field at fault and writes nothing', async () => {
    const before = await countOf({});
    const base = { congressId: county, regionCode: '430181', name: '赵德明' };
    const cases: [Record<string, unknown>, string][] = [
      [{ name: '   ' }, 'input.name'],
      [{ workUnit: ' ' }, 'input.workUnit'],
      [{ position: '' }, 'input.position'],
      [{ constituency: '\t' }, 'input.constituency'],
      [{ congressId: unknownId }, 'input.congressId'],
      [{ congressId: 'not-an-id' }, 'input.congressId'],
      [{ regionCode: '43018' }, 'input.regionCode'],
      [{ regionCode: '430602' }, 'input.regionCode'],
      [{ groupId: unknownId }, 'input.groupId'],
      [{ groupId: cityGroup }, 'input.groupId'],
      [{ stationId: unknownId }, 'input.stationId'],
      [{ phone: 'call me' }, 'input.phone'],
    ];
    for (const [patch, field] of cases) {
      await fails(
        sg,
        'BAD_USER_INPUT',
        createDeputyMutation,
        { i: deputyInput({ ...base, ...patch } as never) },
        admin,
        field,
      );
    }
    expect(await countOf({})).toBe(before);
    expect(await countOf({ name: '赵德明' })).toBe(0);
  });

  it('only staff of the subtree and admins register deputies; the public must sign in', async () => {
    const before = await countOf({});
    const i = deputyInput({ congressId: county, regionCode: '430181', name: '赵德明' });
    await fails(sg, 'UNAUTHENTICATED', createDeputyMutation, { i });
    await fails(sg, 'FORBIDDEN', createDeputyMutation, { i }, await tokens.staff('4306'));
    await fails(sg, 'FORBIDDEN', createDeputyMutation, { i }, await tokens.staff('430181104'));
    await fails(sg, 'FORBIDDEN', createDeputyMutation, { i }, await tokens.analyst('430181'));
    await fails(sg, 'FORBIDDEN', createDeputyMutation, { i }, await tokens.handler('430181', unknownId));
    await fails(sg, 'FORBIDDEN', createDeputyMutation, { i }, await tokens.deputy('430181', zhang));
    expect(await countOf({})).toBe(before);
  });

  it('updateDeputy changes the profile; a blank name changes nothing', async () => {
    const staff = await tokens.staff('430181');
    const data = await ok(
      sg,
      updateDeputyMutation,
      { id: zhang, i: { position: '浏阳市第一中学校长', phone: null, groupId: null } },
      staff,
    );
    expect(data.updateDeputy).toMatchObject({
      name: '张建国',
      position: '浏阳市第一中学校长',
      phone: null,
      group: null,
      station: { id: countyStation },
    });
    await ok(sg, updateDeputyMutation, { id: zhang, i: { phone: '0731-83001234', groupId: countyGroup } }, staff);
    await fails(
      sg,
      'BAD_USER_INPUT',
      updateDeputyMutation,
      { id: zhang, i: { name: '  ', position: '副校长' } },
      staff,
      'input.name',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      updateDeputyMutation,
      { id: zhang, i: { groupId: unknownId, position: '副校长' } },
      staff,
      'input.groupId',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      updateDeputyMutation,
      { id: zhang, i: { stationId: 'x', position: '副校长' } },
      staff,
      'input.stationId',
    );
    const read = await ok(sg, `query($id: ID!) { deputy(id: $id) { name position phone group { id } } }`, {
      id: zhang,
    });
    expect(read.deputy).toEqual({
      name: '张建国',
      position: '浏阳市第一中学校长',
      phone: '0731-83001234',
      group: { id: countyGroup },
    });
  });

  it('updateDeputy: an unknown target is NOT_FOUND; outside the subtree or without a staff role is FORBIDDEN', async () => {
    await fails(sg, 'NOT_FOUND', updateDeputyMutation, { id: unknownId, i: { position: 'x' } }, admin);
    await fails(sg, 'NOT_FOUND', updateDeputyMutation, { id: 'not-an-id', i: { position: 'x' } }, admin);
    await fails(sg, 'UNAUTHENTICATED', updateDeputyMutation, { id: zhang, i: { position: 'x' } });
    await fails(sg, 'FORBIDDEN', updateDeputyMutation, { id: zhang, i: { position: 'x' } }, await tokens.staff('4306'));
    await fails(
      sg,
      'FORBIDDEN',
      updateDeputyMutation,
      { id: zhang, i: { position: 'x' } },
      await tokens.analyst('430181'),
    );
    await fails(
      sg,
      'FORBIDDEN',
      updateDeputyMutation,
      { id: zhang, i: { position: 'x' } },
      await tokens.deputy('430181', zhang),
    );
    const read = await ok(sg, `query($id: ID!) { deputy(id: $id) { position } }`, { id: zhang });
    expect(read.deputy.position).toBe('浏阳市第一中学校长');
  });

  it('me is the deputy of the bearer token, and nobody else', async () => {
    const mine = await ok(sg, `{ me { id name } }`, {}, await tokens.deputy('430181', zhang));
    expect(mine.me).toEqual({ id: zhang, name: '张建国' });
    expect((await ok(sg, `{ me { id } }`, {}, admin)).me).toBeNull();
    expect((await ok(sg, `{ me { id } }`)).me).toBeNull();
  });

  it('unknown or malformed deputy ids read as null', async () => {
    const data = await ok(sg, `query($a: ID!, $b: ID!) { a: deputy(id: $a) { id } b: deputy(id: $b) { id } }`, {
      a: unknownId,
      b: 'x',
    });
    expect(data).toEqual({ a: null, b: null });
  });
});

describe('deputies: filters and pagination', () => {
  it('pages default to 50 with totalCount and a next page', async () => {
    const data = await ok(sg, deputiesQuery, { f: { congressId: township } });
    expect(data.deputies.totalCount).toBe(120);
    expect(data.deputies.edges).toHaveLength(50);
    expect(data.deputies.pageInfo.hasNextPage).toBe(true);
    expect(data.deputies.pageInfo.endCursor).toBe(data.deputies.edges[49].cursor);
  });

  it('first > 100 is BAD_USER_INPUT; so are negative sizes and foreign cursors', async () => {
    await fails(sg, 'BAD_USER_INPUT', deputiesQuery, { first: 101 }, undefined, 'first');
    await fails(sg, 'BAD_USER_INPUT', deputiesQuery, { first: -1 }, undefined, 'first');
    await fails(sg, 'BAD_USER_INPUT', deputiesQuery, { after: 'garbage' }, undefined, 'after');
    await fails(
      sg,
      'BAD_USER_INPUT',
      deputiesQuery,
      { after: Buffer.from('c:not-a-uuid').toString('base64url') },
      undefined,
      'after',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      `query($id: ID!) { congress(id: $id) { deputies(first: 500) { totalCount } } }`,
      { id: township },
      undefined,
      'first',
    );
  });

  it('after cursors page through without overlap or gaps', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const data: {
        deputies: {
          totalCount: number;
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
          edges: { node: { id: string } }[];
        };
      } = await ok(sg, deputiesQuery, { f: { congressId: township }, first: 50, after });
      const page = data.deputies;
      expect(page.totalCount).toBe(120);
      seen.push(...page.edges.map((e: { node: { id: string } }) => e.node.id));
      pages += 1;
      if (!page.pageInfo.hasNextPage) {
        expect(page.edges).toHaveLength(20);
        break;
      }
      after = page.pageInfo.endCursor;
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(120);
    expect([...seen].sort()).toEqual([...townshipDeputies].sort());
    const max = await ok(sg, deputiesQuery, { f: { congressId: township }, first: 100 });
    expect(max.deputies.edges).toHaveLength(100);
    const rest = await ok(sg, deputiesQuery, {
      f: { congressId: township },
      first: 100,
      after: max.deputies.pageInfo.endCursor,
    });
    expect(rest.deputies.edges).toHaveLength(20);
    expect(rest.deputies.pageInfo).toEqual({ hasNextPage: false, endCursor: rest.deputies.edges[19].cursor });
  });

  it('D-1: the region filter takes the whole subtree', async () => {
    expect(await countOf({ regionCode: '430181104' })).toBe(121);
    expect(await countOf({ regionCode: '430181' })).toBe(122);
    expect(await countOf({ regionCode: '43' })).toBe(122);
    expect(await countOf({ regionCode: '4306' })).toBe(0);
    await fails(sg, 'BAD_USER_INPUT', deputiesQuery, { f: { regionCode: '4301x' } }, undefined, 'filter.regionCode');
  });

  it('filters by congress, group, name and combine', async () => {
    expect(await countOf({ congressId: county })).toBe(2);
    expect(await countOf({ congressId: county, regionCode: '430181104' })).toBe(1);
    expect(await countOf({ groupId: countyGroup })).toBe(1);
    expect(await countOf({ groupId: cityGroup })).toBe(0);
    expect(await countOf({ groupId: 'x' })).toBe(0);
    expect(await countOf({ congressId: unknownId })).toBe(0);
    expect(await countOf({ name: '永安1' })).toBe(1 + 10 + 21);
    expect(await countOf({ name: '王永安' })).toBe(40);
    expect(await countOf({ name: '王永安', congressId: township, regionCode: '430181104' })).toBe(40);
    expect(await countOf({ name: '%' })).toBe(0);
    const data = await ok(
      sg,
      `query($id: ID!) { congress(id: $id) { deputies(first: 5, filter: { name: "刘" }) { totalCount edges { node { name } } } } }`,
      { id: township },
    );
    expect(data.congress.deputies.totalCount).toBe(40);
    expect(data.congress.deputies.edges).toHaveLength(5);
  });

  it('Congress.deputies keeps to its own congress even when the filter names another', async () => {
    const data = await ok(
      sg,
      `query($id: ID!, $other: ID!) { congress(id: $id) { deputies(filter: { congressId: $other }) { totalCount } } }`,
      { id: county, other: township },
    );
    expect(data.congress.deputies.totalCount).toBe(0);
    const same = await ok(
      sg,
      `query($id: ID!) { congress(id: $id) { deputies(filter: { congressId: $id }) { totalCount } } }`,
      { id: county },
    );
    expect(same.congress.deputies.totalCount).toBe(2);
  });
});

describe('mandates and attendance (D-8)', () => {
  it('endMandate ends a mandate with a reason; it cannot end twice', async () => {
    const id = await createDeputy(sg, admin, { congressId: township, regionCode: '430181104', name: '退休代表' });
    const before = await ok(sg, `query($id: ID!) { congress(id: $id) { activeDeputyCount } }`, { id: township });
    const data = await ok(
      sg,
      endMandateMutation,
      { id, s: 'RESIGNED', r: ' 因工作调动辞职 ' },
      await tokens.staff('430181104'),
    );
    expect(data.endMandate).toEqual({ id, status: 'RESIGNED', statusReason: '因工作调动辞职' });
    const after = await ok(sg, `query($id: ID!) { congress(id: $id) { activeDeputyCount } }`, { id: township });
    expect(after.congress.activeDeputyCount).toBe(before.congress.activeDeputyCount - 1);
    expect(await countOf({ status: 'RESIGNED' })).toBe(1);
    expect(await countOf({ status: 'ACTIVE', congressId: township })).toBe(120);
    await fails(sg, 'CONFLICT', endMandateMutation, { id, s: 'DECEASED', r: '去世' }, admin);
    expect(await statusOf(id)).toEqual({ status: 'RESIGNED', statusReason: '因工作调动辞职' });
  });

  it('endMandate refuses bad input and unknown targets, and writes nothing', async () => {
    const id = townshipDeputies[0]!;
    await fails(sg, 'BAD_USER_INPUT', endMandateMutation, { id, s: 'ACTIVE', r: '恢复' }, admin, 'status');
    await fails(sg, 'BAD_USER_INPUT', endMandateMutation, { id, s: 'RECALLED', r: '   ' }, admin, 'reason');
    await fails(sg, 'NOT_FOUND', endMandateMutation, { id: unknownId, s: 'RECALLED', r: '罢免' }, admin);
    await fails(sg, 'NOT_FOUND', endMandateMutation, { id: 'x', s: 'RECALLED', r: '罢免' }, admin);
    expect(await statusOf(id)).toEqual({ status: 'ACTIVE', statusReason: null });
  });

  it('endMandate is for staff of the subtree and admins only', async () => {
    const id = townshipDeputies[0]!;
    const vars = { id, s: 'RECALLED', r: '罢免' };
    await fails(sg, 'UNAUTHENTICATED', endMandateMutation, vars);
    await fails(sg, 'FORBIDDEN', endMandateMutation, vars, await tokens.staff('4306'));
    await fails(sg, 'FORBIDDEN', endMandateMutation, vars, await tokens.analyst('430181104'));
    await fails(sg, 'FORBIDDEN', endMandateMutation, vars, await tokens.handler('430181104', unknownId));
    await fails(sg, 'FORBIDDEN', endMandateMutation, vars, await tokens.deputy('430181104', id));
    expect(await statusOf(id)).toEqual({ status: 'ACTIVE', statusReason: null });
  });

  it('D-8: two unexcused absences terminate the mandate', async () => {
    const id = await createDeputy(sg, admin, { congressId: county, regionCode: '430181', name: '缺席代表' });
    const staff = await tokens.staff('430181');
    const first = await ok(
      sg,
      attendanceMutation,
      { i: { sessionId: countySessions[0], deputyId: id, status: 'ABSENT' } },
      staff,
    );
    expect(first.recordAttendance).toEqual({
      status: 'ABSENT',
      deputy: { id, status: 'ACTIVE' },
      session: { id: countySessions[0], number: 1 },
    });
    const second = await ok(
      sg,
      attendanceMutation,
      { i: { sessionId: countySessions[1], deputyId: id, status: 'ABSENT' } },
      staff,
    );
    expect(second.recordAttendance.deputy).toEqual({ id, status: 'TERMINATED' });
    const read = await statusOf(id);
    expect(read.status).toBe('TERMINATED');
    expect(read.statusReason).toMatch(/2/);
    const duty = await ok(
      sg,
      `query($id: ID!) { deputy(id: $id) { y24: duty(year: 2024) { sessionsAbsentWithoutLeave } y25: duty(year: 2025) { sessionsAbsentWithoutLeave } y26: duty(year: 2026) { sessionsAbsentWithoutLeave } } }`,
      { id },
      staff,
    );
    expect(duty.deputy).toEqual({
      y24: { sessionsAbsentWithoutLeave: 1 },
      y25: { sessionsAbsentWithoutLeave: 1 },
      y26: { sessionsAbsentWithoutLeave: 0 },
    });
  });

  it('D-8: an excused absence (请假) does not count', async () => {
    const id = await createDeputy(sg, admin, { congressId: county, regionCode: '430181', name: '请假代表' });
    const staff = await tokens.staff('430181');
    await ok(sg, attendanceMutation, { i: { sessionId: countySessions[0], deputyId: id, status: 'ABSENT' } }, staff);
    await ok(sg, attendanceMutation, { i: { sessionId: countySessions[1], deputyId: id, status: 'EXCUSED' } }, staff);
    await ok(sg, attendanceMutation, { i: { sessionId: countySessions[2], deputyId: id, status: 'PRESENT' } }, staff);
    expect((await statusOf(id)).status).toBe('ACTIVE');
  });

  it('D-8: recording the same session ABSENT again counts once', async () => {
    const id = await createDeputy(sg, admin, { congressId: county, regionCode: '430181', name: '重录代表' });
    const staff = await tokens.staff('430181');
    await ok(sg, attendanceMutation, { i: { sessionId: countySessions[3], deputyId: id, status: 'ABSENT' } }, staff);
    const again = await ok(
      sg,
      attendanceMutation,
      { i: { sessionId: countySessions[3], deputyId: id, status: 'ABSENT' } },
      staff,
    );
    expect(again.recordAttendance.deputy.status).toBe('ACTIVE');
    const corrected = await ok(
      sg,
      attendanceMutation,
      { i: { sessionId: countySessions[3], deputyId: id, status: 'EXCUSED' } },
      staff,
    );
    expect(corrected.recordAttendance.status).toBe('EXCUSED');
    await ok(sg, attendanceMutation, { i: { sessionId: countySessions[2], deputyId: id, status: 'ABSENT' } }, staff);
    expect((await statusOf(id)).status).toBe('ACTIVE');
  });

  it('D-8: attendance of a session that has not opened yet is CONFLICT and ends no mandate', async () => {
    const later = await createSession(sg, admin, county, 5, '2026-08-20', '2026-08-21');
    const id = await createDeputy(sg, admin, { congressId: county, regionCode: '430181', name: '未来缺席' });
    await ok(sg, attendanceMutation, { i: { sessionId: countySessions[0], deputyId: id, status: 'ABSENT' } }, admin);
    await fails(sg, 'CONFLICT', attendanceMutation, { i: { sessionId: later, deputyId: id, status: 'ABSENT' } }, admin);
    await fails(
      sg,
      'CONFLICT',
      attendanceMutation,
      { i: { sessionId: later, deputyId: id, status: 'PRESENT' } },
      admin,
    );
    expect(await statusOf(id)).toEqual({ status: 'ACTIVE', statusReason: null });
    // 2026-08-19T16:00Z is 2026-08-20 00:00 in Shanghai: the session has opened.
    stack.clock.set('2026-08-19T16:00:00Z');
    try {
      const data = await ok(sg, attendanceMutation, { i: { sessionId: later, deputyId: id, status: 'ABSENT' } }, admin);
      expect(data.recordAttendance.deputy.status).toBe('TERMINATED');
    } finally {
      stack.clock.set('2026-06-15T02:00:00Z');
    }
  });

  it('recordAttendance refuses unknown sessions and deputies and deputies of another congress, writing nothing', async () => {
    const session = countySessions[3]!;
    const attendance = async () =>
      (
        await ok(
          sg,
          `query($id: ID!) { _entities(representations: [{ __typename: "CongressSession", id: $id }]) { ... on CongressSession { attendance { deputy { id } status } } } }`,
          { id: session },
          admin,
        )
      )._entities[0].attendance;
    const before = await attendance();
    await fails(
      sg,
      'BAD_USER_INPUT',
      attendanceMutation,
      { i: { sessionId: unknownId, deputyId: zhang, status: 'ABSENT' } },
      admin,
      'input.sessionId',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      attendanceMutation,
      { i: { sessionId: 'x', deputyId: zhang, status: 'ABSENT' } },
      admin,
      'input.sessionId',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      attendanceMutation,
      { i: { sessionId: session, deputyId: unknownId, status: 'ABSENT' } },
      admin,
      'input.deputyId',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      attendanceMutation,
      { i: { sessionId: session, deputyId: townshipDeputies[1], status: 'ABSENT' } },
      admin,
      'input.deputyId',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      attendanceMutation,
      { i: { sessionId: citySession, deputyId: zhang, status: 'ABSENT' } },
      admin,
      'input.deputyId',
    );
    expect(await attendance()).toEqual(before);
  });

  it('attendance is recorded by staff of the subtree and admins only', async () => {
    const i = { sessionId: countySessions[0], deputyId: zhang, status: 'ABSENT' };
    await fails(sg, 'UNAUTHENTICATED', attendanceMutation, { i });
    await fails(sg, 'FORBIDDEN', attendanceMutation, { i }, await tokens.staff('4306'));
    await fails(sg, 'FORBIDDEN', attendanceMutation, { i }, await tokens.analyst('430181'));
    await fails(sg, 'FORBIDDEN', attendanceMutation, { i }, await tokens.handler('430181', unknownId));
    await fails(sg, 'FORBIDDEN', attendanceMutation, { i }, await tokens.deputy('430181', zhang));
    const duty = await ok(
      sg,
      `query($id: ID!) { deputy(id: $id) { duty(year: 2024) { sessionsAbsentWithoutLeave } } }`,
      { id: zhang },
      admin,
    );
    expect(duty.deputy.duty.sessionsAbsentWithoutLeave).toBe(0);
  });

  it('attendance is read by staff and analysts of the subtree; a deputy sees their own line only', async () => {
    await ok(
      sg,
      attendanceMutation,
      { i: { sessionId: countySessions[0], deputyId: zhang, status: 'PRESENT' } },
      admin,
    );
    const q = `query($id: ID!) { congress(id: $id) { sessions { number attendance { deputy { name } status } } } }`;
    const byStaff = await ok(sg, q, { id: county }, await tokens.staff('430181'));
    expect(byStaff.congress.sessions[0].attendance).toHaveLength(4);
    const byAnalyst = await ok(sg, q, { id: county }, await tokens.analyst('43'));
    expect(byAnalyst.congress.sessions[0].attendance).toEqual(byStaff.congress.sessions[0].attendance);
    const byDeputy = await ok(sg, q, { id: county }, await tokens.deputy('430181', zhang));
    expect(byDeputy.congress.sessions[0].attendance).toEqual([{ deputy: { name: '张建国' }, status: 'PRESENT' }]);
    expect(byDeputy.congress.sessions[1].attendance).toEqual([]);
    await fails(sg, 'UNAUTHENTICATED', q, { id: county });
    await fails(sg, 'FORBIDDEN', q, { id: county }, await tokens.staff('4306'));
    await fails(sg, 'FORBIDDEN', q, { id: county }, await tokens.handler('430181', unknownId));
  });
});

describe('groups and stations (D-7, D-9)', () => {
  const createGroupMutation = `mutation($i: CreateGroupInput!) { createGroup(input: $i) { id name region { code } members { id } } }`;
  const createStationMutation = `mutation($i: CreateStationInput!) { createStation(input: $i) { id name address region { code } standards { premises rules plan activities records results compliant } deputies { id } } }`;
  const setStandardsMutation = `mutation($id: ID!, $i: StationStandardsInput!) { setStationStandards(id: $id, input: $i) { id standards { premises rules plan activities records results compliant } } }`;
  const allSix = { premises: true, rules: true, plan: true, activities: true, records: true, results: true };

  it('D-7: a deputy group lists its members', async () => {
    const staff = await tokens.staff('430181');
    const data = await ok(
      sg,
      createGroupMutation,
      { i: { regionCode: '430181104', name: '永安镇第二代表小组' } },
      staff,
    );
    expect(data.createGroup).toMatchObject({ name: '永安镇第二代表小组', region: { code: '430181104' }, members: [] });
    await ok(sg, updateDeputyMutation, { id: townshipDeputies[2], i: { groupId: data.createGroup.id } }, staff);
    const read = await ok(
      sg,
      `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on DeputyGroup { name members { id } } } }`,
      { reps: [{ __typename: 'DeputyGroup', id: data.createGroup.id }] },
    );
    expect(read._entities[0]).toEqual({ name: '永安镇第二代表小组', members: [{ id: townshipDeputies[2] }] });
    expect(await countOf({ groupId: data.createGroup.id })).toBe(1);
  });

  it('bad group and station input is refused; outside staff are FORBIDDEN', async () => {
    const stationCount = async () =>
      (await ok(sg, `query($id: ID!) { deputy(id: $id) { station { deputies { id } } } }`, { id: zhang })).deputy
        .station.deputies.length;
    const before = await stationCount();
    await fails(
      sg,
      'BAD_USER_INPUT',
      createGroupMutation,
      { i: { regionCode: '430181', name: ' ' } },
      admin,
      'input.name',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      createGroupMutation,
      { i: { regionCode: '4301810', name: '小组' } },
      admin,
      'input.regionCode',
    );
    await fails(
      sg,
      'FORBIDDEN',
      createGroupMutation,
      { i: { regionCode: '430181', name: '小组' } },
      await tokens.staff('4306'),
    );
    await fails(
      sg,
      'FORBIDDEN',
      createGroupMutation,
      { i: { regionCode: '430181', name: '小组' } },
      await tokens.analyst('430181'),
    );
    await fails(sg, 'UNAUTHENTICATED', createGroupMutation, { i: { regionCode: '430181', name: '小组' } });
    await fails(
      sg,
      'BAD_USER_INPUT',
      createStationMutation,
      { i: { regionCode: '430181', name: '站', address: '  ' } },
      admin,
      'input.address',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      createStationMutation,
      { i: { regionCode: '430181', name: '', address: '路' } },
      admin,
      'input.name',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      createStationMutation,
      { i: { regionCode: 'x', name: '站', address: '路' } },
      admin,
      'input.regionCode',
    );
    await fails(
      sg,
      'FORBIDDEN',
      createStationMutation,
      { i: { regionCode: '430181', name: '站', address: '路' } },
      await tokens.staff('4306'),
    );
    await fails(
      sg,
      'FORBIDDEN',
      createStationMutation,
      { i: { regionCode: '430181', name: '站', address: '路' } },
      await tokens.deputy('430181', zhang),
    );
    const stats = await ok(sg, `{ region(code: "430181") { deputyStats(year: 2026) { stations } } }`, {}, admin);
    expect(stats.region.deputyStats.stations).toBe(1);
    expect(await stationCount()).toBe(before);
  });

  it('D-9: a new station meets none of the six standards', async () => {
    const data = await ok(
      sg,
      createStationMutation,
      { i: { regionCode: '430181104', name: '永安镇代表之家', address: '永安镇政府' } },
      await tokens.staff('430181104'),
    );
    expect(data.createStation).toMatchObject({
      name: '永安镇代表之家',
      region: { code: '430181104' },
      standards: {
        premises: false,
        rules: false,
        plan: false,
        activities: false,
        records: false,
        results: false,
        compliant: false,
      },
      deputies: [],
    });
  });

  it('D-9: a station is compliant only when all six standards are met', async () => {
    const station = await createStation(sg, admin, '430181104', '永安镇丰裕村联络站');
    const staff = await tokens.staff('430181104');
    for (const missing of Object.keys(allSix)) {
      const data = await ok(sg, setStandardsMutation, { id: station, i: { ...allSix, [missing]: false } }, staff);
      expect(data.setStationStandards.standards).toEqual({ ...allSix, [missing]: false, compliant: false });
    }
    const data = await ok(sg, setStandardsMutation, { id: station, i: allSix }, staff);
    expect(data.setStationStandards.standards).toEqual({ ...allSix, compliant: true });
    const read = await ok(sg, `query($id: ID!) { station(id: $id) { standards { compliant } } }`, { id: station });
    expect(read.station.standards.compliant).toBe(true);
  });

  it('D-9: setStationStandards: unknown station NOT_FOUND; outside staff, analysts and deputies FORBIDDEN; nothing changes', async () => {
    await fails(sg, 'NOT_FOUND', setStandardsMutation, { id: unknownId, i: allSix }, admin);
    await fails(sg, 'NOT_FOUND', setStandardsMutation, { id: 'x', i: allSix }, admin);
    await fails(sg, 'UNAUTHENTICATED', setStandardsMutation, { id: countyStation, i: allSix });
    await fails(
      sg,
      'FORBIDDEN',
      setStandardsMutation,
      { id: countyStation, i: allSix },
      await tokens.staff('430181104'),
    );
    await fails(
      sg,
      'FORBIDDEN',
      setStandardsMutation,
      { id: countyStation, i: allSix },
      await tokens.analyst('430181'),
    );
    await fails(
      sg,
      'FORBIDDEN',
      setStandardsMutation,
      { id: countyStation, i: allSix },
      await tokens.deputy('430181', zhang),
    );
    const read = await ok(
      sg,
      `query($id: ID!) { station(id: $id) { standards { compliant premises } deputies { id } } }`,
      { id: countyStation },
    );
    expect(read.station).toEqual({ standards: { compliant: false, premises: false }, deputies: [{ id: zhang }] });
  });
});

describe('batching (no N+1)', () => {
  it('100 deputies with their congress, region, group, station, contacts and duty load in a bounded number of statements', async () => {
    const query = `query($id: ID!, $first: Int) { congress(id: $id) { deputies(first: $first) { edges { node {
      name congress { name activeDeputyCount } region { name parent { code } } group { name } station { name standards { compliant } }
      contacts(year: 2026) { summary } duty(year: 2026) { voterContacts meetsMinimums }
    } } } } }`;
    const counter = countStatements(stack.services.deputies!.orm);
    try {
      await ok(sg, query, { id: township, first: 10 }, admin);
      const ten = counter.count();
      counter.reset();
      const data = await ok(sg, query, { id: township, first: 100 }, admin);
      expect(data.congress.deputies.edges).toHaveLength(100);
      expect(counter.count()).toBe(ten);
      expect(counter.count()).toBeLessThanOrEqual(15);
    } finally {
      counter.stop();
    }
  });
});

describe('_entities (used by the other subgraphs)', () => {
  it('D-3: resolves Deputy representations in one batch, unknown ones as null', async () => {
    const reps = [zhang, townshipDeputies[5], unknownId, 'bad'].map((id) => ({ __typename: 'Deputy', id }));
    const data = await ok(sg, entitiesQuery, { reps });
    expect(data._entities).toEqual([
      {
        __typename: 'Deputy',
        id: zhang,
        name: '张建国',
        status: 'ACTIVE',
        region: { code: '430181' },
        congress: { id: county },
      },
      {
        __typename: 'Deputy',
        id: townshipDeputies[5],
        name: '刘永安6号',
        status: 'ACTIVE',
        region: { code: '430181104' },
        congress: { id: township },
      },
      null,
      null,
    ]);
  });

  it('resolves DeputyGroup and LiaisonStation representations', async () => {
    const data = await ok(sg, entitiesQuery, {
      reps: [
        { __typename: 'DeputyGroup', id: countyGroup },
        { __typename: 'LiaisonStation', id: countyStation },
      ],
    });
    expect(data._entities).toEqual([
      { __typename: 'DeputyGroup', id: countyGroup, name: '浏阳市第一代表小组' },
      { __typename: 'LiaisonStation', id: countyStation, name: '浏阳市人大代表联络站' },
    ]);
  });
});
