/**
 * A gateway of the peer benchmark (`bench/peer.ts` compiles this file to JavaScript and forks it, as
 * production runs the gateway: no TypeScript loader in the measured process): this gateway (`renda`)
 * or Hive Gateway with the Rust query planner (`hive`), on the committed supergraph with each
 * subgraph's URL from SUBGRAPH_URLS (json). Tells the parent `{ ready: url }` over IPC once it listens.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createTokenVerifier } from '@renda/auth/tokens';
import { devJwtSecret, devSubgraphSecret } from '@renda/server-kit/env';
import { listen } from '@renda/server-kit/http';
import { createLogger } from '@renda/server-kit/logger';
import { createGateway } from '../src/server.ts';

const role = process.argv[2];
const port = Number(process.env.PORT ?? 0);
const log = createLogger(role ?? 'bench', 'silent');
const ready = (url: string) => process.send!({ ready: url });
process.on('disconnect', () => process.exit(0));
// An exit of its own, so that `--cpu-prof` writes its profile (BENCH_PROFILE).
process.on('SIGTERM', () => process.exit(0));
const urls = (): Record<string, string> => JSON.parse(process.env.SUBGRAPH_URLS ?? '{}');
// Given by the parent: in the compiled file `import.meta.url` is not the gateway's folder.
const supergraphPath = process.env.SUPERGRAPH_PATH!;

if (role === 'renda') {
  const gateway = await createGateway({
    urls: urls(),
    secret: devSubgraphSecret,
    verifier: createTokenVerifier({ kind: 'hs256', secret: devJwtSecret }),
    log,
    supergraphSdl: readFileSync(supergraphPath, 'utf8'),
  });
  ready((await listen(gateway.httpServer, port, '127.0.0.1')).url);
} else if (role === 'hive') {
  const { createGatewayRuntime } = await import('@graphql-hive/gateway');
  const { unifiedGraphHandler } = await import('@graphql-hive/router-runtime');
  const byName = urls();
  // The committed supergraph names the default ports; point each subgraph at where it runs now.
  const supergraph = readFileSync(supergraphPath, 'utf8').replace(
    /@join__graph\(name: "(\w+)", url: "[^"]*"\)/g,
    (whole, graph: string) => (byName[graph] ? `@join__graph(name: "${graph}", url: "${byName[graph]}")` : whole),
  );
  const runtime = createGatewayRuntime({
    supergraph,
    unifiedGraphHandler,
    logging: false,
    propagateHeaders: {
      fromClientToSubgraphs: ({ request }) => ({
        authorization: request.headers.get('authorization'),
        'x-subgraph-secret': devSubgraphSecret,
      }),
    },
  });
  const server = createServer((req, res) => {
    // The runtime answers every request itself, its own failures included (as a 500): nothing to await.
    void runtime(req, res);
  });
  ready((await listen(server, port, '127.0.0.1')).url);
} else {
  console.error('usage: peer-gateway.js renda | hive');
  process.exit(2);
}
