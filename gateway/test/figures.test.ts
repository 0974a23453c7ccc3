import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deputiesService } from '@renda/deputies/server';
import { suggestionsService } from '@renda/suggestions/server';
import { supervisionService } from '@renda/supervision/server';
import { votingService } from '@renda/voting/server';
import { tokens } from '@renda/testing/tokens';
import { startTestPlatform, type TestPlatform } from './harness.ts';

/** The README's example queries of "Figures (F-1 to F-4)", by the name on their first line. */
function readmeExamples(): Record<string, string> {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const examples: Record<string, string> = {};
  for (const match of readme.matchAll(/```graphql\n# figures: ([a-z-]+)\n([\s\S]*?)```/g)) examples[match[1]!] = match[2]!;
  return examples;
}

const examples = readmeExamples();
let platform: TestPlatform;
let staff: string;

type Row = { period: { year?: number; month?: number }; level: string; [k: string]: unknown };

beforeAll(async () => {
  const defs = [deputiesService, supervisionService, suggestionsService, votingService];
  platform = await startTestPlatform(defs);
  for (const def of defs) await def.seed!(platform.services[def.name]!.orm.em.fork(), platform.clock);
  staff = await tokens.staff('43');
}, 120_000);
afterAll(() => platform?.stop());

describe('figures through the gateway (F-1 to F-4, V-5, D-7): the README examples', () => {
  it('README lists the three examples', () => {
    expect(Object.keys(examples).sort()).toEqual(['analyst', 'provincial-monthly', 'provincial-yearly']);
  });

  it('F-1, F-3: a province pulls every city over ten years in one request, statements independent of the cities', async () => {
    const { result, statements } = await platform.countSql(() => platform.execute(examples['provincial-yearly']!, {}, staff));
    expect(result.errors).toBeUndefined();
    const cities = (result.data as { region: { children: { code: string; [k: string]: Row[] | string }[] } }).region.children;
    expect(cities.map((c) => c.code)).toEqual(['4301', '4306']);
    for (const city of cities) {
      // Ten years × three levels (city, county, township) for each of the four subgraphs.
      for (const field of ['deputyFigures', 'suggestionFigures', 'supervisionFigures', 'votingFigures']) expect(city[field]).toHaveLength(30);
    }
    // Liuyang's 40 county deputies and Yong'an's 79 township deputies are not blended (F-3).
    const changsha2026 = (cities[0]!.deputyFigures as Row[]).filter((r) => r.period.year === 2026);
    expect(changsha2026.map((r) => [r.level, r.deputiesInOffice])).toEqual([
      ['CITY', 0],
      ['COUNTY', 40],
      ['TOWNSHIP', 79],
    ]);
    // F-2: a year before any congress sat has nothing to count: a null rate over a 0 denominator.
    expect((cities[0]!.deputyFigures as Row[])[0]).toMatchObject({ period: { year: 2017 }, voterContactCompliance: { rate: null, denominator: 0 } });
    // No N+1 across cities or years: the same query for one city costs as many statements.
    const one = examples['provincial-yearly']!.replace('region(code: "43") { children {', 'region(code: "4301") { parent {');
    const single = await platform.countSql(() => platform.execute(one, {}, staff));
    expect(single.result.errors).toBeUndefined();
    expect(statements).toBe(single.statements);
  });

  it('F-1: the monthly pull gives twelve months measured at each month end', async () => {
    const result = await platform.execute(examples['provincial-monthly']!, {}, staff);
    expect(result.errors).toBeUndefined();
    const { suggestionFigures, deputyFigures } = (result.data as { region: Record<string, Row[]> }).region;
    expect(suggestionFigures!.filter((r) => r.level === 'COUNTY').map((r) => r.period.month)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(suggestionFigures![0]).toMatchObject({ period: { month: 1, measuredOn: '2026-01-31' } });
    // Read on 15 June 2026: months that have not begun count nobody yet.
    expect(deputyFigures!.filter((r) => r.level === 'TOWNSHIP').map((r) => r.deputiesInOffice)).toEqual([...Array(6).fill(79), ...Array(6).fill(0)]);
  });

  it("D-7, V-5, F-4: the analyst's question is answered with denominators and averages", async () => {
    const analyst = await tokens.analyst('430181');
    const result = await platform.execute(examples.analyst!, {}, analyst);
    expect(result.errors).toBeUndefined();
    const region = (result.data as { region: Record<string, any> }).region;
    const y2026 = (region.deputyFigures as Row[]).filter((r) => r.period.year === 2026);
    expect(y2026.map((r) => [r.level, (r.voterContactCompliance as { denominator: number }).denominator])).toEqual([
      ['COUNTY', 40],
      ['TOWNSHIP', 79],
    ]);
    const [towns] = region.votingFigures as { coverage: { numerator: number; denominator: number } }[];
    expect(towns!.coverage.denominator).toBeGreaterThan(0);
    expect(towns!.coverage.numerator).toBeLessThanOrEqual(towns!.coverage.denominator);
    const averages = region.currentCongress.dutyAverages;
    expect(averages.deputiesInOffice).toBe(40);
    expect(typeof averages.suggestionsPerDeputy).toBe('number');
    expect(typeof averages.meetsSuggestionTarget).toBe('boolean');
  });
});
