import { expect } from 'vitest';

export interface Result {
  data?: Record<string, unknown> | null;
  errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
}

interface Executor {
  execute(query: string, variables?: Record<string, unknown>, token?: string): Promise<Result>;
}

/** Runs an operation and fails the test on any error; returns `data`. */
// Test data is read field by field; `any` keeps assertions short.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function ok<T = Record<string, any>>(
  target: Executor,
  query: string,
  variables?: Record<string, unknown>,
  token?: string,
): Promise<T> {
  const result = await target.execute(query, variables, token);
  if (result.errors?.length) throw new Error(`unexpected errors: ${JSON.stringify(result.errors, null, 2)}`);
  return result.data as T;
}

/** Runs an operation that must fail with `code` (and, when given, `field`); returns the first error. */
export async function fails(
  target: Executor,
  code: string,
  query: string,
  variables?: Record<string, unknown>,
  token?: string,
  field?: string,
) {
  const result = await target.execute(query, variables, token);
  expect(result.errors, `expected ${code}, got data ${JSON.stringify(result.data)}`).toBeDefined();
  const error = result.errors![0]!;
  expect(error.extensions?.code, error.message).toBe(code);
  if (field) expect(error.extensions?.field).toBe(field);
  return error;
}
