import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServices, type TestStack } from '@renda/testing/services';
import { tokens } from '@renda/testing/tokens';
import { ok, fails } from '@renda/testing/graphql';
import { deputiesService } from '../src/server.ts';
import { createCongress, createRegions, createSession, entitiesQuery, subgraphOf, unknownId } from './fixtures.ts';

let stack: TestStack;
let sg: ReturnType<typeof subgraphOf>;
let admin: string;
let county: string;
let township: string;
const sessions: string[] = [];

const createRegionMutation = `mutation($i: CreateRegionInput!) { createRegion(input: $i) { code name level } }`;
const createCongressMutation = `mutation($i: CreateCongressInput!) { createCongress(input: $i) { id name level termNumber startsOn endsOn region { code } } }`;
const createSessionMutation = `mutation($i: CreateSessionInput!) { createSession(input: $i) { id number opensOn closesOn congress { id } } }`;

async function childrenOf(code: string): Promise<string[]> {
  const data = await ok(sg, `query($p: ID) { regions(parentCode: $p) { code } }`, { p: code });
  return data.regions.map((r: { code: string }) => r.code);
}

async function sessionNumbers(congressId: string): Promise<number[]> {
  const data = await ok(sg, `query($id: ID!) { congress(id: $id) { sessions { number } } }`, { id: congressId });
  return data.congress.sessions.map((s: { number: number }) => s.number);
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
  sessions.push(await createSession(sg, admin, county, 1, '2024-01-15', '2024-01-17'));
  sessions.push(await createSession(sg, admin, county, 2, '2025-01-15', '2025-01-17'));
});
afterAll(() => stack?.stop());

describe('regions (D-1)', () => {
  it('D-1: registers regions at four levels and links parents and children', async () => {
    const data = await ok(
      sg,
      `{ region(code: "430181") { code name level parent { code name level } children { code name level } } }`,
    );
    expect(data.region).toEqual({
      code: '430181',
      name: '浏阳市',
      level: 'COUNTY',
      parent: { code: '4301', name: '长沙市', level: 'CITY' },
      children: [{ code: '430181104', name: '永安镇', level: 'TOWNSHIP' }],
    });
    const provinces = await ok(sg, `{ regions { code level } }`);
    expect(provinces.regions).toEqual([{ code: '43', level: 'PROVINCE' }]);
    expect(await childrenOf('43')).toEqual(['4301', '4306']);
    const counties = await ok(sg, `{ regions(level: COUNTY) { code } }`);
    expect(counties.regions.map((r: { code: string }) => r.code)).toEqual(['430181', '430602']);
  });

  it('D-1: a staff member registers regions inside their own subtree only', async () => {
    const staff = await tokens.staff('4301');
    const data = await ok(sg, createRegionMutation, { i: { code: '430102', name: '芙蓉区', level: 'COUNTY' } }, staff);
    expect(data.createRegion).toEqual({ code: '430102', name: '芙蓉区', level: 'COUNTY' });
    await fails(
      sg,
      'FORBIDDEN',
      createRegionMutation,
      { i: { code: '430603', name: '云溪区', level: 'COUNTY' } },
      staff,
    );
    expect(await childrenOf('4306')).toEqual(['430602']);
  });

  it('D-1: the level must match the length of the code', async () => {
    await fails(
      sg,
      'BAD_USER_INPUT',
      createRegionMutation,
      { i: { code: '430603', name: '云溪区', level: 'CITY' } },
      admin,
      'input.level',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      createRegionMutation,
      { i: { code: '4307', name: '常德市', level: 'COUNTY' } },
      admin,
      'input.level',
    );
    expect(await childrenOf('4306')).toEqual(['430602']);
    expect(await childrenOf('43')).toEqual(['4301', '4306']);
  });

  it('D-1: malformed codes are refused (digits only, 2/4/6/9 long)', async () => {
    for (const code of ['4x', '430', '43061', '4306031', '43060310', '4306031010', 'abcdef', '', '  ', '43 06']) {
      await fails(
        sg,
        'BAD_USER_INPUT',
        createRegionMutation,
        { i: { code, name: '某地', level: 'COUNTY' } },
        admin,
        'input.code',
      );
    }
    expect(await childrenOf('4306')).toEqual(['430602']);
    const all = await ok(sg, `{ regions { code } }`);
    expect(all.regions).toEqual([{ code: '43' }]);
  });

  it("D-1: a child's code extends a registered parent's code", async () => {
    await fails(
      sg,
      'BAD_USER_INPUT',
      createRegionMutation,
      { i: { code: '4401', name: '广州市', level: 'CITY' } },
      admin,
      'input.code',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      createRegionMutation,
      { i: { code: '430703', name: '鼎城区', level: 'COUNTY' } },
      admin,
      'input.code',
    );
    expect(await childrenOf('44')).toEqual([]);
    const r = await ok(sg, `{ region(code: "4401") { name } }`);
    expect(r.region).toBeNull();
  });

  it('D-1: a registered code cannot be registered twice', async () => {
    await fails(
      sg,
      'CONFLICT',
      createRegionMutation,
      { i: { code: '4306', name: '另一个岳阳市', level: 'CITY' } },
      admin,
    );
    const r = await ok(sg, `{ region(code: "4306") { name } }`);
    expect(r.region.name).toBe('岳阳市');
  });

  it('D-1: an empty or whitespace name is refused', async () => {
    await fails(
      sg,
      'BAD_USER_INPUT',
      createRegionMutation,
      { i: { code: '430603', name: '   ', level: 'COUNTY' } },
      admin,
      'input.name',
    );
    expect(await childrenOf('4306')).toEqual(['430602']);
  });

  it('D-1: region(code) is null for an unregistered code and BAD_USER_INPUT for a malformed one', async () => {
    expect((await ok(sg, `{ region(code: "439999") { code name } }`)).region).toBeNull();
    expect((await ok(sg, `{ region(code: "430181199") { code name } }`)).region).toBeNull();
    for (const code of ['43x', '43018', '', '4'.repeat(40)]) {
      await fails(
        sg,
        'BAD_USER_INPUT',
        `query($code: ID!) { region(code: $code) { code } }`,
        { code },
        undefined,
        'code',
      );
    }
  });

  it('D-1: regions() refuses a malformed parent code', async () => {
    await fails(sg, 'BAD_USER_INPUT', `{ regions(parentCode: "4x") { code } }`, {}, undefined, 'parentCode');
  });

  it('only staff and admins register regions; the public must sign in', async () => {
    const i = { code: '430603', name: '云溪区', level: 'COUNTY' };
    await fails(sg, 'UNAUTHENTICATED', createRegionMutation, { i });
    await fails(sg, 'FORBIDDEN', createRegionMutation, { i }, await tokens.analyst('43'));
    await fails(sg, 'FORBIDDEN', createRegionMutation, { i }, await tokens.handler('4306', unknownId));
    await fails(sg, 'FORBIDDEN', createRegionMutation, { i }, await tokens.deputy('4306', unknownId));
    expect(await childrenOf('4306')).toEqual(['430602']);
  });
});

describe('congresses and sessions (D-2)', () => {
  it('D-2: a congress sits for a term with its level from its region', async () => {
    const data = await ok(
      sg,
      `query($id: ID!) { congress(id: $id) { name level termNumber startsOn endsOn region { code name } activeDeputyCount } }`,
      { id: county },
    );
    expect(data.congress).toEqual({
      name: '浏阳市第十八届人民代表大会',
      level: 'COUNTY',
      termNumber: 18,
      startsOn: '2024-01-10',
      endsOn: '2029-01-09',
      region: { code: '430181', name: '浏阳市' },
      activeDeputyCount: 0,
    });
  });

  it('D-2: the current congress of a region is the term covering the date', async () => {
    const staff = await tokens.staff('430181');
    const older = await ok(
      sg,
      createCongressMutation,
      {
        i: {
          regionCode: '430181',
          termNumber: 17,
          name: '浏阳市第十七届人民代表大会',
          startsOn: '2019-01-10',
          endsOn: '2024-01-09',
        },
      },
      staff,
    );
    expect(older.createCongress).toMatchObject({ level: 'COUNTY', termNumber: 17, region: { code: '430181' } });
    const q = `query($on: Date) { region(code: "430181") { currentCongress(on: $on) { id termNumber } } }`;
    expect((await ok(sg, q, {})).region.currentCongress).toEqual({ id: county, termNumber: 18 });
    expect((await ok(sg, q, { on: '2020-06-01' })).region.currentCongress).toEqual({
      id: older.createCongress.id,
      termNumber: 17,
    });
    expect((await ok(sg, q, { on: '2010-06-01' })).region.currentCongress).toBeNull();
  });

  it('D-2: sessions are numbered within the term and listed in order', async () => {
    const data = await ok(
      sg,
      createSessionMutation,
      { i: { congressId: county, number: 3, opensOn: '2026-01-15', closesOn: '2026-01-17' } },
      admin,
    );
    expect(data.createSession).toMatchObject({
      number: 3,
      opensOn: '2026-01-15',
      closesOn: '2026-01-17',
      congress: { id: county },
    });
    sessions.push(data.createSession.id);
    expect(await sessionNumbers(county)).toEqual([1, 2, 3]);
  });

  it('D-2: a township congress meets twice a year (一年两会)', async () => {
    await createSession(sg, admin, township, 2, '2026-08-20', '2026-08-21');
    await createSession(sg, admin, township, 1, '2026-01-10', '2026-01-11');
    const data = await ok(sg, `query($id: ID!) { congress(id: $id) { level sessions { number opensOn } } }`, {
      id: township,
    });
    expect(data.congress).toEqual({
      level: 'TOWNSHIP',
      sessions: [
        { number: 1, opensOn: '2026-01-10' },
        { number: 2, opensOn: '2026-08-20' },
      ],
    });
  });

  it('D-2: bad congress input is refused and writes nothing', async () => {
    const base = {
      regionCode: '4306',
      termNumber: 9,
      name: '岳阳市第九届人民代表大会',
      startsOn: '2024-01-10',
      endsOn: '2029-01-09',
    };
    await fails(
      sg,
      'BAD_USER_INPUT',
      createCongressMutation,
      { i: { ...base, regionCode: '43a6' } },
      admin,
      'input.regionCode',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      createCongressMutation,
      { i: { ...base, termNumber: 0 } },
      admin,
      'input.termNumber',
    );
    await fails(sg, 'BAD_USER_INPUT', createCongressMutation, { i: { ...base, name: '  ' } }, admin, 'input.name');
    await fails(
      sg,
      'BAD_USER_INPUT',
      createCongressMutation,
      { i: { ...base, endsOn: '2023-01-01' } },
      admin,
      'input.endsOn',
    );
    await fails(sg, 'BAD_USER_INPUT', createCongressMutation, { i: { ...base, startsOn: '2024-13-40' } }, admin);
    await fails(
      sg,
      'CONFLICT',
      createCongressMutation,
      { i: { ...base, regionCode: '430181', termNumber: 18 } },
      admin,
    );
    const r = await ok(sg, `{ region(code: "4306") { currentCongress(on: "2025-01-01") { id } } }`);
    expect(r.region.currentCongress).toBeNull();
    const liuyang = await ok(sg, `{ region(code: "430181") { currentCongress { id name } } }`);
    expect(liuyang.region.currentCongress).toEqual({ id: county, name: '浏阳市第十八届人民代表大会' });
  });

  it('D-2: congresses and sessions are created by staff of the region only', async () => {
    const i = { regionCode: '4306', termNumber: 9, name: '岳阳市第九届人民代表大会', startsOn: '2024-01-10' };
    await fails(sg, 'UNAUTHENTICATED', createCongressMutation, { i });
    await fails(sg, 'FORBIDDEN', createCongressMutation, { i }, await tokens.staff('430181'));
    await fails(sg, 'FORBIDDEN', createCongressMutation, { i }, await tokens.analyst('43'));
    await fails(sg, 'FORBIDDEN', createCongressMutation, { i }, await tokens.handler('4306', unknownId));
    const s = { congressId: county, number: 4, opensOn: '2026-08-20', closesOn: '2026-08-22' };
    await fails(sg, 'UNAUTHENTICATED', createSessionMutation, { i: s });
    await fails(sg, 'FORBIDDEN', createSessionMutation, { i: s }, await tokens.staff('4306'));
    await fails(sg, 'FORBIDDEN', createSessionMutation, { i: s }, await tokens.analyst('430181'));
    await fails(sg, 'FORBIDDEN', createSessionMutation, { i: s }, await tokens.deputy('430181', unknownId));
    const r = await ok(sg, `{ region(code: "4306") { currentCongress(on: "2025-01-01") { id } } }`);
    expect(r.region.currentCongress).toBeNull();
    expect(await sessionNumbers(county)).toEqual([1, 2, 3]);
  });

  it('D-2: bad session input is refused and writes nothing', async () => {
    const base = { congressId: county, number: 4, opensOn: '2026-08-20', closesOn: '2026-08-22' };
    await fails(
      sg,
      'BAD_USER_INPUT',
      createSessionMutation,
      { i: { ...base, congressId: unknownId } },
      admin,
      'input.congressId',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      createSessionMutation,
      { i: { ...base, congressId: 'not-an-id' } },
      admin,
      'input.congressId',
    );
    await fails(sg, 'BAD_USER_INPUT', createSessionMutation, { i: { ...base, number: 0 } }, admin, 'input.number');
    await fails(
      sg,
      'BAD_USER_INPUT',
      createSessionMutation,
      { i: { ...base, closesOn: '2026-08-19' } },
      admin,
      'input.closesOn',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      createSessionMutation,
      { i: { ...base, opensOn: '2030-01-15', closesOn: '2030-01-17' } },
      admin,
      'input.opensOn',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      createSessionMutation,
      { i: { ...base, opensOn: '2023-01-15', closesOn: '2023-01-17' } },
      admin,
      'input.opensOn',
    );
    await fails(sg, 'CONFLICT', createSessionMutation, { i: { ...base, number: 2 } }, admin);
    expect(await sessionNumbers(county)).toEqual([1, 2, 3]);
  });
});

describe('_entities (used by the other subgraphs)', () => {
  it('D-1: resolves Region representations, registered or not', async () => {
    const data = await ok(sg, entitiesQuery, {
      reps: [
        { __typename: 'Region', code: '430181' },
        { __typename: 'Region', code: '430181199' },
        { __typename: 'Region', code: 'bad' },
      ],
    });
    expect(data._entities).toEqual([
      { __typename: 'Region', code: '430181', name: '浏阳市', level: 'COUNTY', parent: { code: '4301' } },
      { __typename: 'Region', code: '430181199', name: '430181199', level: 'TOWNSHIP', parent: { code: '430181' } },
      null,
    ]);
  });

  it('D-2: resolves Congress and CongressSession representations', async () => {
    const data = await ok(sg, entitiesQuery, {
      reps: [
        { __typename: 'Congress', id: county },
        { __typename: 'CongressSession', id: sessions[1] },
        { __typename: 'Congress', id: unknownId },
        { __typename: 'CongressSession', id: 'nope' },
      ],
    });
    expect(data._entities).toEqual([
      {
        __typename: 'Congress',
        id: county,
        name: '浏阳市第十八届人民代表大会',
        level: 'COUNTY',
        termNumber: 18,
        region: { code: '430181' },
      },
      {
        __typename: 'CongressSession',
        id: sessions[1],
        number: 2,
        opensOn: '2025-01-15',
        closesOn: '2025-01-17',
        congress: { id: county },
      },
      null,
      null,
    ]);
  });

  it('a representation of a type no subgraph owns is BAD_USER_INPUT, not an internal error', async () => {
    await fails(sg, 'BAD_USER_INPUT', '{ _entities(representations: [{__typename: "Nope", id: "x"}]) { __typename } }');
  });
});
