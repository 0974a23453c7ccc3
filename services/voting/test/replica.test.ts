import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deputiesService } from '@renda/deputies/server';
import { supervisionService } from '@renda/supervision/server';
import { ok } from '@renda/testing/graphql';
import { replicaServer, startReplicaStack, watchReplicaReads } from '@renda/testing/replica';
import type { TestStack } from '@renda/testing/services';
import { tokens } from '@renda/testing/tokens';
import { votingService } from '../src/server.ts';
import { createTownship, type Township } from './support/world.ts';

/**
 * Statistics of the deputies, supervision and voting subgraphs on a streaming read replica
 * (DATABASE_REPLICA_URLS; .ci/run starts one): read-only requests read there, a request that wrote
 * reads its own write from the primary (docs/scale.md).
 */
if (!replicaServer)
  console.log(
    'voting replica.test.ts skipped: needs DATABASE_URL and DATABASE_REPLICA_URLS (.ci/run starts a replica)',
  );

/** Each subgraph's statistics of a region, asked as the gateway asks: `_entities` with the region's key. */
const fields: Record<string, string> = {
  deputies: 'deputyStats(year: 2026) { activeDeputies } deputyFigures(from: 2026, to: 2026) { level }',
  supervision: 'supervisionStats(year: 2026) { documentsFiled }',
  voting: 'votingStats(year: 2026) { programs } votingFigures(from: 2026, to: 2026) { level coverage { denominator } }',
};
const statsOf = (service: string) =>
  `query($r: [_Any!]!) { _entities(representations: $r) { ... on Region { ${fields[service]} } } }`;

async function eventually<T>(probe: () => Promise<T | undefined>, what: string, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!replicaServer)('statistics on the read replica (deputies, supervision, voting)', () => {
  let stack: TestStack;
  let town: Township;
  let staff: string;
  beforeAll(async () => {
    stack = await startReplicaStack([deputiesService, supervisionService, votingService]);
    town = await createTownship(stack, '430181203', 3);
    staff = await tokens.staff(town.code);
  }, 60_000);
  afterAll(() => stack?.stop());

  const orms = () => Object.fromEntries(Object.entries(stack.services).map(([name, s]) => [name, s.orm]));

  it('read-only statistics requests are answered from the replica', async () => {
    // Each subgraph answers its own fields of Region; the gateway would send each its part.
    const ask = async () => {
      const parts = await Promise.all(
        Object.keys(fields).map((s) =>
          ok(stack.services[s]!.subgraph, statsOf(s), { r: [{ __typename: 'Region', code: town.code }] }, staff),
        ),
      );
      return Object.assign({}, ...parts.map((p) => p._entities[0])) as { deputyStats: { activeDeputies: number } };
    };
    // The township's deputies reach the replica a few ms after they were written.
    await eventually(
      async () => ((await ask()).deputyStats.activeDeputies === 3 ? true : undefined),
      'deputies on the replica',
    );
    const watch = watchReplicaReads(orms());
    try {
      await ask();
    } finally {
      watch.stop();
    }
    for (const service of ['deputies', 'supervision', 'voting']) {
      const on = (where: string) => watch.log.filter((l) => l.service === service && l.on === where);
      console.log(
        `replica: ${service} statistics: ${on('replica').length} statement(s) on the replica ` +
          `(${on('replica')
            .map((l) => l.sql.slice(0, 60))
            .join(' | ')}), ${on('primary').length} on the primary`,
      );
      expect(on('replica').length).toBeGreaterThan(0);
    }
  });

  it('a request that wrote reads its own write from the primary at once', async () => {
    const read = async () =>
      (
        await ok(
          stack.services.voting!.subgraph,
          statsOf('voting'),
          { r: [{ __typename: 'Region', code: town.code }] },
          staff,
        )
      )._entities[0].votingStats.programs as number;
    const before = await read();
    const watch = watchReplicaReads(orms());
    let programs: number;
    try {
      // One request: create a program, then read the region's statistics in its answer.
      const data = await ok(
        stack.services.voting!.subgraph,
        `mutation($i: CreateProgramInput!) { createProgram(input: $i) { id region { votingStats(year: 2026) { programs } } } }`,
        {
          i: {
            regionCode: town.code,
            level: 'TOWNSHIP',
            year: 2026,
            sessionId: town.sessionId,
            title: '读己之写',
            seats: 1,
          },
        },
        staff,
      );
      programs = data.createProgram.region.votingStats.programs;
    } finally {
      watch.stop();
    }
    const onReplica = watch.log.filter((l) => l.service === 'voting' && l.on === 'replica');
    console.log(
      `replica: createProgram read votingStats = ${programs} (was ${before}) with ${onReplica.length} voting statement(s) on the replica`,
    );
    expect(programs).toBe(before + 1);
    expect(onReplica).toEqual([]);
    // Another request reads the replica, which has the program once replicated.
    await eventually(async () => ((await read()) === before + 1 ? true : undefined), 'the program on the replica');
  });
});
