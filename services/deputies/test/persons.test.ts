import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServices, type TestStack } from '@renda/testing/services';
import { tokens } from '@renda/testing/tokens';
import { fails, ok } from '@renda/testing/graphql';
import { deputiesService } from '../src/server.ts';
import { DeputySchema } from '../src/modules/deputies/deputy.entity.ts';
import { PersonSchema } from '../src/modules/persons/person.entity.ts';
import { countRows, createCongress, createRegions, deputyInput, subgraphOf, unknownId } from './fixtures.ts';

let stack: TestStack;
let sg: ReturnType<typeof subgraphOf>;
let admin: string;
let term17: string;
let term18: string;
let township: string;

const createMutation = `mutation($i: CreateDeputyInput!) { createDeputy(input: $i) { id leadingCadre person { id name } } }`;

async function create(congressId: string, name: string, extra: Record<string, unknown> = {}, regionCode = '430181') {
  const data = await ok(
    sg,
    createMutation,
    { i: { ...deputyInput({ congressId, regionCode, name }), ...extra } },
    admin,
  );
  return data.createDeputy as { id: string; leadingCadre: boolean; person: { id: string; name: string } };
}

beforeAll(async () => {
  stack = await startTestServices([deputiesService]);
  sg = subgraphOf(stack);
  admin = await tokens.admin();
  await createRegions(sg, admin);
  term17 = await createCongress(sg, admin, {
    regionCode: '430181',
    termNumber: 17,
    name: '浏阳市第十七届人民代表大会',
    startsOn: '2019-01-10',
    endsOn: '2024-01-09',
  });
  term18 = await createCongress(sg, admin, {
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
}, 120_000);

afterAll(() => stack?.stop());

describe('one person across terms and levels (D-12)', () => {
  it('D-12: a further mandate joins its person; the person lists every mandate; continuity counts those who held one in the previous term', async () => {
    const old = [
      await create(term17, '周建国'),
      await create(term17, '吴秀英'),
      await create(term17, '徐志强'),
      await create(term17, '孙丽华'),
    ];
    const again1 = await create(term18, '周建国', { personId: old[0]!.person.id });
    await create(term18, '吴秀英', { personId: old[1]!.person.id });
    await create(term18, '马伟');
    await create(term18, '朱芳');
    expect(again1.person.id).toBe(old[0]!.person.id);
    // The same person also sits in Yong'an town's congress.
    await create(township, '周建国', { personId: old[0]!.person.id }, '430181104');
    const person = await ok(
      sg,
      `query($id: ID!) { person(id: $id) { name mandates { congress { termNumber level } } } }`,
      { id: old[0]!.person.id },
    );
    expect(person.person.name).toBe('周建国');
    expect(
      person.person.mandates.map(
        (m: { congress: { termNumber: number; level: string } }) => `${m.congress.level}:${m.congress.termNumber}`,
      ),
    ).toEqual(['COUNTY:17', 'TOWNSHIP:18', 'COUNTY:18']);
    const continuity = async (id: string) =>
      (await ok(sg, `query($id: ID!) { congress(id: $id) { continuity { deputies continuing rate } } }`, { id }))
        .congress.continuity;
    expect(await continuity(term18)).toEqual({ deputies: 4, continuing: 2, rate: 0.5 });
    // No previous term recorded: nothing to compare with, so no rate (F-2).
    expect(await continuity(term17)).toEqual({ deputies: 4, continuing: 0, rate: null });
  });

  it('D-12: an unknown person or a second mandate in the same congress is refused, writing nothing', async () => {
    const first = await create(term18, '胡军');
    const people = await countRows(stack, PersonSchema);
    const deputies = await countRows(stack, DeputySchema);
    await fails(
      sg,
      'BAD_USER_INPUT',
      createMutation,
      { i: { ...deputyInput({ congressId: term18, regionCode: '430181', name: '某' }), personId: unknownId } },
      admin,
      'input.personId',
    );
    await fails(
      sg,
      'CONFLICT',
      createMutation,
      { i: { ...deputyInput({ congressId: term18, regionCode: '430181', name: '胡军' }), personId: first.person.id } },
      admin,
    );
    expect(await countRows(stack, PersonSchema)).toBe(people);
    expect(await countRows(stack, DeputySchema)).toBe(deputies);
    // The database holds the same rule itself.
    const sql = stack.services.deputies!.orm.em.fork().getConnection();
    await expect(
      sql.execute(`update deputies.deputies set person_id = '${unknownId}' where id = '${first.id}'`),
    ).rejects.toThrow(/foreign key/);
  });
});
