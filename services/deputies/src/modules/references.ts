/**
 * A row a foreign key of this schema guarantees (a deputy's congress, a contact's deputy): its absence is a
 * broken database, reported as an internal error naming the reference, never a silent null.
 */
export function referenced<T>(row: T | null | undefined, what: string): T {
  if (row === null || row === undefined) throw new Error(`${what} is missing, although a foreign key guarantees it.`);
  return row;
}
