import { badInput } from '@renda/errors/errors';

export type RegionLevel = 'PROVINCE' | 'CITY' | 'COUNTY' | 'TOWNSHIP';

const levelByLength: Record<number, RegionLevel> = { 2: 'PROVINCE', 4: 'CITY', 6: 'COUNTY', 9: 'TOWNSHIP' };

/** D-1: the level a region code's length implies, or null when it is not a region code. */
export function regionLevelOf(code: string): RegionLevel | null {
  if (!/^\d+$/.test(code)) return null;
  return levelByLength[code.length] ?? null;
}

/** D-1: the code of the region one level up, or null for a province. */
export function parentRegionCode(code: string): string | null {
  switch (code.length) {
    case 9:
      return code.slice(0, 6);
    case 6:
      return code.slice(0, 4);
    case 4:
      return code.slice(0, 2);
    default:
      return null;
  }
}

/** D-1: a region code is 2, 4, 6 or 9 digits; the check every service makes on input. */
export function requireRegionCode(code: string, field: string): string {
  const trimmed = code.trim();
  if (!regionLevelOf(trimmed)) {
    throw badInput(
      `${JSON.stringify(code)} is not a region code: use 2 digits for a province (43), 4 for a city (4301), 6 for a county (430181) or 9 for a township (430181104).`,
      field,
    );
  }
  return trimmed;
}

/** A required text: trimmed, not empty, at most `max` characters. */
export function requireText(value: string, field: string, max = 2000): string {
  const trimmed = value.trim();
  if (!trimmed) throw badInput(`\`${field}\` must not be empty.`, field);
  if (trimmed.length > max) throw badInput(`\`${field}\` is longer than ${max} characters.`, field);
  return trimmed;
}

/** An optional text: null when absent or blank. */
export function optionalText(value: string | null | undefined, field: string, max = 2000): string | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  return requireText(value, field, max);
}

/**
 * An attendance row's leave reason after a correction: the given one (checked as `optionalText`), else the
 * row's own while the status stays EXCUSED, else none (a status corrected away from EXCUSED drops it).
 */
export function correctedLeaveReason(
  status: string,
  current: string | null | undefined,
  given: string | null | undefined,
  max: number,
): string | null {
  if (given !== undefined) return optionalText(given, 'input.leaveReason', max);
  return status === 'EXCUSED' ? (current ?? null) : null;
}

export function requirePositiveInt(value: number, field: string, min = 1): number {
  if (!Number.isInteger(value) || value < min)
    throw badInput(`\`${field}\` must be a whole number of at least ${min}.`, field);
  return value;
}

export function requireYear(year: number, field = 'year'): number {
  if (!Number.isInteger(year) || year < 1949 || year > 2200)
    throw badInput('`year` must be a calendar year such as 2026.', field);
  return year;
}

/** [first day, last day] of a calendar year, for date-range filters that use indexes. */
export function yearRange(year: number): [string, string] {
  return [`${year}-01-01`, `${year}-12-31`];
}

/** Escapes LIKE wildcards in user text. */
export function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
