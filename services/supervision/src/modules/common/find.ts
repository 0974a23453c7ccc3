import type { EntitySchema, FilterQuery } from '@mikro-orm/postgresql';
import { isId } from '@renda/db/ids';
import { badInput, notFound } from '@renda/errors/errors';
import type { ServiceContext } from '@renda/server-kit/context';

/**
 * Checks the id's shape, then (only then) loads the row: a query started before a check that throws
 * would reject with nobody listening.
 */
export async function findOrFail<T>(
  load: () => Promise<T | null>,
  what: string,
  id: string,
  field: string,
): Promise<T> {
  if (!isId(id)) throw badInput(`${JSON.stringify(id)} is not an id.`, field);
  const row = await load();
  if (!row) throw notFound(what, id, field);
  return row;
}

export async function findById<T extends object>(
  ctx: ServiceContext,
  schema: EntitySchema<T>,
  what: string,
  id: string,
  field: string,
): Promise<T> {
  if (!isId(id)) throw badInput(`${JSON.stringify(id)} is not an id.`, field);
  const row = await ctx.em.findOne(schema, { id } as FilterQuery<T>);
  if (!row) throw notFound(what, id, field);
  return row as T;
}
