// Builds one service (or the gateway) into runnable JavaScript: `dist/index.js`, one ES module per
// entry. Workspace packages (`@renda/*`, which export TypeScript source) are bundled in; every other
// package stays an import, so it must be a dependency of the package being built (the production
// image installs only those, with `pnpm deploy --prod`). Files read at run time are copied next to
// the bundle: the subgraph's `schema.graphql` (read through `import.meta.url`); migrations are
// imported by each service's `migrations/list.ts`, so they are in the bundle.
//
// Run from the package's folder: `node ../../deploy/build.mjs` (the package's `build` script).
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// esbuild comes with tsx (a root devDependency), so the build adds no dependency of its own.
const rootRequire = createRequire(new URL('../package.json', import.meta.url));
const esbuild = createRequire(rootRequire.resolve('tsx/package.json'))('esbuild');

const dir = resolve(process.argv[2] ?? process.cwd());
const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
const dependencies = new Set(Object.keys(pkg.dependencies ?? {}));
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const outdir = join(dir, 'dist');
const root = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');

/** `@scope/name/sub/path` → `@scope/name`; `name/sub` → `name`. */
const packageName = (spec) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');

const missing = new Map();
const externalThirdParty = {
  name: 'external-third-party',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@renda/')) return undefined; // bundled
      if (builtins.has(args.path)) return { path: args.path, external: true };
      const name = packageName(args.path);
      if (!dependencies.has(name)) missing.set(name, args.importer.replace(`${root}/`, ''));
      return { path: args.path, external: true };
    });
  },
};

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
await esbuild.build({
  entryPoints: [join(dir, 'src/index.ts')],
  outfile: join(outdir, 'index.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [externalThirdParty],
});
if (missing.size) {
  const lines = [...missing].map(([name, importer]) => `  ${name} (imported by ${importer})`);
  console.error(`${pkg.name}: the bundle imports packages that are not in its dependencies:\n${lines.join('\n')}`);
  console.error(`Add them to ${pkg.name}'s "dependencies" ("catalog:") and run pnpm install:`);
  console.error('the image installs only those (pnpm deploy --prod).');
  process.exit(1);
}
const sdl = join(dir, 'src/schema.graphql');
if (existsSync(sdl)) copyFileSync(sdl, join(outdir, 'schema.graphql'));
console.log(`${pkg.name}: built ${outdir.replace(`${process.cwd()}/`, '')}/index.js`);
