import { AsyncLocalStorage } from 'node:async_hooks';
import { isObjectType, type GraphQLSchema } from 'graphql';
import type { Logger } from './logger.ts';

/** What a request's resolvers run inside, so that a failure nobody awaited is logged with its request. */
export interface RequestScope {
  service: string;
  operationName: string | null;
  log: Logger;
  /** Rejections nobody handled while the request ran; the request answers INTERNAL_SERVER_ERROR for them. */
  failures: unknown[];
}

export const requestScope = new AsyncLocalStorage<RequestScope>();

let fallbackLog: Logger | null = null;

function onUnhandledRejection(reason: unknown): void {
  // Node runs this handler in the async context of the rejected promise: the request's scope, if any.
  const scope = requestScope.getStore();
  if (scope) {
    scope.failures.push(reason);
    const where = { err: reason, service: scope.service, operationName: scope.operationName };
    scope.log.error(where, 'unhandled rejection in a request; still serving');
    return;
  }
  fallbackLog?.error({ err: reason }, 'unhandled rejection; still serving');
}

/**
 * Keeps the process serving when a promise rejects with nobody listening (Node's default is to
 * exit, taking every other request down with it). Installed once per process by `createSubgraph`.
 */
export function surviveUnhandledRejections(log: Logger): void {
  if (fallbackLog) return;
  fallbackLog = log;
  process.on('unhandledRejection', onUnhandledRejection);
}

// A symbol property, not a WeakMap: Apollo Server shallow-copies the context of each operation.
const scopeKey = Symbol('renda.requestScope');

/** Binds a request's context to its scope (the subgraph's context function calls it). */
export function openScope(context: object, scope: Omit<RequestScope, 'failures'>): RequestScope {
  const opened = { ...scope, failures: [] };
  (context as Record<symbol, RequestScope>)[scopeKey] = opened;
  return opened;
}

export function scopeOf(context: unknown): RequestScope | undefined {
  if (!context || typeof context !== 'object') return undefined;
  return (context as Record<symbol, RequestScope | undefined>)[scopeKey];
}

/**
 * Runs every resolver of the schema (those the service wrote, not graphql-js's default property
 * reads) inside its request's scope; wraps in place.
 */
export function resolveInScope(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve;
      if (!resolve) continue;
      field.resolve = (source, args, context, info) => {
        const scope = scopeOf(context);
        if (!scope) return resolve(source, args, context, info);
        return requestScope.run(scope, resolve, source, args, context, info);
      };
    }
  }
  return schema;
}
