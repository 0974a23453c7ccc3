import type { ViteUserConfig } from 'vitest/config';

/** @public Every package's vitest.config.ts calls it (implemented in vitest-config.js). */
export function testConfig(overrides?: ViteUserConfig['test']): ViteUserConfig;
