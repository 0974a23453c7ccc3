import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { TestStack } from '@renda/testing/services';
import { ok } from '@renda/testing/graphql';
import { tokens } from '@renda/testing/tokens';
import {
  BALLOT,
  cast,
  createTownship,
  openBallot,
  programWithCandidates,
  startStack,
  type Choice,
  type Subgraph,
  type Township,
} from './support/world.ts';

let stack: TestStack;
let sg: Subgraph;
let town: Township;
let staff: string;

beforeAll(async () => {
  stack = await startStack();
  sg = stack.services.voting!.subgraph;
  town = await createTownship(stack, '430181104', 30);
  staff = await tokens.staff('430181104');
});
afterAll(() => stack?.stop());

describe('V-3 integrity', () => {
  it('V-3 integrity: 30 deputies each send the same ballot twice at once: exactly one accepted and one CONFLICT each; totals equal ballots', async () => {
    const {
      programId,
      candidateIds: [a, b, c],
    } = await programWithCandidates(sg, town, staff, { seats: 2, candidates: 3 });
    const ballotId = await openBallot(sg, programId, town.deputyIds, staff);
    const paperOf = (i: number): [string, Choice][] => [
      [a!, i % 3 === 0 ? 'AGAINST' : 'FOR'],
      [b!, i % 2 ? 'FOR' : 'ABSTAIN'],
      [c!, 'AGAINST'],
    ];
    const results = await Promise.all(
      town.deputyIds.flatMap((d, i) => [
        cast(sg, town, d, ballotId, paperOf(i)),
        cast(sg, town, d, ballotId, paperOf(i)),
      ]),
    );
    for (let i = 0; i < town.deputyIds.length; i++) {
      const pair = [results[2 * i]!, results[2 * i + 1]!];
      const accepted = pair.filter((r) => !r.errors);
      const refused = pair.filter((r) => r.errors);
      expect(accepted, `deputy ${i}`).toHaveLength(1);
      expect(refused[0]!.errors![0]!.extensions!.code).toBe('CONFLICT');
    }
    const closed = (
      await ok(sg, `mutation($b: ID!) { closeBallot(ballotId: $b) { ${BALLOT} } }`, { b: ballotId }, staff)
    ).closeBallot;
    expect(closed.ballotsCast).toBe(30);
    const expectedFor = town.deputyIds.filter((_, i) => i % 3 !== 0).length;
    expect(
      closed.results.map((r: { votesFor: number; votesAgainst: number; abstentions: number }) => [
        r.votesFor,
        r.votesAgainst,
        r.abstentions,
      ]),
    ).toEqual([
      [expectedFor, 30 - expectedFor, 0],
      [15, 0, 15],
      [0, 30, 0],
    ]);
  });

  it('V-3 integrity: a model of the ballot agrees with the service over random votes, duplicates, off-roll and late votes and closes', async () => {
    const pool = town.deputyIds.slice(0, 7);
    const roll = pool.slice(0, 5);
    const choice = fc.constantFrom<Choice | null>('FOR', 'AGAINST', 'ABSTAIN', null);
    const action = fc.oneof(
      {
        weight: 6,
        arbitrary: fc.record({
          kind: fc.constant('vote' as const),
          deputy: fc.integer({ min: 0, max: pool.length - 1 }),
          marks: fc.array(choice, { minLength: 4, maxLength: 4 }),
        }),
      },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const) }) },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 1, max: 2 }),
        fc.array(action, { minLength: 1, maxLength: 14 }),
        async (seats, extra, actions) => {
          const { programId, candidateIds } = await programWithCandidates(sg, town, staff, {
            seats,
            candidates: seats + extra,
            title: '模型',
          });
          const ballotId = await openBallot(sg, programId, roll, staff);
          const model = { open: true, voted: new Set<string>(), counts: candidateIds.map(() => [0, 0, 0]) };
          const close = async () => {
            const r = await sg.execute(
              `mutation($b: ID!) { closeBallot(ballotId: $b) { id } }`,
              { b: ballotId },
              staff,
            );
            if (model.open) expect(r.errors).toBeUndefined();
            else expect(r.errors?.[0]?.extensions?.code).toBe('CONFLICT');
            model.open = false;
          };
          for (const act of actions) {
            if (act.kind === 'close') {
              await close();
              continue;
            }
            const deputy = pool[act.deputy]!;
            const paper = candidateIds.flatMap((id, i) =>
              act.marks[i] ? [[id, act.marks[i]] as [string, Choice]] : [],
            );
            const fors = paper.filter(([, m]) => m === 'FOR').length;
            const expected = !roll.includes(deputy)
              ? 'FORBIDDEN'
              : !model.open
                ? 'CONFLICT'
                : fors > seats
                  ? 'BAD_USER_INPUT'
                  : model.voted.has(deputy)
                    ? 'CONFLICT'
                    : null;
            const r = await cast(sg, town, deputy, ballotId, paper);
            expect(r.errors?.[0]?.extensions?.code ?? null).toBe(expected);
            if (expected === null) {
              model.voted.add(deputy);
              candidateIds.forEach((_, i) => {
                const m = act.marks[i] ?? 'ABSTAIN';
                model.counts[i]![m === 'FOR' ? 0 : m === 'AGAINST' ? 1 : 2]! += 1;
              });
            }
          }
          if (model.open) await close();
          const ballot = (await ok(sg, `query($b: ID!) { ballot(id: $b) { ${BALLOT} } }`, { b: ballotId })).ballot;
          expect(ballot.ballotsCast).toBe(model.voted.size);
          expect(
            ballot.results.map((r: { votesFor: number; votesAgainst: number; abstentions: number }) => [
              r.votesFor,
              r.votesAgainst,
              r.abstentions,
            ]),
          ).toEqual(model.counts);
          // The model's election: FOR from more than half of the roll passes; most FOR take the seats; a tie at the cut stays open.
          const fors = model.counts.map((c) => c[0]!);
          const passing = candidateIds.filter((_, i) => fors[i]! * 2 > roll.length);
          const sorted = passing.map((id) => fors[candidateIds.indexOf(id)]!).sort((x, y) => y - x);
          let elected = passing;
          let tied: string[] = [];
          if (passing.length > seats) {
            const cut = sorted[seats - 1]!;
            const forOf = (id: string) => fors[candidateIds.indexOf(id)]!;
            if (sorted[seats] === cut) {
              elected = passing.filter((id) => forOf(id) > cut);
              tied = passing.filter((id) => forOf(id) === cut);
            } else elected = passing.filter((id) => forOf(id) >= cut);
          }
          expect(ballot.results.map((r: { passed: boolean }) => r.passed)).toEqual(
            candidateIds.map((id) => passing.includes(id)),
          );
          expect(
            ballot.results
              .filter((r: { elected: boolean }) => r.elected)
              .map((r: { candidate: { id: string } }) => r.candidate.id)
              .sort(),
          ).toEqual([...elected].sort());
          expect(ballot.tiedForLastSeat.map((t: { id: string }) => t.id).sort()).toEqual([...tied].sort());
          expect(ballot.program.stage).toBe(elected.length === seats ? 'IMPLEMENTING' : 'VOTING');
        },
      ),
      { numRuns: 20 },
    );
  });
});
