import { badInput } from '@renda/errors/errors';

/** 满意度测评 counts, as stored on reports, evaluations and performance reviews. */
export interface Tally {
  satisfied: number;
  basicallySatisfied: number;
  dissatisfied: number;
}

/** The most votes, members or signers one count may hold: more is a typing error, not a committee. */
export const maxHeadcount = 5000;

/** 满意度测评 counts from input: whole numbers, at least one vote. */
export function requireTally(input: Tally, field = 'tally'): Tally {
  for (const key of ['satisfied', 'basicallySatisfied', 'dissatisfied'] as const) {
    if (!Number.isInteger(input[key]) || input[key] < 0 || input[key] > maxHeadcount) {
      throw badInput(`\`${field}.${key}\` must be a whole number from 0 to ${maxHeadcount}.`, `${field}.${key}`);
    }
  }
  if (input.satisfied + input.basicallySatisfied + input.dissatisfied === 0)
    throw badInput('A satisfaction vote counts at least one vote.', field);
  return { satisfied: input.satisfied, basicallySatisfied: input.basicallySatisfied, dissatisfied: input.dissatisfied };
}

/** The stored tally of a record, or null before the vote. */
export function tallyOf(row: {
  satisfied?: number | null;
  basicallySatisfied?: number | null;
  dissatisfied?: number | null;
}): Tally | null {
  if (row.satisfied == null || row.basicallySatisfied == null || row.dissatisfied == null) return null;
  return { satisfied: row.satisfied, basicallySatisfied: row.basicallySatisfied, dissatisfied: row.dissatisfied };
}

/** (satisfied + basically satisfied) / all votes. */
export function satisfactionRate(t: Tally): number {
  const total = t.satisfied + t.basicallySatisfied + t.dissatisfied;
  return total > 0 ? (t.satisfied + t.basicallySatisfied) / total : 0;
}
