import { ok } from '@renda/testing/graphql';
import { startTestServices, type TestStack } from '@renda/testing/services';
import { tokens } from '@renda/testing/tokens';
import { deputiesService } from '@renda/deputies/server';
import { supervisionService } from '../src/server.ts';

export type Executor = TestStack['services'][string]['subgraph'];

/** The deputies and supervision subgraphs on one fresh database (the deputies subgraph answers `_entities` for id checks). */
export async function startStack(): Promise<{ stack: TestStack; sg: Executor; deputies: Executor }> {
  const stack = await startTestServices([deputiesService, supervisionService]);
  return { stack, sg: stack.services.supervision!.subgraph, deputies: stack.services.deputies!.subgraph };
}

export interface Tokens {
  admin: string;
  staff: string;
  staffTownship: string;
  staffOther: string;
  analyst: string;
  analystOther: string;
  deputy: string;
}

export async function makeTokens(): Promise<Tokens> {
  return {
    admin: await tokens.admin(),
    staff: await tokens.staff('430181'),
    staffTownship: await tokens.staff('430181104'),
    staffOther: await tokens.staff('430602'),
    analyst: await tokens.analyst('430181'),
    analystOther: await tokens.analyst('430602'),
    deputy: await tokens.deputy('430181', '0190a0b0-0000-7000-8000-000000000001'),
  };
}

export const handlerToken = (unitId: string, region = '430181') => tokens.handler(region, unitId);

export interface Units {
  government: string;
  transport: string;
  housing: string;
  court: string;
  township: string;
  otherCounty: string;
}

/** Liuyang's government with two departments and its court, Yong'an town's government, and a unit of another county. */
export async function makeUnits(sg: Executor, admin: string): Promise<Units> {
  const create = async (regionCode: string, name: string, kind: string, parentId?: string) =>
    (
      await ok(
        sg,
        'mutation($input: CreateUnitInput!) { createUnit(input: $input) { id } }',
        { input: { regionCode, name, kind, parentId } },
        admin,
      )
    ).createUnit.id as string;
  const government = await create('430181', '浏阳市人民政府', 'GOVERNMENT');
  return {
    government,
    transport: await create('430181', '浏阳市交通运输局', 'GOVERNMENT_DEPARTMENT', government),
    housing: await create('430181', '浏阳市住房和城乡建设局', 'GOVERNMENT_DEPARTMENT', government),
    court: await create('430181', '浏阳市人民法院', 'COURT'),
    township: await create('430181104', '永安镇人民政府', 'GOVERNMENT'),
    otherCounty: await create('430602', '岳阳楼区人民政府', 'GOVERNMENT'),
  };
}

/**
 * G-6: registers, in the deputies subgraph, the region chain of `code`, a congress in office from 2022
 * and `members` standing-committee members: the committee `membersTotal` is checked against.
 */
export async function registerCommittee(
  deputies: Executor,
  admin: string,
  code: string,
  members: number,
): Promise<string> {
  const level: Record<number, string> = { 2: 'PROVINCE', 4: 'CITY', 6: 'COUNTY', 9: 'TOWNSHIP' };
  for (const c of [code.slice(0, 2), code.slice(0, 4), code.slice(0, 6)]) {
    const input = { code: c, name: `地区${c}`, level: level[c.length] };
    const create = 'mutation($i: CreateRegionInput!) { createRegion(input: $i) { code } }';
    const made = await deputies.execute(create, { i: input }, admin);
    // A region registered before (by another committee of the same province) answers CONFLICT.
    if (made.errors && made.errors[0]?.extensions?.code !== 'CONFLICT') throw new Error(made.errors[0]!.message);
  }
  const congress = await ok(
    deputies,
    'mutation($i: CreateCongressInput!) { createCongress(input: $i) { id } }',
    {
      i: { regionCode: code, termNumber: 17, name: `${code}第十七届人民代表大会`, startsOn: '2022-01-01' },
    },
    admin,
  );
  const congressId = congress.createCongress.id as string;
  for (let n = 1; n <= members; n++) {
    const input = { congressId, name: `委员${n}`, role: 'MEMBER', fullTime: false };
    const create = 'mutation($i: CreateCommitteeMemberInput!) { createCommitteeMember(input: $i) { id } }';
    await ok(deputies, create, { i: input }, admin);
  }
  return congressId;
}
