import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';

/**
 * A scalar input the scalar could not read. Scalars return it instead of throwing, so that the
 * argument check (`arguments.ts`) answers `BAD_USER_INPUT` naming the argument or input path at
 * fault (`input.startsOn`, `items[2].dueOn`), for literals and variables alike, inside the field's
 * own error (HTTP 200, the other fields of the operation still answer).
 */
export class InvalidScalar {
  constructor(readonly message: string) {}
}

/** Years a Date or DateTime may name: the platform records congress work, not history or fiction. */
export const minYear = 1900;
export const maxYear = 2200;

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The reason `text` is not a calendar date the platform accepts, or null when it is one. */
export function calendarDateProblem(text: string): string | null {
  const match = datePattern.exec(text);
  if (!match) return `A Date is written YYYY-MM-DD, e.g. "2026-06-15"; got ${JSON.stringify(text)}.`;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (y < minYear || y > maxYear) {
    return `A Date's year is between ${minYear} and ${maxYear}; got ${JSON.stringify(text)}.`;
  }
  const probe = new Date(Date.UTC(y, m - 1, d));
  if (m < 1 || m > 12 || probe.getUTCMonth() !== m - 1 || probe.getUTCDate() !== d) {
    return `${JSON.stringify(text)} is not a day of the calendar.`;
  }
  return null;
}

function parseDate(value: unknown): string | InvalidScalar {
  if (typeof value !== 'string') {
    return new InvalidScalar(`A Date is a string YYYY-MM-DD, e.g. "2026-06-15"; got ${describe(value)}.`);
  }
  const problem = calendarDateProblem(value);
  return problem ? new InvalidScalar(problem) : value;
}

/** `Date`: a calendar date `YYYY-MM-DD` (Asia/Shanghai), kept as a string end to end. */
export const DateScalar = new GraphQLScalarType({
  name: 'Date',
  description: 'A calendar date, `YYYY-MM-DD`, in Asia/Shanghai.',
  serialize(value) {
    if (typeof value === 'string' && datePattern.test(value)) return value;
    throw new TypeError(`A Date field resolved to ${describe(value)}, not a YYYY-MM-DD string.`);
  },
  parseValue: parseDate,
  parseLiteral: (ast) => parseDate(literalText(ast)),
});

// RFC 3339 with an offset: 2026-06-15T10:00:00+08:00, 2026-06-15T02:00:00.123Z.
const dateTimePattern = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-](\d{2}):(\d{2}))$/;

function parseDateTime(value: unknown): Date | InvalidScalar {
  const hint = 'A DateTime is ISO 8601 with an offset, e.g. "2026-06-15T10:00:00+08:00"';
  if (typeof value !== 'string') return new InvalidScalar(`${hint}; got ${describe(value)}.`);
  const match = dateTimePattern.exec(value);
  if (!match) return new InvalidScalar(`${hint}; got ${JSON.stringify(value.slice(0, 60))}.`);
  const dateProblem = calendarDateProblem(match[1]!);
  if (dateProblem) return new InvalidScalar(dateProblem);
  const [h, min, s] = [Number(match[2]), Number(match[3]), Number(match[4])];
  const offset = match[7] === undefined ? [0, 0] : [Number(match[7]), Number(match[8])];
  if (h > 23 || min > 59 || s > 59 || offset[0]! > 23 || offset[1]! > 59) {
    return new InvalidScalar(`${JSON.stringify(value)} is not a time of day.`);
  }
  return new Date(value);
}

/** `DateTime`: an instant, ISO 8601 with offset. */
export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An instant, ISO 8601 with an offset, e.g. `2026-06-15T10:00:00+08:00`.',
  serialize(value: unknown) {
    if (value instanceof Date) return value.toISOString();
    return new Date(String(value)).toISOString();
  },
  parseValue: parseDateTime,
  parseLiteral: (ast) => parseDateTime(literalText(ast)),
});

const decimalPattern = /^-?\d{1,15}(\.\d{1,4})?$/;

function parseDecimal(value: unknown): string | InvalidScalar {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== 'string' || !decimalPattern.test(text)) {
    const hint = 'A Decimal is a number written as a string with at most 15 digits and 4 decimals, e.g. "1250000.00"';
    return new InvalidScalar(`${hint}; got ${describe(value)}.`);
  }
  return text;
}

/** `Decimal`: an exact number written as a string, e.g. "1250000.00" (money never passes through a float). */
export const DecimalScalar = new GraphQLScalarType({
  name: 'Decimal',
  description: 'A decimal number written as a string, e.g. "1250000.00".',
  serialize: (value) => String(value),
  parseValue: parseDecimal,
  parseLiteral(ast) {
    if (ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return parseDecimal(ast.value);
    return new InvalidScalar('A Decimal is written as a string, e.g. "1250000.00".');
  },
});

function literalText(ast: ValueNode): unknown {
  return ast.kind === Kind.STRING ? ast.value : { kind: ast.kind };
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 60));
  if (value && typeof value === 'object' && 'kind' in value) {
    return `a ${String((value as { kind: string }).kind).toLowerCase()} literal`;
  }
  return value === null ? 'null' : typeof value;
}

export const scalarResolvers = { Date: DateScalar, DateTime: DateTimeScalar, Decimal: DecimalScalar };
