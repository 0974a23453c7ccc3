import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { demoId } from '@renda/db/ids';
import { deputiesService } from '@renda/deputies/server';
import { suggestionsService } from '@renda/suggestions/server';
import { supervisionService } from '@renda/supervision/server';
import { votingService } from '@renda/voting/server';
import { tokens } from '@renda/testing/tokens';
import { supergraphPath } from '../src/compose.ts';
import { startTestPlatform, type TestPlatform } from './harness.ts';

/**
 * Handling and the vote as clients meet them through the gateway, on the demo data (clock 2026-06-15):
 * each refusal has its code and a read-back shows nothing changed.
 */
let platform: TestPlatform;
const services = [deputiesService, supervisionService, suggestionsService, votingService];

beforeAll(async () => {
  platform = await startTestPlatform(services, { supergraphSdl: readFileSync(supergraphPath, 'utf8'), demo: true });
}, 180_000);
afterAll(() => platform?.stop());

async function data(query: string, token?: string, variables?: Record<string, unknown>) {
  const result = await platform.execute(query, variables, token);
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return result.data as Record<string, any>;
}

async function codeOf(query: string, token: string, variables?: Record<string, unknown>) {
  return (await platform.execute(query, variables, token)).errors?.[0]?.extensions?.code;
}

describe('handling and the vote through the gateway', () => {
  it('V-6: a vote after the ballot\u2019s session has closed is refused; the turnout stays', async () => {
    const ballotId = demoId('ballot:430181104:voting');
    const staff = await tokens.staff('430181104');
    const before = (await data(`{ ballot(id: "${ballotId}") { status method ballotsCast candidates { id } } }`, staff))
      .ballot;
    expect(before).toMatchObject({ status: 'OPEN', method: 'ONLINE' });
    const voter = await tokens.deputy('430181104', demoId('deputy:430181104:79'));
    const choices = before.candidates.map((c: { id: string }) => ({ candidateId: c.id, choice: 'FOR' }));
    const cast = `mutation($b: ID!, $c: [BallotChoiceInput!]!) { castBallot(ballotId: $b, choices: $c) { ballotsCast } }`;
    expect(await codeOf(cast, voter, { b: ballotId, c: choices })).toBe('CONFLICT');
    expect((await data(`{ ballot(id: "${ballotId}") { ballotsCast } }`, staff)).ballot.ballotsCast).toBe(
      before.ballotsCast,
    );
  });

  it('V-7: a rating by someone not among the round\u2019s raters is refused; the responses stay', async () => {
    const roundId = demoId('evaluation:430181104:evaluating');
    const staff = await tokens.staff('430181104');
    const round = (
      await data(
        `{ evaluationRound(id: "${roundId}") { status raters responses program { projects { id status } } } }`,
        staff,
      )
    ).evaluationRound;
    expect(round.raters).not.toContain('COMMITTEE_MEMBERS');
    const elected = round.program.projects.filter(
      (p: { status: string }) => p.status !== 'NOT_ELECTED' && p.status !== 'CANDIDATE',
    );
    const ratings = elected.map((p: { id: string }) => ({ projectId: p.id, rating: 'SATISFIED' }));
    const rate = `mutation($r: ID!, $x: [ProjectRatingInput!]!) { rateProjects(roundId: $r, ratings: $x) { responses } }`;
    const member = await tokens.member('430181', demoId('member:430181:3'));
    expect(await codeOf(rate, member, { r: roundId, x: ratings })).toBe('FORBIDDEN');
    const handler = await tokens.handler('430181104', demoId('unit:430181104:government'));
    expect(await codeOf(rate, handler, { r: roundId, x: ratings })).toBe('FORBIDDEN');
    expect((await data(`{ evaluationRound(id: "${roundId}") { responses } }`, staff)).evaluationRound.responses).toBe(
      round.responses,
    );
  });

  it('S-10: a co-handler reporting progress on the lead unit\u2019s behalf is refused; the record stays', async () => {
    const staff = await tokens.staff('430181');
    const items = (
      await data(
        `{ suggestions(filter: { regionCode: "430181", stage: HANDLING }, first: 50) { edges { node { id title units { role unit { id } } progressReports { id } } } } }`,
        staff,
      )
    ).suggestions.edges;
    const item = items
      .map((e: { node: any }) => e.node)
      .find((n: { title: string }) => n.title === '关于解决集镇停车难的建议');
    expect(item).toBeDefined();
    const coHandler = item.units.find((u: { role: string }) => u.role === 'CO_HANDLER').unit.id;
    const report = `mutation($id: ID!, $i: HandlingProgressInput!) { reportHandlingProgress(id: $id, input: $i) { id } }`;
    const input = { percent: 50, content: '停车场选址已完成' };
    expect(await codeOf(report, await tokens.handler('430181', coHandler), { id: item.id, i: input })).toBe(
      'FORBIDDEN',
    );
    const after = (
      await data(`query($id: ID!) { suggestion(id: $id) { progressReports { id } } }`, staff, { id: item.id })
    ).suggestion;
    expect(after.progressReports).toEqual(item.progressReports);
  });
});
