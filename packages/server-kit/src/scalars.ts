import { GraphQLScalarType, Kind } from 'graphql';
import { DateTimeResolver, LocalDateResolver } from 'graphql-scalars';

/** `Date`: a calendar date `YYYY-MM-DD` (Asia/Shanghai), kept as a string end to end. */
export const DateScalar = new GraphQLScalarType({
  ...LocalDateResolver.toConfig(),
  name: 'Date',
  description: 'A calendar date, `YYYY-MM-DD`, in Asia/Shanghai.',
});

/** `DateTime`: an instant, ISO 8601 with offset. */
export const DateTimeScalar = new GraphQLScalarType({
  ...DateTimeResolver.toConfig(),
  name: 'DateTime',
  serialize(value: unknown) {
    if (value instanceof Date) return value.toISOString();
    return new Date(String(value)).toISOString();
  },
});

const decimalPattern = /^-?\d{1,15}(\.\d{1,4})?$/;

function parseDecimal(value: unknown): string {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !decimalPattern.test(text)) {
    throw new TypeError(`A Decimal is a number written as a string, e.g. "1250000.00"; got ${JSON.stringify(value)}.`);
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
    throw new TypeError('A Decimal is written as a string, e.g. "1250000.00".');
  },
});

export const scalarResolvers = { Date: DateScalar, DateTime: DateTimeScalar, Decimal: DecimalScalar };
