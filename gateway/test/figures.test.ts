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
  for (const match of readme.matchAll(/```graphql\n# figures: ([a-z-]+)\n([\s\S]*?)```/g))
    examples[match[1]!] = match[2]!;
  return examples;
}

const examples = readmeExamples();
let platform: TestPlatform;
let staff: string;

type Row = { period: { year?: number; month?: number }; level: string; [k: string]: unknown };

beforeAll(async () => {
  const defs = [deputiesService, supervisionService, suggestionsService, votingService];
  platform = await startTestPlatform(defs, { demo: true });
  staff = await tokens.staff('43');
}, 120_000);
afterAll(() => platform?.stop());

describe('figures through the gateway (F-1 to F-4, V-5, D-7): the README examples', () => {
  it('README lists the four examples', () => {
    expect(Object.keys(examples).sort()).toEqual([
      'analyst',
      'analyst-topics',
      'provincial-monthly',
      'provincial-yearly',
    ]);
  });

  it('F-1, F-3: a province pulls every city over ten years in one request, statements independent of the cities', async () => {
    const { result, statements } = await platform.countSql(() =>
      platform.execute(examples['provincial-yearly']!, {}, staff),
    );
    expect(result.errors).toBeUndefined();
    const cities = (result.data as { region: { children: { code: string; [k: string]: Row[] | string }[] } }).region
      .children;
    expect(cities.map((c) => c.code)).toEqual(['4301', '4306']);
    for (const city of cities) {
      // Ten years × three levels (city, county, township) for each of the four subgraphs.
      for (const field of ['deputyFigures', 'suggestionFigures', 'supervisionFigures', 'votingFigures'])
        expect(city[field]).toHaveLength(30);
    }
    // Liuyang's 40 county deputies and Yong'an's 79 township deputies are not blended (F-3).
    const changsha2026 = (cities[0]!.deputyFigures as Row[]).filter((r) => r.period.year === 2026);
    expect(changsha2026.map((r) => [r.level, r.deputiesInOffice])).toEqual([
      ['CITY', 0],
      ['COUNTY', 40],
      ['TOWNSHIP', 79],
    ]);
    // F-2: a year before any congress sat has nothing to count: a null rate over a 0 denominator.
    expect((cities[0]!.deputyFigures as Row[])[0]).toMatchObject({
      period: { year: 2017 },
      voterContactCompliance: { rate: null, denominator: 0 },
    });
    // No N+1 across cities or years: the same query for one city costs as many statements.
    const one = examples['provincial-yearly']!.replace(
      'region(code: "43") { children {',
      'region(code: "4301") { parent {',
    );
    const single = await platform.countSql(() => platform.execute(one, {}, staff));
    expect(single.result.errors).toBeUndefined();
    expect(statements).toBe(single.statements);
  });

  it('F-1: the monthly pull gives twelve months measured at each month end', async () => {
    const result = await platform.execute(examples['provincial-monthly']!, {}, staff);
    expect(result.errors).toBeUndefined();
    const { suggestionFigures, deputyFigures } = (result.data as { region: Record<string, Row[]> }).region;
    expect(suggestionFigures!.filter((r) => r.level === 'COUNTY').map((r) => r.period.month)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
    ]);
    expect(suggestionFigures![0]).toMatchObject({ period: { month: 1, measuredOn: '2026-01-31' } });
    // Read on 15 June 2026: months that have not begun count nobody yet.
    expect(deputyFigures!.filter((r) => r.level === 'TOWNSHIP').map((r) => r.deputiesInOffice)).toEqual([
      ...Array(6).fill(79),
      ...Array(6).fill(0),
    ]);
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

  it("S-11, S-8: the analyst's topics: counts by category add up to the figures, and a category's count is its list", async () => {
    const analyst = await tokens.analyst('430181');
    const result = await platform.execute(examples['analyst-topics']!, {}, analyst);
    expect(result.errors).toBeUndefined();
    const data = result.data as {
      region: Record<string, any>;
      suggestions: { totalCount: number; edges: { node: { category: string } }[] };
    };
    const byCategory = data.region.suggestionFiguresByCategory as {
      category: string | null;
      level: string;
      registered: number;
      overdue: number;
    }[];
    const figures = data.region.suggestionFigures as { level: string; registered: number; overdue: number }[];
    expect(byCategory.length).toBeGreaterThan(1);
    // Split by topic, the items of each level are the same items.
    for (const level of figures) {
      const parts = byCategory.filter((r) => r.level === level.level);
      expect([level.level, parts.reduce((t, r) => t + r.registered, 0)]).toEqual([level.level, level.registered]);
      expect([level.level, parts.reduce((t, r) => t + r.overdue, 0)]).toEqual([level.level, level.overdue]);
    }
    // The list filtered by category holds as many items as the figures count under it.
    const transport = byCategory.filter((r) => r.category === '交通').reduce((t, r) => t + r.registered, 0);
    expect(transport).toBeGreaterThan(0);
    expect(data.suggestions.totalCount).toBe(transport);
    expect(data.suggestions.edges.every((e) => e.node.category === '交通')).toBe(true);
    // Overdue by lead unit: the units' overdue items of 2026 are the year's overdue items (all are assigned).
    const units = data.region.overdueByUnit as { unit: { name: string }; overdue: number; measuredOn: string }[];
    const thisYear = await platform.execute(
      `{ region(code: "430181") { overdueByUnit(from: 2026, to: 2026) { overdue } } }`,
      {},
      analyst,
    );
    const unitsOverdue = (thisYear.data as any).region.overdueByUnit.reduce(
      (t: number, u: { overdue: number }) => t + u.overdue,
      0,
    );
    expect(unitsOverdue).toBe(figures.reduce((t, r) => t + r.overdue, 0));
    expect(units.every((u) => u.overdue > 0 && u.unit.name && u.measuredOn === '2026-06-15')).toBe(true);
  });

  it('S-11: a category longer than any stored is BAD_USER_INPUT', async () => {
    const result = await platform.execute(
      `{ region(code: "430181") { suggestionFigures(from: 2026, to: 2026, category: "${'长'.repeat(51)}") { registered } } }`,
      {},
      await tokens.analyst('430181'),
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('D-6, D-7: deputies short of a duty are named with each duty; D-6 against the figures, D-7 against their items', async () => {
    const analyst = await tokens.analyst('430181');
    const result = await platform.execute(examples['analyst-topics']!, {}, analyst);
    expect(result.errors).toBeUndefined();
    const congress = (result.data as { region: Record<string, any> }).region.currentCongress;
    type Short = {
      deputy: { id: string };
      shortfalls: { duty: string; required: number; done: number; perDeputyMinimum: boolean }[];
    };
    const short = congress.deputiesShortOfDuties as Short[];
    expect(short.length).toBeGreaterThan(0);
    for (const d of short) {
      expect(d.shortfalls.length).toBeGreaterThan(0);
      for (const s of d.shortfalls) {
        expect(s.done).toBeLessThan(s.required);
        expect(s.perDeputyMinimum).toBe(s.duty === 'VOTER_CONTACTS');
      }
    }
    // D-6: those short of voter contacts are those the county figures count as not compliant.
    const figures = await platform.execute(
      `{ region(code: "430181") { deputyFigures(from: 2026, to: 2026, level: COUNTY) { deputiesInOffice voterContactCompliance { numerator } } } }`,
      {},
      analyst,
    );
    const [county] = (figures.data as any).region.deputyFigures;
    const shortOfContacts = short.filter((d) => d.shortfalls.some((s) => s.duty === 'VOTER_CONTACTS')).length;
    expect(shortOfContacts).toBe(county.deputiesInOffice - county.voterContactCompliance.numerator);
    // D-7: a suggestions shortfall counts the items the deputy led in the year (asked of the suggestions subgraph).
    const withSuggestions = short.filter((d) => d.shortfalls.some((s) => s.duty === 'SUGGESTIONS')).slice(0, 5);
    expect(withSuggestions.length).toBeGreaterThan(0);
    const counts = await platform.execute(
      `{ ${withSuggestions.map((d, i) => `d${i}: deputy(id: "${d.deputy.id}") { suggestionCount(year: 2026) }`).join(' ')} }`,
      {},
      analyst,
    );
    withSuggestions.forEach((d, i) => {
      const done = d.shortfalls.find((s) => s.duty === 'SUGGESTIONS')!.done;
      expect(done).toBe((counts.data as any)[`d${i}`].suggestionCount);
    });
    // The body's average stays the measure of D-7: led items over deputies in office.
    const { deputiesInOffice, suggestionsLed, groups } = congress.dutyAverages;
    expect(deputiesInOffice).toBe(county.deputiesInOffice);
    expect(suggestionsLed).toBeGreaterThan(0);
    // D-7 per group too: every demo deputy sits in a group, so the groups' bodies add up to the congress's.
    type Group = { deputiesInOffice: number; suggestionsLed: number; suggestionsPerDeputy: number | null };
    expect((groups as Group[]).reduce((t, g) => t + g.deputiesInOffice, 0)).toBe(deputiesInOffice);
    expect((groups as Group[]).reduce((t, g) => t + g.suggestionsLed, 0)).toBe(suggestionsLed);
    expect((groups as Group[]).some((g) => g.suggestionsLed > 0 && g.suggestionsPerDeputy! > 0)).toBe(true);
  });
});
