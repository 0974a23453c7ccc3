import { badInput } from '@renda/errors/errors';
import type { Clock } from './clock.ts';
import { today, type CalendarDate } from './dates.ts';
import { regionLevelOf, requireRegionCode, requireYear, type RegionLevel } from './validate.ts';

/**
 * Figures every service publishes (F-1 to F-4): one rounding rule, one shape of a rate, one way to
 * cut a span of years into periods and a subtree into congress levels.
 */

/** F-2: a fraction rounded to 4 places; null when there is nothing to count. */
export function rate(numerator: number, denominator: number): number | null {
  if (!(denominator > 0)) return null;
  return Math.round((numerator / denominator) * 10_000) / 10_000;
}

/**
 * A rate of a contract field that is `Float!` and cannot be null: 0 when there is nothing to count
 * (documented on each such field), otherwise the same 4-place rounding as `rate`.
 */
export function legacyRate(numerator: number, denominator: number): number {
  return rate(numerator, denominator) ?? 0;
}

/** F-4: a rate with its numerator and denominator, as the `Ratio` type of every subgraph. */
export interface Ratio {
  rate: number | null;
  numerator: number;
  denominator: number;
}

export function ratio(numerator: number, denominator: number): Ratio {
  return { rate: rate(numerator, denominator), numerator, denominator };
}

/** The average per head of a body (D-7), rounded like rates; null for a body of no one. */
export function average(total: number, heads: number): number | null {
  return rate(total, heads);
}

/** F-2: satisfaction = (satisfied + basically satisfied) / rated, the one definition everywhere. */
export function satisfaction(satisfied: number, basicallySatisfied: number, rated: number): Ratio {
  return ratio(satisfied + basicallySatisfied, rated);
}

export type FigureInterval = 'YEAR' | 'MONTH';

/** One period of a series: a calendar year or month, and the day its states are measured on (F-1). */
export interface FigurePeriod {
  year: number;
  month: number | null;
  startsOn: CalendarDate;
  endsOn: CalendarDate;
  /** The period's last day, or the as-of date (default today) when that comes first. */
  measuredOn: CalendarDate;
}

/** At most this many years in one series (a province over 20 years by month is 240 periods). */
export const maxSeriesYears = 20;

const pad = (n: number) => String(n).padStart(2, '0');
const lastDayOfMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** The periods from January of `from` to December of `to`; bad spans are BAD_USER_INPUT. */
export function figurePeriods(
  clock: Clock,
  args: { from: number; to: number; interval?: FigureInterval | null; asOf?: CalendarDate | null },
): FigurePeriod[] {
  const from = requireYear(args.from, 'from');
  const to = requireYear(args.to, 'to');
  if (to < from) throw badInput('`to` may not be before `from`.', 'to');
  if (to - from + 1 > maxSeriesYears) throw badInput(`A series spans at most ${maxSeriesYears} years.`, 'to');
  const asOf = args.asOf ?? today(clock);
  const periods: FigurePeriod[] = [];
  for (let year = from; year <= to; year += 1) {
    const months = args.interval === 'MONTH' ? Array.from({ length: 12 }, (_, i) => i + 1) : [null];
    for (const month of months) {
      const startsOn = month ? `${year}-${pad(month)}-01` : `${year}-01-01`;
      const endsOn = month ? `${year}-${pad(month)}-${pad(lastDayOfMonth(year, month))}` : `${year}-12-31`;
      periods.push({ year, month, startsOn, endsOn, measuredOn: asOf < endsOn ? asOf : endsOn });
    }
  }
  return periods;
}

const levelOrder: RegionLevel[] = ['PROVINCE', 'CITY', 'COUNTY', 'TOWNSHIP'];

/**
 * F-3: the congress levels a subtree's figures are split into: the region's own and every one below
 * (always listed), or only `only`. Deputies of a higher congress elected in the subtree add their own
 * level's rows where a service finds them (see `levelsWithRows`).
 */
export function levelsOfSubtree(regionCode: string, only?: RegionLevel | null): RegionLevel[] {
  const code = requireRegionCode(regionCode, 'code');
  if (only) return [only];
  return levelOrder.slice(levelOrder.indexOf(regionLevelOf(code)!));
}

/** The levels to report: those always listed, plus any other level that has rows, in level order. */
export function levelsWithRows(
  listed: RegionLevel[],
  found: Iterable<RegionLevel>,
  only?: RegionLevel | null,
): RegionLevel[] {
  const present = new Set<RegionLevel>([...listed, ...(only ? [] : found)]);
  return levelOrder.filter((l) => present.has(l));
}

/** SQL: the level of a region-code column, from its length (D-1). */
export function levelOfCodeSql(column: string): string {
  return levelOfLengthSql(`length(${column})`);
}

/** SQL: the level of a region code of length `length` (an SQL integer): a code's level counted from its length. */
export function levelOfLengthSql(length: string): string {
  return `(case ${length} when 2 then 'PROVINCE' when 4 then 'CITY' when 6 then 'COUNTY' else 'TOWNSHIP' end)`;
}

/** The arguments every `Region.*Figures` field takes. */
export interface FigureArgs {
  from: number;
  to: number;
  interval?: FigureInterval | null;
  level?: RegionLevel | null;
  asOf?: CalendarDate | null;
}

/** The loader name of a figures field for one set of arguments: regions asked alike share one statement. */
export const figuresLoaderKey = (field: string, args: FigureArgs) =>
  `${field}@${args.from}|${args.to}|${args.interval ?? 'YEAR'}|${args.asOf ?? ''}`;

/**
 * F-3: one row per period and reported level (`levelsOfSubtree`, plus levels found in `rows`), built
 * from the SQL rows keyed by period index `i` and level; a missing SQL row is a row with nothing counted.
 */
export function figureMatrix<R extends { i: number | string; level: string }, T>(
  regionCode: string,
  periods: FigurePeriod[],
  args: FigureArgs,
  rows: R[],
  build: (period: FigurePeriod, level: RegionLevel, row: R | undefined) => T,
): T[] {
  const byKey = new Map(rows.map((r) => [`${Number(r.i)}|${r.level}`, r]));
  const levels = levelsWithRows(
    levelsOfSubtree(regionCode, args.level),
    rows.map((r) => r.level as RegionLevel),
    args.level,
  );
  return periods.flatMap((period, i) => levels.map((level) => build(period, level, byKey.get(`${i}|${level}`))));
}

/**
 * F-1 on rollups of day-dependent events (the suggestions' and supervision's figures): SQL selecting the rows
 * of the rollup table `table` (alias `w`) matching `where` that make the state on the SQL date `on`: the
 * day-independent `T` rows, then the events before the day after `on` (call it X), each kept in its year (`Y`),
 * month (`M`) and day (`D`, `bucket` the first day of its span): the year rows before X's year, the month rows
 * of X's year before X's month and the day rows of X's month before X, four index ranges of
 * (…, span, bucket). At a month's end no day row is read, at a year's end no month row either. `where` appears
 * four times and `on` five: bind their parameters with `rollupWindowParams`.
 */
export function rollupWindowSql(table: string, where: string, on: string): string {
  const next = `((${on})::date + 1)`;
  const year = `date_trunc('year', ${next}::timestamp)::date`;
  const month = `date_trunc('month', ${next}::timestamp)::date`;
  const from = `${table} w`;
  return `(select w.* from ${from} where ${where} and w.span = 'T'
    union all select w.* from ${from} where ${where} and w.span = 'Y' and w.bucket < ${year}
    union all select w.* from ${from} where ${where} and w.span = 'M' and w.bucket >= ${year} and w.bucket < ${month}
    union all select w.* from ${from} where ${where} and w.span = 'D' and w.bucket >= ${month} and w.bucket < ${next})`;
}

/** The bindings of `rollupWindowSql` for the parameters of its `where` and of its `on`. */
export const rollupWindowParams = (params: unknown[], onParams: unknown[] = []): unknown[] => [
  ...params,
  ...params,
  ...onParams,
  ...params,
  ...onParams,
  ...onParams,
  ...params,
  ...onParams,
  ...onParams,
];
