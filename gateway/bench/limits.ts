/**
 * What the gateway's query limits cost to check as fragments spread each other: documents whose
 * fragment i spreads fragment i+1 twice (2^levels paths), validated with the graph's rules plus the
 * depth and alias limits, then priced with the operation's variables. Prints milliseconds per check
 * and the ratio to the smallest document: linear in the levels, not in the paths.
 * Run: `pnpm --filter @renda/gateway bench:limits`.
 */
import { composeServices } from '@apollo/composition';
import { getOperationAST, parse, specifiedRules, validate, type GraphQLSchema } from 'graphql';
import { subgraphNames, subgraphSdl } from '../src/compose.ts';
import { defaultLimits, estimateCost, limitRules } from '../src/limits.ts';

const subgraphs = subgraphNames.map((name) => ({ name, url: 'http://x', typeDefs: parse(subgraphSdl(name)) }));
const composed = composeServices(subgraphs);
if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join('\n'));
const schema = composed.schema.toAPISchema().toGraphQLJSSchema() as GraphQLSchema;
const rules = [...specifiedRules, ...limitRules(defaultLimits)];
const rounds = Number(process.env.BENCH_ROUNDS ?? 50);

function document(levels: number) {
  const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i} on Region { ...F${i + 1} ...F${i + 1} }`);
  return `query($n: Int) { region(code: "43") { ...F0 } deputies(first: $n) { edges { node { name } } } }
    ${fragments.join(' ')} fragment F${levels} on Region { code name }`;
}

let base = 0;
for (const levels of [10, 20, 40, 80]) {
  const source = document(levels);
  const started = performance.now();
  let cost = 0;
  for (let i = 0; i < rounds; i++) {
    const doc = parse(source);
    const errors = validate(schema, doc, rules);
    if (errors.length) throw new Error(errors[0]!.message);
    cost = estimateCost(schema, doc, getOperationAST(doc)!, { n: 100 });
  }
  const ms = (performance.now() - started) / rounds;
  base ||= ms;
  const size = `${String(levels).padStart(2)} levels (${source.length} bytes, 2^${levels} paths)`;
  const line = `${size}: ${ms.toFixed(2)} ms per check`;
  console.log(`${line}, ×${(ms / base).toFixed(1)} of 10 levels; estimated cost ${cost.toExponential(2)}`);
}
