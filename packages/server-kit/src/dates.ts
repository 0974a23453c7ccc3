import type { Clock } from './clock.ts';

/** Calendar dates are strings `YYYY-MM-DD` in Asia/Shanghai; no time zone arithmetic touches them. */
export type CalendarDate = string;

const shanghai = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

export function calendarDateOf(instant: Date): CalendarDate {
  return shanghai.format(instant);
}

export function today(clock: Clock): CalendarDate {
  return calendarDateOf(clock.now());
}

export function currentYear(clock: Clock): number {
  return Number(today(clock).slice(0, 4));
}

function parts(date: CalendarDate): [number, number, number] {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return [y, m, d];
}

function format(y: number, m: number, d: number): CalendarDate {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/**
 * The instant calendar day `date` starts in Asia/Shanghai: its midnight at UTC+8, or an hour earlier on a day of
 * the summer time of 1986-1991 (UTC+9), which the time zone data behind `Intl` knows.
 */
export function startOfDay(date: CalendarDate): Date {
  const [y, m, d] = parts(date);
  const atUtc8 = Date.UTC(y, m - 1, d) - 8 * 3_600_000;
  const hourBefore = new Date(atUtc8 - 3_600_000);
  return calendarDateOf(hourBefore) === date ? hourBefore : new Date(atUtc8);
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  const [y, m, d] = parts(date);
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return format(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/** The same day `months` later, or that month's last day when it is shorter (Nov 30 + 3 months = Feb 28/29). */
export function addMonths(date: CalendarDate, months: number): CalendarDate {
  const [y, m, d] = parts(date);
  const index = y * 12 + (m - 1) + months;
  const ty = Math.floor(index / 12);
  const tm = (index % 12) + 1;
  const lastDay = new Date(Date.UTC(ty, tm, 0)).getUTCDate();
  return format(ty, tm, Math.min(d, lastDay));
}

/** Whole days from `a` to `b` (positive when b is later). */
export function daysBetween(a: CalendarDate, b: CalendarDate): number {
  const [ay, am, ad] = parts(a);
  const [by, bm, bd] = parts(b);
  return Math.round((Date.UTC(by, bm - 1, bd) - Date.UTC(ay, am - 1, ad)) / 86_400_000);
}
