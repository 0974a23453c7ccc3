import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { composeServices } from '@apollo/composition';
import { isObjectType, parse, type GraphQLObjectType } from 'graphql';
import { composeSupergraph, subgraphNames, subgraphSdl, supergraphPath } from '../src/compose.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const contractCheck = fileURLToPath(new URL('../../../shared/tools/contract-check.mjs', import.meta.url));

describe('the committed supergraph', () => {
  it('is what the four subgraph schemas compose to (run `pnpm compose` when this fails)', () => {
    expect(readFileSync(supergraphPath, 'utf8')).toBe(composeSupergraph());
  });

  it.runIf(existsSync(contractCheck))('keeps the API contract in ../shared/contract', () => {
    const output = execFileSync('node', [contractCheck], { cwd: root, encoding: 'utf8' });
    expect(output).toMatch(/keeps all \d+ contract types/);
  });
});

describe('ballot secrecy in the composed graph (V-3)', () => {
  it('no output type carries both a deputy and a vote choice; a choice is never returned at all', () => {
    const composed = composeServices(
      subgraphNames.map((name) => ({ name, url: `http://${name}`, typeDefs: parse(subgraphSdl(name)) })),
    );
    const api = composed.schema!.toAPISchema().toGraphQLJSSchema();
    const named = (type: unknown): string => String(type).replace(/[[\]!]/g, '');
    const outputTypes = Object.values(api.getTypeMap()).filter(
      (t): t is GraphQLObjectType => isObjectType(t) && !t.name.startsWith('__'),
    );
    const returns = (t: GraphQLObjectType) => Object.values(t.getFields()).map((f) => named(f.type));
    expect(
      outputTypes.filter((t) => returns(t).includes('Deputy') && returns(t).includes('VoteChoice')).map((t) => t.name),
    ).toEqual([]);
    expect(outputTypes.filter((t) => returns(t).includes('VoteChoice')).map((t) => t.name)).toEqual([]);
  });
});
