// `pnpm start`: runs the platform as compiled JavaScript with plain `node`, no TypeScript loader and no
// pnpm inside pnpm. The launcher (src/main.ts) and one entry per process (a subgraph's or the
// gateway's, src/child-*.ts) are bundled with esbuild (it comes with tsx) into `<package>/.start/`,
// only when a bundle is missing or older than any source of the workspace; then the launcher runs in
// this process. `pnpm dev` runs the same sources through tsx.
//
// Workspace packages (`@renda/*`, TypeScript source) are bundled in; every other package stays an
// import that Node resolves from the bundle's own package, so each bundle sits in its package's folder
// (`services/<name>/.start/`, `gateway/.start/`, `packages/platform/.start/`) and the files it reads
// through `import.meta.url` are where it expects them (the subgraph's schema.graphql is copied there).
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');
const platform = join(root, 'packages', 'platform');
const src = join(platform, 'src');

/** Every subgraph under services/ (a folder with src/server.ts and src/env.ts), and the gateway. */
const subgraphs = readdirSync(join(root, 'services')).filter(
  (name) =>
    existsSync(join(root, 'services', name, 'src', 'server.ts')) &&
    existsSync(join(root, 'services', name, 'src', 'env.ts')),
);
const targets = [
  { dir: platform, entry: { file: join(src, 'main.ts') } },
  {
    dir: join(root, 'gateway'),
    entry: {
      contents: `import { childArgs, runChild } from ${JSON.stringify(join(src, 'child-runtime.ts'))};
import { startGateway } from ${JSON.stringify(join(src, 'child-gateway.ts'))};
childArgs();
await runChild('gateway', startGateway);`,
    },
  },
  ...subgraphs.map((name) => ({
    dir: join(root, 'services', name),
    entry: {
      contents: `import { childArgs, runChild } from ${JSON.stringify(join(src, 'child-runtime.ts'))};
import { startSubgraph } from ${JSON.stringify(join(src, 'child-subgraph.ts'))};
const { options } = childArgs();
await runChild(${JSON.stringify(name)}, () => startSubgraph(${JSON.stringify(name)}, options, async () => ({
  env: await import('./env.ts'),
  server: await import('./server.ts'),
})));`,
      resolveDir: join(root, 'services', name, 'src'),
    },
  })),
];
const outOf = (target) => join(target.dir, '.start', target.entry.file ? 'main.js' : 'child.js');

/** Newest modification time under the workspace's sources (and this script). */
function newestSource() {
  let newest = statSync(fileURLToPath(import.meta.url)).mtimeMs;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const group of ['packages', 'services']) {
    for (const name of readdirSync(join(root, group))) {
      const dir = join(root, group, name, 'src');
      if (existsSync(dir)) walk(dir);
      const pkg = join(root, group, name, 'package.json');
      if (existsSync(pkg)) newest = Math.max(newest, statSync(pkg).mtimeMs);
    }
  }
  walk(join(root, 'gateway', 'src'));
  return newest;
}

const builtAt = (file) => (existsSync(file) ? statSync(file).mtimeMs : 0);
const newest = newestSource();
const stale = targets.filter((t) => builtAt(outOf(t)) < newest);
if (stale.length) {
  const started = Date.now();
  const rootRequire = createRequire(join(root, 'package.json'));
  const esbuild = createRequire(rootRequire.resolve('tsx/package.json'))('esbuild');
  const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
  const packageName = (spec) =>
    spec
      .split('/')
      .slice(0, spec.startsWith('@') ? 2 : 1)
      .join('/');
  await Promise.all(
    stale.map(async (target) => {
      const pkg = JSON.parse(readFileSync(join(target.dir, 'package.json'), 'utf8'));
      const dependencies = new Set(Object.keys(pkg.dependencies ?? {}));
      const missing = new Map();
      mkdirSync(join(target.dir, '.start'), { recursive: true });
      await esbuild.build({
        ...(target.entry.file
          ? { entryPoints: [target.entry.file] }
          : {
              stdin: {
                contents: target.entry.contents,
                resolveDir: target.entry.resolveDir ?? src,
                sourcefile: 'child.js',
                loader: 'js',
              },
            }),
        outfile: outOf(target),
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        sourcemap: true,
        legalComments: 'none',
        logLevel: 'warning',
        plugins: [
          {
            name: 'external-third-party',
            setup(build) {
              build.onResolve({ filter: /^[^./]/ }, (args) => {
                if (args.path.startsWith('@renda/')) return undefined;
                if (!builtins.has(args.path) && !dependencies.has(packageName(args.path))) {
                  missing.set(packageName(args.path), args.importer.replace(`${root}/`, ''));
                }
                return { path: args.path, external: true };
              });
            },
          },
        ],
      });
      if (missing.size) {
        const lines = [...missing].map(([name, importer]) => `  ${name} (imported by ${importer})`);
        console.error(
          `${pkg.name}: the start bundle imports packages that are not in its dependencies:\n${lines.join('\n')}`,
        );
        process.exit(1);
      }
      const sdl = join(target.dir, 'src', 'schema.graphql');
      if (existsSync(sdl)) copyFileSync(sdl, join(target.dir, '.start', 'schema.graphql'));
    }),
  );
  console.log(
    `人大 Graph: compiled ${stale.length} bundle${stale.length === 1 ? '' : 's'} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}
await import(pathToFileURL(outOf(targets[0])).href);
