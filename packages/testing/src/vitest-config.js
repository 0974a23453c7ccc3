// Plain JavaScript: vitest loads its config with Node, before any TypeScript transform.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/**
 * The one vitest configuration every package uses. `graphql` is pinned to the CommonJS build that
 * Node itself loads (and Apollo requires): vite would otherwise load its ESM build, a second copy of
 * graphql-js in the same process ("Cannot use GraphQLObjectType from another module or realm").
 */
/** @param {import('vitest/config').ViteUserConfig['test']} overrides */
export function testConfig(overrides = {}) {
  return defineConfig({
    resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }] },
    test: {
      include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
      globalSetup: [join(dirname(fileURLToPath(import.meta.url)), 'global-setup.ts')],
      // Safety nets, not speed checks: sized for a shared 2-core machine running two copies of the
      // suite, where a file's beforeAll (services and fixtures) may wait minutes for a core.
      testTimeout: 180_000,
      hookTimeout: 300_000,
      teardownTimeout: 120_000,
      // One process per file, two at a time: turbo runs up to three packages at once (`pnpm test`).
      pool: 'forks',
      maxWorkers: 2,
      ...overrides,
    },
  });
}
