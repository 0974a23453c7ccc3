/** One candidate's totals in a ballot. */
export interface CandidateCount {
  candidateId: string;
  /** Order on the ballot paper, to break ranking ties among the elected deterministically. */
  position: number;
  votesFor: number;
}

export interface Election {
  /** Candidates with FOR votes from more than half of the roll. */
  passed: Set<string>;
  /** Candidates who take a seat, best first. */
  elected: string[];
  /** Candidates tied for the last seat; their seats stay open until a run-off. */
  tied: string[];
}

/**
 * V-3: a candidate passes with FOR votes from more than half of the roll (not of the ballots cast);
 * the passing candidates with the most FOR votes fill the seats. When the last seat would go to one
 * of several candidates with equal FOR votes, none of them takes it: they are tied and a run-off
 * among exactly them fills it. Fewer passing candidates than seats leave seats open.
 */
export function elect(counts: readonly CandidateCount[], rollSize: number, seats: number): Election {
  const passing = counts
    .filter((c) => c.votesFor * 2 > rollSize)
    .sort((a, b) => b.votesFor - a.votesFor || a.position - b.position);
  const passed = new Set(passing.map((c) => c.candidateId));
  if (passing.length <= seats) return { passed, elected: passing.map((c) => c.candidateId), tied: [] };
  const cutoff = passing[seats - 1]!.votesFor;
  if (passing[seats]!.votesFor !== cutoff)
    return { passed, elected: passing.slice(0, seats).map((c) => c.candidateId), tied: [] };
  return {
    passed,
    elected: passing.filter((c) => c.votesFor > cutoff).map((c) => c.candidateId),
    tied: passing.filter((c) => c.votesFor === cutoff).map((c) => c.candidateId),
  };
}
