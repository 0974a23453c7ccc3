import { afterAll, describe, expect, it } from 'vitest';
import { deputiesService } from '@renda/deputies/server';
import type { TestPlatform } from './harness.ts';
import { startTestPlatform } from './harness.ts';

let platform: TestPlatform | undefined;
afterAll(() => platform?.stop());

describe('stopping on SIGTERM/SIGINT', () => {
  it('no ApolloServer (gateway or subgraph) installs handlers that exit before the database is closed', async () => {
    // Apollo skips its handlers under NODE_ENV=test; production is where they ended the process early.
    const previous = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    const before = { term: process.listenerCount('SIGTERM'), int: process.listenerCount('SIGINT') };
    try {
      platform = await startTestPlatform([deputiesService]);
    } finally {
      process.env.NODE_ENV = previous;
    }
    expect({ term: process.listenerCount('SIGTERM'), int: process.listenerCount('SIGINT') }).toEqual(before);
    expect((await platform.post({ query: '{ __typename }' })).status).toBe(200);
  });
});
