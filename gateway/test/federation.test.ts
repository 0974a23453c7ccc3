import { afterAll, beforeAll, expect } from 'vitest';
import { deputiesService } from '@renda/deputies/server';
import { suggestionsService } from '@renda/suggestions/server';
import { supervisionService } from '@renda/supervision/server';
import { votingService } from '@renda/voting/server';
import { readFileSync } from 'node:fs';
import { supergraphPath } from '../src/compose.ts';
import { federationSuite } from './federation-suite.ts';
import { startTestPlatform, type TestPlatform } from './harness.ts';

/**
 * The whole graph as clients see it: the four subgraphs with their demo data behind the gateway and
 * the committed supergraph, and queries that join entities across subgraphs.
 */
let platform: TestPlatform;
const services = [deputiesService, supervisionService, suggestionsService, votingService];

beforeAll(async () => {
  platform = await startTestPlatform(services, { supergraphSdl: readFileSync(supergraphPath, 'utf8'), demo: true });
});
afterAll(() => platform?.stop());

async function data(query: string, token?: string, variables?: Record<string, unknown>) {
  const result = await platform.execute(query, variables, token);
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return result.data as Record<string, any>;
}

federationSuite('one graph across four subgraphs', data);
