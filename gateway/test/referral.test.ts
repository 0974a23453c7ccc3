import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deputiesService } from '@renda/deputies/server';
import { suggestionsService } from '@renda/suggestions/server';
import { tokens } from '@renda/testing/tokens';
import { startTestPlatform, type TestPlatform } from './harness.ts';

/** D-10: opinions heard in a deputy's contact are referred for an answer, linked both ways. */
let platform: TestPlatform;
let staff: string;
let deputyId: string;
let contactId: string;

async function ok(query: string, variables: Record<string, unknown>, token?: string) {
  const result = await platform.execute(query, variables, token);
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return result.data as Record<string, any>;
}

async function refusal(query: string, variables: Record<string, unknown>, token?: string) {
  const error = (await platform.execute(query, variables, token)).errors?.[0];
  return { code: error?.extensions?.code, field: error?.extensions?.field };
}

const refer = `mutation($i: SubmitSuggestionInput!) { submitSuggestion(input: $i) { id kind leadDeputy { id } sourceContact { id } } }`;
const referInput = (extra: Record<string, unknown> = {}) => ({
  kind: 'VOTER_OPINION',
  regionCode: '430181',
  title: '村道硬化',
  content: '选民反映永安村村道需要硬化。',
  sourceContactId: contactId,
  sourceOpinionIndex: 1,
  ...extra,
});
const countItems = async () => (await platform.services.suggestions!.orm.em.fork().count('Suggestion', {})) as number;

beforeAll(async () => {
  platform = await startTestPlatform([deputiesService, suggestionsService]);
  const admin = await tokens.admin();
  staff = await tokens.staff('430181');
  for (const [code, name, level] of [
    ['43', '湖南省', 'PROVINCE'],
    ['4301', '长沙市', 'CITY'],
    ['430181', '浏阳市', 'COUNTY'],
  ]) {
    await ok(
      `mutation($i: CreateRegionInput!) { createRegion(input: $i) { code } }`,
      { i: { code, name, level } },
      admin,
    );
  }
  const congress = (
    await ok(
      `mutation($i: CreateCongressInput!) { createCongress(input: $i) { id } }`,
      { i: { regionCode: '430181', termNumber: 18, name: '浏阳市第十八届人民代表大会', startsOn: '2024-01-10' } },
      admin,
    )
  ).createCongress.id;
  const deputy = {
    congressId: congress,
    regionCode: '430181',
    name: '周建国',
    gender: 'MALE',
    workUnit: '永安村',
    position: '村支书',
    constituency: '第一选区',
  };
  deputyId = (await ok(`mutation($i: CreateDeputyInput!) { createDeputy(input: $i) { id } }`, { i: deputy }, admin))
    .createDeputy.id;
  const contact = {
    kind: 'VOTER',
    method: 'MEETING',
    deputyId,
    occurredOn: '2026-03-01',
    summary: '接待选民',
    participants: 15,
    opinions: ['增设路灯', '村道需要硬化'],
  };
  contactId = (await ok(`mutation($i: RecordContactInput!) { recordContact(input: $i) { id } }`, { i: contact }, staff))
    .recordContact.id;
}, 120_000);

afterAll(() => platform?.stop());

describe('referral of opinions (D-10)', () => {
  it('D-10: staff refer an opinion of a contact; the item links to the contact and the deputy sees it on the contact', async () => {
    const item = (await ok(refer, { i: referInput() }, staff)).submitSuggestion;
    expect(item).toMatchObject({
      kind: 'VOTER_OPINION',
      leadDeputy: { id: deputyId },
      sourceContact: { id: contactId },
    });
    const seen = await ok(
      `query($id: ID!) { deputy(id: $id) { contacts(year: 2026) { id opinions referrals { id title stage } } } }`,
      { id: deputyId },
      await tokens.deputy('430181', deputyId),
    );
    expect(seen.deputy.contacts).toEqual([
      {
        id: contactId,
        opinions: ['增设路灯', '村道需要硬化'],
        referrals: [{ id: item.id, title: '村道硬化', stage: 'RECEIVED' }],
      },
    ]);
  });

  it('D-10: a second referral of the same opinion, a missing opinion, another kind or an unknown contact is refused, writing nothing', async () => {
    const before = await countItems();
    expect(await refusal(refer, { i: referInput() }, staff)).toMatchObject({ code: 'CONFLICT' });
    expect(await refusal(refer, { i: referInput({ sourceOpinionIndex: 5 }) }, staff)).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.sourceOpinionIndex',
    });
    expect(await refusal(refer, { i: referInput({ kind: 'SUGGESTION', leadDeputyId: deputyId }) }, staff)).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.sourceContactId',
    });
    expect(
      await refusal(refer, { i: referInput({ sourceContactId: '01890000-0000-7000-8000-000000000000' }) }, staff),
    ).toEqual({ code: 'BAD_USER_INPUT', field: 'input.sourceContactId' });
    // Staff of another region cannot read the contact, so cannot refer from it.
    expect(
      (
        await refusal(
          refer,
          { i: referInput({ regionCode: '4306', sourceOpinionIndex: 0 }) },
          await tokens.staff('4306'),
        )
      ).code,
    ).toBe('BAD_USER_INPUT');
    expect(await countItems()).toBe(before);
  });
});
