import { GraphQLError } from 'graphql';

/** The error codes clients may branch on; every error the graph raises carries one in `extensions.code`. */
export type ErrorCode = 'UNAUTHENTICATED' | 'FORBIDDEN' | 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'RATE_LIMITED';

const httpStatus: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  BAD_USER_INPUT: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
};

function error(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}

/**
 * A field that needs a bearer, asked by the public: the field's error, in a 200 answer (the rest of
 * the operation still answers).
 */
export function unauthenticated(
  message = 'A valid token is required: send `Authorization: Bearer <token>`.',
): GraphQLError {
  return error('UNAUTHENTICATED', message);
}

/** A present but invalid token (bad signature, expired, missing claims): the whole request is refused with 401. */
export function invalidToken(message: string): GraphQLError {
  return error('UNAUTHENTICATED', message, { http: { status: httpStatus.UNAUTHENTICATED } });
}

export function forbidden(message: string): GraphQLError {
  return error('FORBIDDEN', message);
}

/** Bad input; `field` names the input field at fault, e.g. `input.regionCode`. */
export function badInput(message: string, field?: string): GraphQLError {
  return error('BAD_USER_INPUT', message, field ? { field } : {});
}

export function notFound(what: string, id: string, field?: string): GraphQLError {
  return error('NOT_FOUND', `No ${what} with id ${JSON.stringify(id)}.`, field ? { field } : {});
}

/** A step out of order, a second vote, a duplicate: the request is well formed but the state forbids it. */
export function conflict(message: string): GraphQLError {
  return error('CONFLICT', message);
}

/** Too many requests from one client in a window (anonymous writes); `retryAfter`: seconds to wait. */
export function rateLimited(message: string, retryAfter?: number): GraphQLError {
  return error('RATE_LIMITED', message, retryAfter === undefined ? {} : { retryAfter });
}

export function isCoded(e: unknown): e is GraphQLError {
  return e instanceof GraphQLError && typeof e.extensions?.code === 'string';
}
