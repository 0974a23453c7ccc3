import { startTestServices, type TestStack } from '@renda/testing/services';
import type { EventsRuntime } from '@renda/server-kit/service';
import { tokens } from '@renda/testing/tokens';
import { ok } from '@renda/testing/graphql';
import { deputiesService } from '@renda/deputies/server';
import { supervisionService } from '@renda/supervision/server';
import { suggestionsService } from '../src/server.ts';

/** The three subgraphs this one talks to, on one fresh database. */
export function startStack(
  now?: string,
  settings?: Record<string, Record<string, unknown>>,
  options: { events?: EventsRuntime } = {},
): Promise<TestStack> {
  return startTestServices([deputiesService, supervisionService, suggestionsService], {
    ...(now ? { now } : {}),
    ...(settings ? { settings } : {}),
    ...options,
  });
}

export interface World {
  /** County congress of 430181 (浏阳市): 13 ACTIVE deputies and one whose mandate ended. */
  county: { congressId: string; sessionId: string; deputies: string[]; resigned: string };
  /** Township congress of 430181104 (永安镇): 7 deputies. */
  township: { congressId: string; sessionId: string; deputies: string[] };
  /** A deputy of the city of 4306 (岳阳), another congress. */
  stranger: string;
  units: { transport: string; education: string; water: string; yueyang: string };
}

const suggestionsOf = (stack: TestStack) => stack.services.suggestions!.subgraph;
export const sg = suggestionsOf;

/** Registers regions, congresses, sessions and deputies (deputies subgraph) and units (supervision subgraph). */
export async function buildWorld(stack: TestStack): Promise<World> {
  const deputies = stack.services.deputies!.subgraph;
  const supervision = stack.services.supervision!.subgraph;
  const admin = await tokens.admin();
  for (const [code, name, level] of [
    ['43', '湖南省', 'PROVINCE'],
    ['4301', '长沙市', 'CITY'],
    ['430181', '浏阳市', 'COUNTY'],
    ['430181104', '永安镇', 'TOWNSHIP'],
    ['4306', '岳阳市', 'CITY'],
  ] as const) {
    await ok(
      deputies,
      'mutation($i: CreateRegionInput!) { createRegion(input: $i) { code } }',
      { i: { code, name, level } },
      admin,
    );
  }
  const congress = async (regionCode: string, name: string, count: number) => {
    const c = await ok(
      deputies,
      'mutation($i: CreateCongressInput!) { createCongress(input: $i) { id } }',
      { i: { regionCode, termNumber: 17, name, startsOn: '2022-01-01' } },
      admin,
    );
    const congressId = c.createCongress.id as string;
    const s = await ok(
      deputies,
      'mutation($i: CreateSessionInput!) { createSession(input: $i) { id } }',
      { i: { congressId, number: 3, opensOn: '2026-01-10', closesOn: '2026-01-13' } },
      admin,
    );
    const ids: string[] = [];
    for (let n = 1; n <= count; n++) {
      const d = await ok(
        deputies,
        'mutation($i: CreateDeputyInput!) { createDeputy(input: $i) { id } }',
        {
          i: {
            congressId,
            regionCode,
            name: `代表${regionCode}-${n}`,
            gender: n % 2 ? 'MALE' : 'FEMALE',
            workUnit: '单位',
            position: '职务',
            constituency: `第${n}选区`,
          },
        },
        admin,
      );
      ids.push(d.createDeputy.id);
    }
    return { congressId, sessionId: s.createSession.id as string, deputies: ids };
  };
  const county = await congress('430181', '浏阳市第十七届人民代表大会', 14);
  const resigned = county.deputies.pop()!;
  await ok(
    deputies,
    'mutation($id: ID!) { endMandate(id: $id, status: RESIGNED, reason: "辞职") { id } }',
    { id: resigned },
    admin,
  );
  const township = await congress('430181104', '永安镇第十七届人民代表大会', 7);
  const city = await congress('4306', '岳阳市第十七届人民代表大会', 1);
  const unit = async (regionCode: string, name: string) =>
    (
      await ok(
        supervision,
        'mutation($i: CreateUnitInput!) { createUnit(input: $i) { id } }',
        { i: { regionCode, name, kind: 'GOVERNMENT_DEPARTMENT' } },
        admin,
      )
    ).createUnit.id as string;
  return {
    county: { ...county, resigned },
    township,
    stranger: city.deputies[0]!,
    units: {
      transport: await unit('430181', '浏阳市交通运输局'),
      education: await unit('430181', '浏阳市教育局'),
      water: await unit('430181', '浏阳市水利局'),
      yueyang: await unit('4306', '岳阳市交通运输局'),
    },
  };
}

export const SUBMIT = `mutation($i: SubmitSuggestionInput!) { submitSuggestion(input: $i) { id serial kind stage regionCode: region { code } leadDeputy { id } coSigners { id } } }`;
export const ASSIGN = `mutation($id: ID!, $i: AssignSuggestionInput!) { assignSuggestion(id: $id, input: $i) { id stage grade leadOfficial assignedOn replyDueOn units { unit { id } role } } }`;
export const REPLY = `mutation($id: ID!, $i: ReplyInput!) { replySuggestion(id: $id, input: $i) { id stage reply { category onTime repliedOn round } } }`;
export const STEP = `mutation($id: ID!, $s: SuggestionStage!, $n: String) { recordStep(id: $id, stage: $s, note: $n) { id stage published } }`;
export const START = `mutation($id: ID!) { startHandling(id: $id) { id stage } }`;
export const EVALUATE = `mutation($id: ID!, $i: EvaluationInput!) { evaluateSuggestion(id: $id, input: $i) { id stage round rehandling replyDueOn reply { category } evaluations { round attitude result coercionRisk } } }`;
export const ITEM = `query($id: ID!) { suggestion(id: $id) { id serial stage round isKey rehandling published overdue replyDueOn reply { category onTime } steps { stage by round note } evaluations { round result coercionRisk } } }`;

/** Files a deputy's SUGGESTION of the county and returns its id. */
export async function fileSuggestion(
  stack: TestStack,
  world: World,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const lead = (extra.leadDeputyId as string | undefined) ?? world.county.deputies[0]!;
  const token = await tokens.deputy('430181', lead);
  const data = await ok(
    sg(stack),
    SUBMIT,
    {
      i: {
        kind: 'SUGGESTION',
        regionCode: '430181',
        sessionId: world.county.sessionId,
        title: '关于改善农村公路的建议',
        content: '建议加快农村公路提质改造。',
        ...extra,
        leadDeputyId: lead,
      },
    },
    token,
  );
  return data.submitSuggestion.id;
}

/**
 * Drives an item with staff (and the lead unit's handler) up to `target`: assigned to transport
 * (lead) and education (co-handler), replied with `category`.
 */
export async function driveTo(
  stack: TestStack,
  world: World,
  id: string,
  target: 'ASSIGNED' | 'HANDLING' | 'REPLIED' | 'FOLLOWED_UP',
  category: 'SOLVED' | 'PLANNED' | 'EXPLAINED' = 'SOLVED',
): Promise<void> {
  const staff = await tokens.staff('430181');
  const handler = await tokens.handler('430181', world.units.transport);
  await ok(
    sg(stack),
    ASSIGN,
    {
      id,
      i: {
        grade: 'LEVEL_4',
        leadOfficial: '副局长 李明',
        units: [
          { unitId: world.units.transport, role: 'LEAD' },
          { unitId: world.units.education, role: 'CO_HANDLER' },
        ],
      },
    },
    staff,
  );
  if (target === 'ASSIGNED') return;
  await ok(sg(stack), START, { id }, handler);
  if (target === 'HANDLING') return;
  await ok(
    sg(stack),
    REPLY,
    { id, i: { category, content: '已纳入年度计划并实施。', reviewedBy: '局长 王强' } },
    handler,
  );
  if (target === 'REPLIED') return;
  await ok(sg(stack), STEP, { id, s: 'FOLLOWED_UP', n: '电话回访' }, handler);
}
