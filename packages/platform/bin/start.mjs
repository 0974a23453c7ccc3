// `pnpm start`: runs the platform as compiled JavaScript with plain `node`, no TypeScript loader and no
// pnpm inside pnpm. The launcher (src/main.ts) and one entry per process (a subgraph's or the
// gateway's, src/child-*.ts) are bundled with esbuild (it comes with tsx) into `<package>/.start/`,
// only when a bundle is missing or older than any source of the workspace; then the launcher runs in
// this process. `pnpm dev` runs the same sources through tsx.
//
// Workspace packages (`@renda/*`, TypeScript source) and the third-party packages they import are
// bundled in: one file per process loads in about half the CPU time of Node resolving, reading and
// compiling a thousand files one by one, and the five processes load at once on the machine's cores.
// What stays an import, which Node resolves from the bundle's own package: what the workspace loads on
// demand (`import('exceljs')`), packages that read files beside their code (PGlite), and a library's
// optional dependency that is not installed (pg-native). So each bundle sits in its package's folder
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
  // Third-party packages are bundled too: an install that changed them changed the lockfile.
  for (const file of ['pnpm-lock.yaml', join('node_modules', '.modules.yaml')]) {
    if (existsSync(join(root, file))) newest = Math.max(newest, statSync(join(root, file)).mtimeMs);
  }
  return newest;
}

const builtAt = (file) => (existsSync(file) ? statSync(file).mtimeMs : 0);
const newest = newestSource();
const stale = targets.filter((t) => builtAt(outOf(t)) < newest);
if (stale.length) {
  const started = Date.now();
  const rootRequire = createRequire(join(root, 'package.json'));
  const esbuild = createRequire(rootRequire.resolve('tsx/package.json'))('esbuild');
  /**
   * Never bundled. Packages that read files beside their code (PGlite its WebAssembly and data) and
   * those the workspace loads on demand (exceljs, with the first XLSX export): Node resolves them from
   * the bundle's package, which must depend on them. And libraries' optional dependencies that are
   * not installed (pg-native, other databases' drivers): requires that fail when tried, as unbundled.
   */
  const ownFiles = ['@electric-sql/pglite', '@electric-sql/pglite-socket', 'exceljs'];
  const optional = new Set(['better-sqlite3', 'encoding', 'libsql', 'mariadb', 'mysql', 'mysql2', 'node:sqlite']);
  for (const name of ['oracledb', 'pg-native', 'pg-query-stream', 'sqlite3', 'tedious']) optional.add(name);
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
      mkdirSync(join(target.dir, '.start'), { recursive: true });
      const build = () =>
        esbuild.build({
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
          legalComments: 'none',
          logLevel: 'silent',
          metafile: true,
          external: [...ownFiles, ...ownFiles.map((name) => `${name}/*`), ...optional],
          // The bundle's own `require`: esbuild's for the CommonJS it bundled, and libraries' optional ones.
          banner: {
            js: "import { createRequire as __startRequire } from 'node:module';\nconst require = __startRequire(import.meta.url);",
          },
        });
      let result;
      for (;;) {
        try {
          result = await build();
          break;
        } catch (e) {
          // A library's optional dependency not in the list above (not installed): left external, built again.
          const unresolved = (e.errors ?? [])
            .filter((x) => x.location?.file.includes('node_modules/') && /^Could not resolve "/.test(x.text))
            .map((x) => x.text.split('"')[1]);
          if (!unresolved.length || unresolved.every((name) => optional.has(name))) throw e;
          for (const name of unresolved) optional.add(name);
        }
      }
      const missing = new Set();
      for (const output of Object.values(result.metafile.outputs)) {
        for (const { path, external } of output.imports) {
          const name = packageName(path);
          // Relative paths left external are a library's own guesses in a try (MikroORM's version lookup).
          if (!external || /^[./]/.test(path) || builtins.has(path) || optional.has(name)) continue;
          if (!dependencies.has(name)) missing.add(path);
        }
      }
      if (missing.size) {
        console.error(
          `${pkg.name}: the start bundle imports packages that are not in its dependencies: ${[...missing].join(', ')}`,
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
