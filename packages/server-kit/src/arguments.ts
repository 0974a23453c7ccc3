import {
  defaultFieldResolver,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLFieldResolver,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { badInput } from '@renda/errors/errors';
import { InvalidScalar } from './scalars.ts';

export interface ArgumentLimits {
  /** Items in any list argument or input list (the largest congress has about 3,000 deputies). */
  maxListItems: number;
  /** Characters in any String argument or input field; fields set their own, smaller limits. */
  maxStringLength: number;
  /** Characters in any ID argument or input field. */
  maxIdLength: number;
}

export const defaultArgumentLimits: ArgumentLimits = { maxListItems: 5000, maxStringLength: 100_000, maxIdLength: 100 };

// C0 controls and DEL, except tab, line feed and carriage return (free text may hold those).
// eslint-disable-next-line no-control-regex
const controlCharacter = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** Federation's own fields: their arguments are representations the gateway builds, checked by the resolvers. */
const skippedFields = new Set(['_entities', '_service']);

/**
 * Checks one argument value against its type, recursing into lists and input objects; throws
 * `BAD_USER_INPUT` with `field` naming the path (`input.items[2].dueOn`) at the first fault.
 */
export function checkArgument(
  value: unknown,
  type: GraphQLInputType,
  path: string,
  limits: ArgumentLimits = defaultArgumentLimits,
): void {
  if (value === null || value === undefined) return;
  if (isNonNullType(type)) return checkArgument(value, type.ofType, path, limits);
  if (isListType(type)) {
    if (!Array.isArray(value)) return checkArgument(value, type.ofType, path, limits);
    if (value.length > limits.maxListItems) {
      throw badInput(`\`${path}\` has ${value.length} items; send at most ${limits.maxListItems}.`, path);
    }
    value.forEach((item, i) => checkArgument(item, type.ofType as GraphQLInputType, `${path}[${i}]`, limits));
    return;
  }
  if (isInputObjectType(type)) {
    const fields = type.getFields();
    for (const [name, field] of Object.entries(fields)) {
      checkArgument((value as Record<string, unknown>)[name], field.type, `${path}.${name}`, limits);
    }
    return;
  }
  if (value instanceof InvalidScalar) throw badInput(`\`${path}\`: ${value.message}`, path);
  if (isScalarType(type) && typeof value === 'string') {
    if (controlCharacter.test(value)) {
      throw badInput(`\`${path}\` contains a control character (such as NUL); send text without them.`, path);
    }
    const max = type.name === 'ID' ? limits.maxIdLength : limits.maxStringLength;
    if (value.length > max) throw badInput(`\`${path}\` is longer than ${max} characters.`, path);
  }
}

/**
 * Wraps the resolver of every field that takes arguments, in place, so that each argument is
 * checked before the resolver runs: malformed scalars (impossible dates, years outside
 * 1900–2200, malformed decimals), control characters in text, and oversized lists are
 * `BAD_USER_INPUT` naming the argument, whatever the field.
 */
export function guardArguments(schema: GraphQLSchema, limits: ArgumentLimits = defaultArgumentLimits): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (!field.args.length || skippedFields.has(field.name)) continue;
      const args = field.args.map((a) => ({ name: a.name, type: a.type }));
      const resolve: GraphQLFieldResolver<unknown, unknown> = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, values, context, info) => {
        for (const arg of args) checkArgument(values[arg.name], arg.type, arg.name, limits);
        return resolve(source, values, context, info);
      };
    }
  }
  return schema;
}
