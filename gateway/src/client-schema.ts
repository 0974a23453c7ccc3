import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { printSchema, type GraphQLSchema } from 'graphql';

/**
 * The schema clients code against: the supergraph's API schema (no join or link directives, no
 * inaccessible elements), printed as SDL. `schema` is the gateway's current API schema.
 */
export function clientSchemaRoute(schema: () => GraphQLSchema | undefined) {
  let printed: { schema: GraphQLSchema; sdl: string } | undefined;
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== '/schema.graphql') return false;
    const current = schema();
    if (!current) {
      const error = { message: 'The schema is not loaded yet.', extensions: { code: 'SERVICE_UNAVAILABLE' } };
      const body = JSON.stringify({ errors: [error] });
      res.writeHead(503, { 'content-type': 'application/json; charset=utf-8' });
      res.end(body);
      return true;
    }
    if (printed?.schema !== current) printed = { schema: current, sdl: `${printSchema(current)}\n` };
    res.writeHead(200, {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': Buffer.byteLength(printed.sdl),
      'cache-control': 'no-cache',
      'content-disposition': 'inline; filename="schema.graphql"',
    });
    res.end(req.method === 'HEAD' ? undefined : printed.sdl);
    return true;
  };
}

/** The API schema of a supergraph, printed: what `/schema.graphql` serves, without starting a gateway. */
export async function clientSchemaSdl(supergraphSdl: string): Promise<string> {
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  const gateway = new ApolloGateway({ supergraphSdl });
  try {
    await gateway.load();
    return `${printSchema(gateway.schema!)}\n`;
  } finally {
    await gateway.stop();
  }
}
