import { describe, expect, it } from 'vitest';
import { FixedClock } from './clock.ts';
import { figurePeriods, levelsOfSubtree, levelsWithRows, rate, ratio, satisfaction } from './figures.ts';

describe('figures helpers (F-1 to F-4)', () => {
  it('F-2: rates are fractions rounded to 4 places, null with nothing to count', () => {
    expect(rate(1, 3)).toBe(0.3333);
    expect(rate(2, 3)).toBe(0.6667);
    expect(rate(0, 5)).toBe(0);
    expect(rate(0, 0)).toBeNull();
    expect(ratio(29, 30)).toEqual({ rate: 0.9667, numerator: 29, denominator: 30 });
    expect(satisfaction(58, 29, 90)).toEqual({ rate: 0.9667, numerator: 87, denominator: 90 });
  });

  it('F-1: periods end on their last day and are measured no later than asOf or today', () => {
    const clock = new FixedClock('2024-03-10T02:00:00Z');
    const months = figurePeriods(clock, { from: 2024, to: 2024, interval: 'MONTH' });
    expect(months[1]).toEqual({
      year: 2024,
      month: 2,
      startsOn: '2024-02-01',
      endsOn: '2024-02-29',
      measuredOn: '2024-02-29',
    });
    expect(months[2]!.measuredOn).toBe('2024-03-10');
    const years = figurePeriods(clock, { from: 2022, to: 2023, asOf: '2023-06-30' });
    expect(years.map((p) => p.measuredOn)).toEqual(['2022-12-31', '2023-06-30']);
    expect(() => figurePeriods(clock, { from: 2024, to: 2023 })).toThrow(/`to`/);
  });

  it('F-3: a subtree reports its own level and those below, plus higher levels found in it', () => {
    expect(levelsOfSubtree('430181')).toEqual(['COUNTY', 'TOWNSHIP']);
    expect(levelsWithRows(['TOWNSHIP'], ['COUNTY'])).toEqual(['COUNTY', 'TOWNSHIP']);
    expect(levelsWithRows(['TOWNSHIP'], ['COUNTY'], 'TOWNSHIP')).toEqual(['TOWNSHIP']);
  });
});
