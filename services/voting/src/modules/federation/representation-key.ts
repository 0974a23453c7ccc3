import { badInput } from '@renda/errors/errors';

/**
 * The key of an `_entities` representation. A representation whose key is missing or not a string
 * is a malformed request (BAD_USER_INPUT naming `representations`), never a crash in a loader.
 */
export function refKey(ref: object, key: 'id' | 'code', type: string): string {
  const value = (ref as Record<string, unknown>)[key];
  if (typeof value !== 'string')
    throw badInput(`A ${type} representation needs its \`${key}\` as a string.`, 'representations');
  return value;
}
