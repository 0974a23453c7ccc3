import type { EntitySchema } from '@mikro-orm/postgresql';
import type { TestStack } from '@renda/testing/services';
import { ok } from '@renda/testing/graphql';

/** The subgraph executor of the deputies service in a test stack. */
export function subgraphOf(stack: TestStack) {
  return stack.services.deputies!.subgraph;
}

/** Rows of one table, counted straight from the database: the read-back for records no query lists. */
export function countRows(
  stack: TestStack,
  schema: EntitySchema<any>,
  where: Record<string, unknown> = {},
): Promise<number> {
  return stack.services.deputies!.orm.em.fork().count(schema, where);
}

type Executor = ReturnType<typeof subgraphOf>;

/** The regions of the demo: Hunan, Changsha, Liuyang, Yong'an town, Yueyang, Yueyanglou district. */
export const demoRegions: [string, string, string][] = [
  ['43', '湖南省', 'PROVINCE'],
  ['4301', '长沙市', 'CITY'],
  ['430181', '浏阳市', 'COUNTY'],
  ['430181104', '永安镇', 'TOWNSHIP'],
  ['4306', '岳阳市', 'CITY'],
  ['430602', '岳阳楼区', 'COUNTY'],
];

export async function createRegions(sg: Executor, token: string): Promise<void> {
  for (const [code, name, level] of demoRegions) {
    await ok(
      sg,
      `mutation($i: CreateRegionInput!) { createRegion(input: $i) { code } }`,
      { i: { code, name, level } },
      token,
    );
  }
}

export async function createCongress(
  sg: Executor,
  token: string,
  input: { regionCode: string; termNumber: number; name: string; startsOn: string; endsOn?: string | null },
): Promise<string> {
  const data = await ok(
    sg,
    `mutation($i: CreateCongressInput!) { createCongress(input: $i) { id } }`,
    { i: input },
    token,
  );
  return data.createCongress.id as string;
}

export async function createSession(
  sg: Executor,
  token: string,
  congressId: string,
  number: number,
  opensOn: string,
  closesOn: string,
): Promise<string> {
  const data = await ok(
    sg,
    `mutation($i: CreateSessionInput!) { createSession(input: $i) { id } }`,
    { i: { congressId, number, opensOn, closesOn } },
    token,
  );
  return data.createSession.id as string;
}

export interface DeputyFields {
  congressId: string;
  regionCode: string;
  name: string;
  gender?: 'MALE' | 'FEMALE';
  ethnicity?: string | null;
  workUnit?: string;
  position?: string;
  phone?: string | null;
  constituency?: string;
  groupId?: string | null;
  stationId?: string | null;
}

export function deputyInput(f: DeputyFields) {
  return {
    gender: 'MALE',
    workUnit: '浏阳市永安村',
    position: '村党支部书记',
    constituency: '第一选区',
    ...f,
  };
}

export async function createDeputy(sg: Executor, token: string, fields: DeputyFields): Promise<string> {
  const data = await ok(
    sg,
    `mutation($i: CreateDeputyInput!) { createDeputy(input: $i) { id } }`,
    { i: deputyInput(fields) },
    token,
  );
  return data.createDeputy.id as string;
}

/** Many deputies in one document (aliased mutations run one after another). */
export async function createDeputies(sg: Executor, token: string, list: DeputyFields[]): Promise<string[]> {
  const vars: Record<string, unknown> = {};
  const decl: string[] = [];
  const fields: string[] = [];
  list.forEach((f, i) => {
    vars[`i${i}`] = deputyInput(f);
    decl.push(`$i${i}: CreateDeputyInput!`);
    fields.push(`d${i}: createDeputy(input: $i${i}) { id }`);
  });
  const data = await ok(sg, `mutation(${decl.join(', ')}) { ${fields.join(' ')} }`, vars, token);
  return list.map((_, i) => data[`d${i}`].id as string);
}

export async function createGroup(sg: Executor, token: string, regionCode: string, name: string): Promise<string> {
  const data = await ok(
    sg,
    `mutation($i: CreateGroupInput!) { createGroup(input: $i) { id } }`,
    { i: { regionCode, name } },
    token,
  );
  return data.createGroup.id as string;
}

export async function createStation(
  sg: Executor,
  token: string,
  regionCode: string,
  name: string,
  address = '人民路1号',
): Promise<string> {
  const data = await ok(
    sg,
    `mutation($i: CreateStationInput!) { createStation(input: $i) { id } }`,
    { i: { regionCode, name, address } },
    token,
  );
  return data.createStation.id as string;
}

export const entitiesQuery = `query($reps: [_Any!]!) {
  _entities(representations: $reps) {
    __typename
    ... on Deputy { id name status region { code } congress { id } }
    ... on Region { code name level parent { code } }
    ... on Congress { id name level termNumber region { code } }
    ... on CongressSession { id number opensOn closesOn congress { id } }
    ... on DeputyGroup { id name }
    ... on LiaisonStation { id name }
    ... on CommitteeMember { id name memberRole: role }
    ... on GovernmentLeader { id name leaderRole: role }
    ... on ContactRecord { id kind }
  }
}`;

/** A well-formed id no record has. */
export const unknownId = '01890000-0000-7000-8000-000000000000';
