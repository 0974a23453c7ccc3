// `pnpm rules:check`: docs/rules.md must stay in step with ../shared/DOMAIN.md and with the code. It fails
// when a rule id of DOMAIN.md is missing from docs/rules.md (or rules.md names an id DOMAIN.md lacks), when
// a rule's *(law)*/*(local)* mark or its source (the Sources table) differs from DOMAIN.md's text, when a
// function, type or file named in the "enforced by" column is defined nowhere, or when a test file named
// for a rule does not exist or never mentions the rule's id (tests are named after the id), or when a service
// has no README.md.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const domainPath = join(root, '..', 'shared', 'DOMAIN.md');
const rulesPath = join(root, 'docs', 'rules.md');
const idPattern = /\b([DSGVF]-\d+)\b/;

if (!existsSync(domainPath)) {
  console.error(`rules:check: ${domainPath} not found (the shared folder sits beside the project).`);
  process.exit(1);
}

/** Every file under `dir` (node_modules, dist and generated code left out). */
function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name === 'generated' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else out.push(path);
  }
  return out;
}

const codeRoots = ['services', 'packages', 'gateway'].map((d) => join(root, d));
const files = codeRoots.flatMap((d) => walk(d)).filter((f) => /\.(ts|graphql)$/.test(f));
const sources = new Map(files.map((f) => [f, readFileSync(f, 'utf8')]));

/** A name is defined when some source declares it: a function, constant, class, type, method or key. */
function isDefined(name) {
  const declared = new RegExp(
    `(?:function\\s*\\*?\\s*|const\\s+|let\\s+|class\\s+|interface\\s+|type\\s+|enum\\s+)${name}\\b|` +
      `^\\s*(?:async\\s+)?${name}\\s*[(:<]`,
    'm',
  );
  for (const text of sources.values()) if (declared.test(text)) return true;
  return false;
}

/** A path named in the table: from the root, from the section's service, or from any service. */
function resolvePath(path, service) {
  const bases = [root, ...(service ? [join(root, 'services', service), join(root, 'services', service, 'src')] : [])];
  for (const dir of readdirSync(join(root, 'services'))) {
    bases.push(join(root, 'services', dir), join(root, 'services', dir, 'src'));
  }
  for (const base of bases) if (existsSync(join(base, path))) return join(base, path);
  // A bare file name (`process.test.ts`): any file of that name in the section's service.
  if (!path.includes('/')) {
    const scope = service ? join(root, 'services', service) : root;
    return files.concat(walk(scope)).find((f) => basename(f) === path) ?? null;
  }
  return null;
}

/** DOMAIN.md's rules: id → the rule's text (its item, continuation lines joined). */
const domain = new Map();
let current = null;
for (const line of readFileSync(domainPath, 'utf8').split('\n')) {
  const m = /^- ([DSGVF]-\d+) (.*)/.exec(line);
  if (m) domain.set((current = m[1]), m[2]);
  else if (current && line.startsWith('  ')) domain.set(current, `${domain.get(current)} ${line.trim()}`);
  else current = null;
}
const domainIds = new Set(domain.keys());
const marksOf = (text) =>
  [...new Set([...text.matchAll(/[*_]\((law|local)\)[*_]/g)].map((m) => m[1]))].sort().join(',');

const problems = [];
const documented = new Set();
let service = null;
for (const line of readFileSync(rulesPath, 'utf8').split('\n')) {
  if (line.startsWith('## ')) service = /`services\/(\w+)`/.exec(line)?.[1] ?? null;
  const cells = line.split('|').map((c) => c.trim());
  if (cells.length < 5 || !idPattern.test(cells[1] ?? '') || !/^[DSGVF]-\d+$/.test(cells[1])) continue;
  const [, id, rule, enforcedBy, tests = ''] = cells;
  documented.add(id);
  if (!domainIds.has(id)) problems.push(`${id}: in docs/rules.md but not in DOMAIN.md`);
  else {
    // *(law)* as DOMAIN.md says; *(local)* wherever DOMAIN.md says so (the platform may make more rules settings).
    const [here, there] = [marksOf(rule), marksOf(domain.get(id))];
    if (here.includes('law') !== there.includes('law') || (there.includes('local') && !here.includes('local'))) {
      problems.push(`${id}: marked *(${here || 'nothing'})* here, *(${there || 'nothing'})* in DOMAIN.md`);
    }
  }
  for (const [, token] of enforcedBy.matchAll(/`([^`]+)`/g)) {
    if (token.includes('/') || token.endsWith('.ts')) {
      if (!resolvePath(token, service)) problems.push(`${id}: file ${token} (enforced by) does not exist`);
    } else if (/^[A-Za-z_$][\w$]*$/.test(token) && !isDefined(token)) {
      problems.push(`${id}: ${token} (enforced by) is defined nowhere`);
    }
  }
  for (const [, token] of tests.matchAll(/`([^`]+)`/g)) {
    const file = resolvePath(token, service);
    if (!file) problems.push(`${id}: test file ${token} does not exist`);
    else if (!new RegExp(`\\b${id}\\b`).test(readFileSync(file, 'utf8'))) {
      problems.push(`${id}: ${relative(root, file)} never mentions ${id}`);
    }
  }
}
for (const id of domainIds)
  if (!documented.has(id)) problems.push(`${id}: in DOMAIN.md but missing from docs/rules.md`);

// The Sources table: one row per rule, each source (`;`-separated) found in the rule's text in DOMAIN.md.
const rulesText = readFileSync(rulesPath, 'utf8');
const sourcesSection = rulesText.slice(rulesText.indexOf('\n## Sources'));
const sourced = new Set();
for (const [, id, cell] of sourcesSection.matchAll(/^\|\s*([DSGVF]-\d+)\s*\|(.*)\|\s*$/gm)) {
  sourced.add(id);
  const text = domain.get(id);
  if (!text) continue;
  for (const source of cell
    .trim()
    .split(';')
    .map((s) => s.trim())) {
    if (source !== '—' && !text.includes(source)) problems.push(`${id}: source "${source}" is not in DOMAIN.md's text`);
  }
}
for (const id of domainIds) if (!sourced.has(id)) problems.push(`${id}: no row in the Sources table of docs/rules.md`);

// The README promises one per service.
for (const dir of readdirSync(join(root, 'services'))) {
  if (!existsSync(join(root, 'services', dir, 'README.md'))) problems.push(`services/${dir} has no README.md`);
}

if (problems.length) {
  console.error(`rules:check: docs/rules.md is out of step (${problems.length}):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`rules:check: ${documented.size} rules of DOMAIN.md in docs/rules.md, their functions and tests found.`);
