import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deputiesService } from '@renda/deputies/server';
import { supervisionService } from '@renda/supervision/server';
import { ok } from '@renda/testing/graphql';
import { replicaServer, startReplicaStack, watchReplicaReads } from '@renda/testing/replica';
import type { TestStack } from '@renda/testing/services';
import { tokens } from '@renda/testing/tokens';
import { suggestionsService } from '../src/server.ts';
import { buildWorld } from './support.ts';

/**
 * The suggestions subgraph's statistics on a streaming read replica (DATABASE_REPLICA_URLS; .ci/run starts
 * one): read-only requests read there, a request that wrote reads its own write from the primary.
 */
if (!replicaServer)
  console.log(
    'suggestions replica.test.ts skipped: needs DATABASE_URL and DATABASE_REPLICA_URLS (.ci/run starts a replica)',
  );

const STATS = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Region {
  suggestionStats(year: 2026) { total } suggestionFigures(from: 2026, to: 2026) { level registered } } } }`;

async function eventually<T>(probe: () => Promise<T | undefined>, what: string, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!replicaServer)('suggestion statistics on the read replica', () => {
  let stack: TestStack;
  let staff: string;
  beforeAll(async () => {
    stack = await startReplicaStack([deputiesService, supervisionService, suggestionsService]);
    await buildWorld(stack); // the deputies, units and sessions the statistics count over
    staff = await tokens.staff('430181');
  }, 60_000);
  afterAll(() => stack?.stop());

  const sg = () => stack.services.suggestions!.subgraph;
  const total = async () =>
    (await ok(sg(), STATS, { r: [{ __typename: 'Region', code: '430181' }] }, staff))._entities[0].suggestionStats
      .total as number;

  it('read-only statistics requests are answered from the replica; a request that wrote reads the primary', async () => {
    const before = await total();
    const watch = watchReplicaReads({ suggestions: stack.services.suggestions!.orm });
    let seen: number;
    try {
      await total();
      const readOnly = watch.log.filter((l) => l.on === 'replica');
      console.log(
        `replica: suggestions statistics: ${readOnly.length} statement(s) on the replica (${readOnly.map((l) => l.sql.slice(0, 60)).join(' | ')})`,
      );
      expect(readOnly.length).toBeGreaterThan(0);
      watch.reset();
      // One request: file a proposal, then read its region's statistics in the answer.
      const data = await ok(
        sg(),
        `mutation($i: SubmitSuggestionInput!) { submitSuggestion(input: $i) { id region { suggestionStats(year: 2026) { total } } } }`,
        {
          i: {
            kind: 'CPPCC_PROPOSAL',
            regionCode: '430181',
            title: '读己之写',
            content: '内容',
            proposerName: '政协委员 张三',
          },
        },
        staff,
      );
      seen = data.submitSuggestion.region.suggestionStats.total;
    } finally {
      watch.stop();
    }
    const onReplica = watch.log.filter((l) => l.on === 'replica');
    console.log(
      `replica: submitSuggestion read suggestionStats.total = ${seen} (was ${before}) with ${onReplica.length} statement(s) on the replica`,
    );
    expect(seen).toBe(before + 1);
    expect(onReplica).toEqual([]);
    await eventually(async () => ((await total()) === before + 1 ? true : undefined), 'the item on the replica');
  });
});
