import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deputiesService } from '@renda/deputies/server';
import { suggestionsService } from '@renda/suggestions/server';
import { supervisionService } from '@renda/supervision/server';
import { defaultVotingSettings } from '@renda/voting/env';
import { votingService } from '@renda/voting/server';
import { startCopies, type CopiesStack } from '@renda/testing/copies';
import { tokens } from '@renda/testing/tokens';
import type { RunningService } from '@renda/server-kit/service';

/**
 * Two copies of each of the four subgraphs on one PostgreSQL and one Redis, each pair behind a round-robin
 * balancer (subgraphs call each other through the balancers too): every migration runs once although all
 * eight copies start at the same moment, concurrent writes sent to both copies of a pair stay consistent,
 * and a rate limit counts across copies. docs/scale.md; services/voting/test/two-copies.test.ts looks
 * closer at the voting pair.
 */
const ready = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);
if (!ready) console.log('two-copies.test.ts skipped: needs DATABASE_URL and REDIS_URL (one PostgreSQL, one Redis)');

const definitions = [deputiesService, supervisionService, suggestionsService, votingService];
let stack: CopiesStack;
let admin: string;
let staff: string;
const town = { code: '430181104', congressId: '', sessionId: '', deputyIds: [] as string[], unitId: '' };

type Answer = Awaited<ReturnType<CopiesStack['post']>>;
const codeOf = (a: Answer) => (a.errors ? (a.errors[0]!.extensions?.code ?? 'ERROR') : 'OK');
/** Sends `n` requests at once (the balancer alternates them between the copies); their verdicts. */
async function atOnce(
  n: number,
  send: (i: number) => Promise<Answer>,
): Promise<{ answers: Answer[]; verdicts: string[] }> {
  const answers = await Promise.all(Array.from({ length: n }, (_, i) => send(i)));
  return { answers, verdicts: answers.map(codeOf) };
}
async function must(service: string, query: string, variables: Record<string, unknown>, token: string) {
  const r = await stack.post(service, query, variables, { authorization: `Bearer ${token}` });
  if (r.errors) throw new Error(`${service}: ${JSON.stringify(r.errors)}`);
  return r.data!;
}
const tally = (verdicts: string[]) =>
  Object.entries(verdicts.reduce<Record<string, number>>((t, v) => ({ ...t, [v]: (t[v] ?? 0) + 1 }), {}))
    .map(([v, n]) => `${n} ${v}`)
    .join(', ');

describe.skipIf(!ready)('two copies of each subgraph', () => {
  beforeAll(async () => {
    const started = performance.now();
    stack = await startCopies(definitions, 2);
    console.log(
      `two copies: 8 copies started at once on an empty database in ${Math.round(performance.now() - started)} ms`,
    );
    admin = await tokens.admin();
    staff = await tokens.staff(town.code);
    for (const [code, name, level] of [
      ['43', '湖南省', 'PROVINCE'],
      ['4301', '长沙市', 'CITY'],
      ['430181', '浏阳市', 'COUNTY'],
      ['430181104', '永安镇', 'TOWNSHIP'],
    ]) {
      await must(
        'deputies',
        'mutation($i: CreateRegionInput!) { createRegion(input: $i) { code } }',
        { i: { code, name, level } },
        admin,
      );
    }
    const c = await must(
      'deputies',
      'mutation($i: CreateCongressInput!) { createCongress(input: $i) { id } }',
      { i: { regionCode: town.code, termNumber: 18, name: '永安镇第十八届人民代表大会', startsOn: '2024-01-01' } },
      admin,
    );
    town.congressId = c.createCongress.id;
    const s = await must(
      'deputies',
      'mutation($i: CreateSessionInput!) { createSession(input: $i) { id } }',
      { i: { congressId: town.congressId, number: 1, opensOn: '2026-06-14', closesOn: '2026-06-16' } },
      admin,
    );
    town.sessionId = s.createSession.id;
    for (let n = 1; n <= 4; n++) {
      const d = await must(
        'deputies',
        'mutation($i: CreateDeputyInput!) { createDeputy(input: $i) { id } }',
        {
          i: {
            congressId: town.congressId,
            regionCode: town.code,
            name: `代表${n}`,
            gender: 'MALE',
            workUnit: '村委会',
            position: '主任',
            constituency: `第${n}选区`,
          },
        },
        admin,
      );
      town.deputyIds.push(d.createDeputy.id);
    }
    const u = await must(
      'supervision',
      'mutation($i: CreateUnitInput!) { createUnit(input: $i) { id } }',
      { i: { regionCode: town.code, name: '永安镇人民政府', kind: 'GOVERNMENT' } },
      admin,
    );
    town.unitId = u.createUnit.id;
  }, 120_000);
  afterAll(() => stack?.stop());

  it('every migration of every subgraph is recorded once, although both copies migrated at the same moment', async () => {
    const lines: string[] = [];
    for (const def of definitions) {
      const rows = await stack.copies[def.name]![0]!.orm.em.getConnection().execute<{ n: number }[]>(
        `select name, count(*)::int as n from "${def.dbSchema}"."mikro_orm_migrations" group by name`,
      );
      lines.push(
        `${def.name} ${rows.length}/${def.migrations.length} × ${[...new Set(rows.map((r) => r.n))].join('/')}`,
      );
      expect(rows).toHaveLength(def.migrations.length);
      expect(rows.every((r) => r.n === 1)).toBe(true);
    }
    console.log(`two copies: migrations recorded (count × times each): ${lines.join('; ')}`);
  });

  it('duplicate submissions sent to both copies at once: one is written, the others are CONFLICT', async () => {
    const region = await atOnce(6, () =>
      stack.post(
        'deputies',
        'mutation($i: CreateRegionInput!) { createRegion(input: $i) { code } }',
        { i: { code: '430181105', name: '官渡镇', level: 'TOWNSHIP' } },
        { authorization: `Bearer ${admin}` },
      ),
    );
    const unit = await atOnce(6, () =>
      stack.post(
        'supervision',
        'mutation($i: CreateUnitInput!) { createUnit(input: $i) { id } }',
        { i: { regionCode: town.code, name: '永安镇交通站', kind: 'GOVERNMENT_DEPARTMENT', parentId: town.unitId } },
        { authorization: `Bearer ${staff}` },
      ),
    );
    console.log(
      `two copies: 6 identical createRegion: ${tally(region.verdicts)}; 6 identical createUnit: ${tally(unit.verdicts)}`,
    );
    for (const { verdicts } of [region, unit]) {
      expect(verdicts.filter((v) => v === 'OK')).toHaveLength(1);
      expect(verdicts.filter((v) => v !== 'OK').every((v) => v === 'CONFLICT')).toBe(true);
    }
  });

  it('S-1 and the steps: concurrent filings get distinct serials; concurrent steps on one item, one wins', async () => {
    const SUBMIT = 'mutation($i: SubmitSuggestionInput!) { submitSuggestion(input: $i) { id serial } }';
    const filed = await atOnce(8, (i) =>
      stack.post(
        'suggestions',
        SUBMIT,
        {
          i: {
            kind: 'CPPCC_PROPOSAL',
            regionCode: town.code,
            title: `提案${i}`,
            content: '内容',
            proposerName: '政协委员',
          },
        },
        { authorization: `Bearer ${staff}` },
      ),
    );
    const serials = filed.answers.map((a) => a.data?.submitSuggestion?.serial as string);
    expect(filed.verdicts.every((v) => v === 'OK')).toBe(true);
    expect(new Set(serials).size).toBe(8);
    const id = filed.answers[0]!.data!.submitSuggestion.id as string;
    const ASSIGN = 'mutation($id: ID!, $i: AssignSuggestionInput!) { assignSuggestion(id: $id, input: $i) { stage } }';
    const assign = { grade: 'LEVEL_4', leadOfficial: '镇长', units: [{ unitId: town.unitId, role: 'LEAD' }] };
    const steps = await atOnce(6, () =>
      stack.post('suggestions', ASSIGN, { id, i: assign }, { authorization: `Bearer ${staff}` }),
    );
    const item = await must(
      'suggestions',
      'query($id: ID!) { suggestion(id: $id) { stage steps { stage } } }',
      { id },
      staff,
    );
    console.log(
      `two copies: 8 concurrent filings got ${new Set(serials).size} distinct serials; 6 concurrent assignments of one item: ` +
        `${tally(steps.verdicts)}; its steps: ${item.suggestion.steps.map((s: { stage: string }) => s.stage).join(' → ')}`,
    );
    expect(steps.verdicts.filter((v) => v === 'OK')).toHaveLength(1);
    expect(steps.verdicts.filter((v) => v !== 'OK').every((v) => v === 'CONFLICT')).toBe(true);
    expect(item.suggestion.steps.map((s: { stage: string }) => s.stage)).toEqual(['RECEIVED', 'ASSIGNED']);
  });

  it('V-3: each deputy sends the same ballot to both copies at once: one accepted per deputy', async () => {
    const p = await must(
      'voting',
      'mutation($i: CreateProgramInput!) { createProgram(input: $i) { id } }',
      {
        i: {
          regionCode: town.code,
          level: 'TOWNSHIP',
          year: 2026,
          sessionId: town.sessionId,
          title: '2026年民生实事',
          seats: 1,
        },
      },
      staff,
    );
    const programId = p.createProgram.id as string;
    await must(
      'voting',
      'mutation($id: ID!) { closeSolicitation(programId: $id) { stage } }',
      { id: programId },
      staff,
    );
    const candidates = [1, 2].map((i) => ({
      title: `候选项目${i}`,
      description: '说明',
      budget: `${i}00000.00`,
      leadUnitId: town.unitId,
    }));
    const set = await must(
      'voting',
      'mutation($id: ID!, $c: [CandidateInput!]!) { setCandidates(programId: $id, candidates: $c) { candidates { id } } }',
      { id: programId, c: candidates },
      staff,
    );
    const candidateId = set.setCandidates.candidates[0].id as string;
    const b = await must(
      'voting',
      'mutation($p: ID!, $r: [ID!]!) { openBallot(programId: $p, rollDeputyIds: $r) { id } }',
      { p: programId, r: town.deputyIds },
      staff,
    );
    const ballotId = b.openBallot.id as string;
    const CAST = 'mutation($b: ID!, $c: [BallotChoiceInput!]!) { castBallot(ballotId: $b, choices: $c) { id } }';
    const deputyTokens = await Promise.all(town.deputyIds.map((d) => tokens.deputy(town.code, d)));
    const casts = await atOnce(town.deputyIds.length * 2, (i) =>
      stack.post(
        'voting',
        CAST,
        { b: ballotId, c: [{ candidateId, choice: 'FOR' }] },
        { authorization: `Bearer ${deputyTokens[i >> 1]}` },
      ),
    );
    const cast = await Promise.all(
      [0, 1].map(
        async () =>
          (await must('voting', 'query($id: ID!) { ballot(id: $id) { ballotsCast } }', { id: ballotId }, staff)).ballot
            .ballotsCast as number,
      ),
    );
    console.log(
      `two copies: ${casts.answers.length} casts by ${town.deputyIds.length} deputies (each paper to both copies): ${tally(casts.verdicts)}; ballotsCast read through each copy: ${cast.join(', ')}`,
    );
    const accepted = casts.verdicts.flatMap((v, i) => (v === 'OK' ? [i >> 1] : []));
    expect(new Set(accepted).size).toBe(town.deputyIds.length);
    expect(accepted).toHaveLength(town.deputyIds.length);
    const others = casts.answers.filter((a) => !['OK', 'CONFLICT'].includes(codeOf(a)));
    expect(
      others.map((a) => a.errors),
      'every paper but the counted one is CONFLICT',
    ).toEqual([]);
    expect(cast).toEqual([town.deputyIds.length, town.deputyIds.length]);
  });

  it('V-1: the anonymous proposal limit counts requests to both copies (Redis)', async () => {
    const p = await must(
      'voting',
      'mutation($i: CreateProgramInput!) { createProgram(input: $i) { id } }',
      {
        i: { regionCode: town.code, level: 'TOWNSHIP', year: 2026, sessionId: town.sessionId, title: '限流', seats: 1 },
      },
      staff,
    );
    const limit = defaultVotingSettings.rules.proposalsPerMinute;
    const client = `10.${[0, 0, 0].map(() => Math.floor(Math.random() * 250) + 1).join('.')}`;
    const before = [...stack.balancers.voting!.served];
    const verdicts: string[] = [];
    for (let n = 0; n <= limit; n++) {
      const r = await stack.post(
        'voting',
        'mutation($p: ID!, $i: ProposeProjectInput!) { proposeProject(programId: $p, input: $i) { id } }',
        { p: p.createProgram.id, i: { title: `提案${n}`, description: '说明', proposer: '村民' } },
        { 'x-forwarded-for': client },
      );
      verdicts.push(codeOf(r));
    }
    const served = stack.balancers.voting!.served.map((s, i) => s - before[i]!);
    console.log(
      `two copies: ${limit + 1} anonymous proposals from one address (limit ${limit}), ${served.join(' and ')} per copy: ${tally(verdicts)}`,
    );
    expect(verdicts.slice(0, limit).every((v) => v === 'OK')).toBe(true);
    expect(verdicts[limit]).toBe('RATE_LIMITED');
  });

  it('one outbox relay and one reminder scheduler per service lead at a time, and every event is published', async () => {
    const leaders = (pick: (c: RunningService) => { isLeader: boolean } | null) =>
      Object.fromEntries(
        Object.entries(stack.copies).map(([name, copies]) => [name, copies.filter((c) => pick(c)?.isLeader).length]),
      );
    // Leadership is taken on the first tick; then sample it while the relays run.
    await waitFor(() => Object.values(leaders((c) => c.events.relay)).every((n) => n === 1));
    const samples: Record<string, number>[] = [];
    for (let i = 0; i < 10; i++) {
      samples.push(
        leaders((c) => c.events.relay),
        leaders((c) => c.events.reminders),
      );
      await new Promise((r) => setTimeout(r, 50));
    }
    const schedulers = leaders((c) => c.events.reminders);
    console.log(
      `two copies: relay leaders per service ${JSON.stringify(leaders((c) => c.events.relay))}, ` +
        `reminder leaders ${JSON.stringify(schedulers)} (10 samples, never two)`,
    );
    for (const sample of samples) for (const n of Object.values(sample)) expect(n).toBeLessThanOrEqual(1);
    // What the writes above recorded leaves through the one relay of each service.
    await waitFor(async () => {
      for (const name of Object.keys(stack.copies)) {
        const [row] = await stack.copies[name]![0]!.orm.em.getConnection().execute<{ n: number }[]>(
          `select count(*)::int as n from "${name}".outbox_events where published_at is null`,
        );
        if (row!.n > 0) return false;
      }
      return true;
    });
  });
});

async function waitFor(check: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}
