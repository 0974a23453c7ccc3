import { conflict } from '@renda/errors/errors';

/** A state machine as an explicit table of allowed transitions. */
export type Transitions<S extends string> = Readonly<Record<S, readonly S[]>>;

export function canMove<S extends string>(table: Transitions<S>, from: S, to: S): boolean {
  return table[from].includes(to);
}

/** CONFLICT unless the table allows `from → to`. */
export function requireTransition<S extends string>(table: Transitions<S>, from: S, to: S, what: string): void {
  if (!canMove(table, from, to)) {
    const next = table[from];
    throw conflict(
      `${what} is ${from} and cannot become ${to}; from ${from} it can become ${next.length ? next.join(' or ') : 'nothing: it is final'}.`,
    );
  }
}
