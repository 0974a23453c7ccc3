import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { composeSupergraph, supergraphPath } from '../src/compose.ts';

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
