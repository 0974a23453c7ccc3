import type { ViteUserConfig } from 'vitest/config';

export function testConfig(overrides?: ViteUserConfig['test']): ViteUserConfig;
