import { readFileSync } from 'node:fs';
import type {
  DeputiesPageQuery,
  DeputiesPageQueryVariables,
  ProgramBallotsQuery,
  ProgramBallotsQueryVariables,
  RegionFiguresQuery,
  RegionFiguresQueryVariables,
  SuggestionHandlingQuery,
  SuggestionHandlingQueryVariables,
} from './generated/operations.ts';

/** A typed call of the operations in docs/examples: the result type follows the operation's selection. */
interface Operations {
  RegionFigures: [RegionFiguresQueryVariables, RegionFiguresQuery];
  DeputiesPage: [DeputiesPageQueryVariables, DeputiesPageQuery];
  SuggestionHandling: [SuggestionHandlingQueryVariables, SuggestionHandlingQuery];
  ProgramBallots: [ProgramBallotsQueryVariables, ProgramBallotsQuery];
}

const files: Record<keyof Operations, string> = {
  RegionFigures: 'region-figures.graphql',
  DeputiesPage: 'deputies-page.graphql',
  SuggestionHandling: 'suggestion-handling.graphql',
  ProgramBallots: 'program-ballots.graphql',
};

export class GraphQLCallError extends Error {
  constructor(readonly errors: { message: string; extensions?: { code?: string } }[]) {
    super(errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; '));
  }
}

export function createClient(url: string, token?: string) {
  return async function call<N extends keyof Operations>(
    name: N,
    variables: Operations[N][0],
  ): Promise<Operations[N][1]> {
    const query = readFileSync(new URL(`../../../docs/examples/${files[name]}`, import.meta.url), 'utf8');
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables, operationName: name }),
    });
    const body = (await res.json()) as { data?: Operations[N][1]; errors?: GraphQLCallError['errors'] };
    if (body.errors?.length || !body.data)
      throw new GraphQLCallError(body.errors ?? [{ message: `HTTP ${res.status}` }]);
    return body.data;
  };
}

/** Every deputy of a region's register, page by page: the generated types check each field read. */
export async function deputyNames(url: string, token: string, regionCode: string): Promise<string[]> {
  const call = createClient(url, token);
  const names: string[] = [];
  let after: string | null = null;
  for (;;) {
    const page: DeputiesPageQuery = await call('DeputiesPage', { regionCode, first: 100, after });
    names.push(...page.deputies.edges.map((e) => `${e.node.name} (${e.node.region.name})`));
    if (!page.deputies.pageInfo.hasNextPage) return names;
    after = page.deputies.pageInfo.endCursor;
  }
}

/** Elected projects of a program's closed ballots; `results` is null while a ballot is open. */
export async function electedProjects(url: string, token: string, id: string): Promise<string[]> {
  const { program } = await createClient(url, token)('ProgramBallots', { id });
  if (!program) return [];
  return program.ballots.flatMap((b) => (b.results ?? []).filter((r) => r.elected).map((r) => r.candidate.title));
}
