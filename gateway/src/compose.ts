import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';

const require = createRequire(import.meta.url);

/** The subgraphs and their default URLs (the gateway overrides URLs from its configuration). */
export const subgraphNames = ['deputies', 'suggestions', 'supervision', 'voting'] as const;
export type SubgraphName = (typeof subgraphNames)[number];
export const defaultPorts: Record<SubgraphName, number> = {
  deputies: 4001,
  suggestions: 4002,
  supervision: 4003,
  voting: 4004,
};

export const supergraphPath = new URL('../supergraph.graphql', import.meta.url).pathname;

export function subgraphSdl(name: SubgraphName): string {
  return readFileSync(require.resolve(`@renda/${name}/schema.graphql`), 'utf8');
}

/** Composes the supergraph from the four subgraph schemas (no network); throws with the composition errors. */
export function composeSupergraph(): string {
  const result = composeServices(
    subgraphNames.map((name) => ({
      name,
      url: `http://127.0.0.1:${defaultPorts[name]}/graphql`,
      typeDefs: parse(subgraphSdl(name)),
    })),
  );
  if (result.errors) throw new Error(`Composition failed:\n${result.errors.map((e) => `  ${e.message}`).join('\n')}`);
  return result.supergraphSdl;
}

// Only as its own script: bundled into dist/index.js, import.meta.url is the bundle's.
if (import.meta.url === `file://${process.argv[1]}` && import.meta.url.endsWith('/compose.ts')) {
  writeFileSync(supergraphPath, composeSupergraph());
  console.log(`wrote ${supergraphPath}`);
}
