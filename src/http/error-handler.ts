import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isAppError, type AppErrorKind } from '../domain/errors/index.js';
import { REQUEST_ID_HEADER } from './request-id.js';

/**
 * The error model of DESIGN.md §10, in one place: every error reply of the API is
 * `{"error": {"code": "SNAKE_CASE", "message": "…", "details"?: {…}}}`. Clients match on
 * `code`; `message` is for people. Bad input is always a 4xx; a 5xx means our bug or a dependency
 * that is down, and an unexpected error never shows its internals to the caller (they are logged
 * with the request id, which the caller has in the `x-request-id` header).
 */
export const errorReplySchema = z.object({
  error: z.object({
    code: z.string().describe('Stable SNAKE_CASE code, e.g. VALIDATION_ERROR'),
    message: z.string().describe('Human-readable explanation'),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});

export type ErrorReplyBody = z.infer<typeof errorReplySchema>;

export interface ErrorReply {
  statusCode: number;
  body: ErrorReplyBody;
  headers?: Record<string, string>;
}

/** AppError kind → HTTP status. The CLI has its own mapping to exit codes. */
export const statusForKind: Readonly<Record<AppErrorKind, number>> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

/** Codes for errors that arrive with only a status (Fastify's own, plugins'). */
const codeForStatus: Readonly<Record<number, string>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  408: 'REQUEST_TIMEOUT',
  409: 'CONFLICT',
  411: 'LENGTH_REQUIRED',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  416: 'RANGE_NOT_SATISFIABLE',
  422: 'UNPROCESSABLE',
  429: 'RATE_LIMITED',
};

/** Fastify's request-parsing errors, with messages that tell the caller what to fix. */
const fastifyErrors: Readonly<Record<string, { statusCode: number; code: string; message: string }>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { statusCode: 400, code: 'INVALID_JSON', message: 'The request body is not valid JSON.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    statusCode: 400,
    code: 'INVALID_JSON',
    message: 'The request body is empty, but its Content-Type says JSON.',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    statusCode: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'Unsupported Content-Type: send the body as application/json.',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { statusCode: 413, code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    statusCode: 400,
    code: 'INVALID_CONTENT_LENGTH',
    message: 'The Content-Length header does not match the body.',
  },
  FST_ERR_BAD_URL: { statusCode: 400, code: 'BAD_URL', message: 'The request URL is malformed.' },
};

const INTERNAL_ERROR: ErrorReply = {
  statusCode: 500,
  body: { error: { code: 'INTERNAL_ERROR', message: 'An unexpected error occurred. It has been logged with the request id.' } },
};

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: { keys?: unknown };
}

function isValidationError(error: unknown): error is FastifyError & { validation: ValidationIssue[] } {
  return typeof error === 'object' && error !== null && Array.isArray((error as { validation?: unknown }).validation);
}

function statusOf(error: unknown): number | undefined {
  const statusCode = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof statusCode === 'number' && Number.isInteger(statusCode) ? statusCode : undefined;
}

/** `/amount/0/value` → `amount.0.value`; unknown keys at `/meta` → `meta.extra`; the root itself → `` */
function paramOf(issue: ValidationIssue): string {
  const path = (issue.instancePath ?? '').split('/').filter(Boolean);
  const keys = issue.params?.keys;
  if (issue.keyword === 'unrecognized_keys' && Array.isArray(keys) && keys.length > 0) {
    return keys.map((key) => [...path, String(key)].join('.')).join(', ');
  }
  return path.join('.');
}

function validationReply(error: FastifyError & { validation: ValidationIssue[] }): ErrorReply {
  const location = error.validationContext ?? 'body';
  const issues = error.validation.map((issue) => ({
    in: location,
    param: paramOf(issue),
    message: issue.message ?? 'is invalid',
  }));
  const summary = issues.map((i) => (i.param ? `${i.param}: ${i.message}` : i.message)).join('; ');
  return {
    statusCode: 400,
    body: { error: { code: 'VALIDATION_ERROR', message: `Invalid ${location}: ${summary}`, details: { issues } } },
  };
}

/**
 * What to reply for any error thrown in a request. Pure, so every rule of the model is unit-tested.
 *
 * @example
 * toErrorReply(new AppError('PAYOUT_NOT_FOUND', 'No payout po_1', { kind: 'not_found' }));
 * // { statusCode: 404, body: { error: { code: 'PAYOUT_NOT_FOUND', message: 'No payout po_1' } } }
 */
export function toErrorReply(error: unknown): ErrorReply {
  if (isAppError(error)) {
    if (error.kind === 'internal') return INTERNAL_ERROR;
    const reply: ErrorReply = {
      statusCode: statusForKind[error.kind],
      body: { error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } },
    };
    const retryAfter = error.details?.retryAfterSeconds;
    if (typeof retryAfter === 'number' && retryAfter >= 0) reply.headers = { 'retry-after': String(Math.ceil(retryAfter)) };
    return reply;
  }
  if (isValidationError(error)) return validationReply(error);
  const code = (error as { code?: unknown } | null)?.code;
  const known = typeof code === 'string' ? fastifyErrors[code] : undefined;
  if (known) return { statusCode: known.statusCode, body: { error: { code: known.code, message: known.message } } };
  const statusCode = statusOf(error);
  if (statusCode !== undefined && statusCode >= 400 && statusCode < 500) {
    const message = error instanceof Error && error.message ? error.message : 'The request cannot be served.';
    return { statusCode, body: { error: { code: codeForStatus[statusCode] ?? 'BAD_REQUEST', message } } };
  }
  return INTERNAL_ERROR;
}

/** The reply for a path (or method on a path) with no route. */
export function notFoundReply(method: string, url: string): ErrorReply {
  const path = url.split('?')[0] ?? url;
  return { statusCode: 404, body: { error: { code: 'NOT_FOUND', message: `No route for ${method} ${path}.` } } };
}

function sendErrorReply(reply: FastifyReply, errorReply: ErrorReply): FastifyReply {
  if (errorReply.headers) reply.headers(errorReply.headers);
  return reply.code(errorReply.statusCode).type('application/json; charset=utf-8').send(errorReply.body);
}

function logError(request: FastifyRequest, error: unknown, errorReply: ErrorReply): void {
  if (errorReply.statusCode >= 500) {
    request.log.error({ err: error, statusCode: errorReply.statusCode, errorCode: errorReply.body.error.code }, 'request failed');
  } else {
    request.log.info({ statusCode: errorReply.statusCode, errorCode: errorReply.body.error.code }, errorReply.body.error.message);
  }
}

/**
 * For Fastify's `frameworkErrors` option: errors raised before routing (a malformed URL, an
 * over-long path parameter), which neither the error handler nor the hooks see.
 */
export function replyToFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const errorReply = toErrorReply(error);
  logError(request, error, errorReply);
  reply.header(REQUEST_ID_HEADER, request.id);
  return sendErrorReply(reply, errorReply);
}

/**
 * Install the error model on an app: its error handler and its not-found handler. Call it on the
 * root instance before registering routes so every scope inherits it; pass `replyToFrameworkError`
 * as the app's `frameworkErrors` option for the errors raised before routing. (A wrong method on a known
 * path is a 404 too: Fastify's router does not tell the two apart.)
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const errorReply = toErrorReply(error);
    logError(request, error, errorReply);
    return sendErrorReply(reply, errorReply);
  });
  app.setNotFoundHandler((request, reply) => {
    const errorReply = notFoundReply(request.method, request.url);
    request.log.info({ statusCode: 404, errorCode: 'NOT_FOUND' }, errorReply.body.error.message);
    return sendErrorReply(reply, errorReply);
  });
}
