// `pnpm -s dev-token`: runs packages/platform/src/token.ts without loading a TypeScript loader each time.
// The first call (or one after the sources change) bundles the script with esbuild (it comes with tsx)
// and jose into one file under node_modules/.cache; every later call is plain JavaScript.
import { mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const sources = [
  join(here, '..', 'src', 'token.ts'),
  join(here, '..', 'src', 'demo-roster.ts'),
  join(root, 'packages', 'auth', 'src', 'tokens.ts'),
  join(root, 'packages', 'auth', 'src', 'viewer.ts'),
  join(root, 'packages', 'db', 'src', 'ids.ts'),
];
const out = join(here, '..', 'node_modules', '.cache', 'dev-token.mjs');
const newest = Math.max(...sources.map((f) => statSync(f).mtimeMs));
let built = 0;
try {
  built = statSync(out).mtimeMs;
} catch {
  built = 0;
}
if (built < newest) {
  const rootRequire = createRequire(join(root, 'package.json'));
  const esbuild = createRequire(rootRequire.resolve('tsx/package.json'))('esbuild');
  mkdirSync(dirname(out), { recursive: true });
  // One self-contained file: the workspace sources and jose (pure JavaScript) bundled in.
  esbuild.buildSync({
    entryPoints: [sources[0]],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
    absWorkingDir: join(here, '..'),
  });
}
await import(pathToFileURL(out).href);
