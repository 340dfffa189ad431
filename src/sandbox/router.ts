import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SANDBOX_API_VERSION, type SandboxContext } from './context.js';
import { requestOrigin } from './event-log.js';
import { generateId } from './ids.js';
import { processDueChanges } from './lifecycle.js';
import { snapshot } from './state.js';
import { authenticateApiKey } from './wire/auth.js';
import { expandResponse } from './wire/expand.js';
import type { FormParams } from './wire/form-body.js';
import { StripeApiError, apiError, invalidRequest, rateLimited } from './wire/stripe-error.js';

/** What a resource handler receives: the parsed request, scoped to one account. */
export interface SandboxRequest {
  sandbox: SandboxContext;
  /** Query and body parameters, decoded from Stripe's bracket notation. */
  params: FormParams;
  /** Path parameters (`:id`). */
  path: Record<string, string>;
  /** The account the request acts as: the platform, or the `Stripe-Account` connected account. */
  account: string;
  isPlatform: boolean;
  requestId: string;
}

/** Returns the response object; throws {@link StripeApiError} for Stripe errors. */
export type StripeHandler = (request: SandboxRequest) => object | Promise<object>;

export interface StripeRouter {
  get(path: string, handler: StripeHandler): void;
  post(path: string, handler: StripeHandler): void;
  delete(path: string, handler: StripeHandler): void;
}

/**
 * Registers Stripe API routes behind the request pipeline every Stripe request goes through:
 * rate limit → API key → `Stripe-Account` → `Idempotency-Key` (replay / conflict) → injected
 * latency, timeout or error → due time-driven changes → handler → `expand[]` → response
 * (saved for idempotent replay; injected failures are not saved).
 */
export function createStripeRouter(app: FastifyInstance, sandbox: SandboxContext): StripeRouter {
  const add = (method: 'GET' | 'POST' | 'DELETE') => (path: string, handler: StripeHandler) => {
    app.route({ method, url: path, handler: (request, reply) => handleStripeRequest(sandbox, handler, request, reply) });
  };
  return { get: add('GET'), post: add('POST'), delete: add('DELETE') };
}

async function handleStripeRequest(
  sandbox: SandboxContext,
  handler: StripeHandler,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const requestId = generateId('req', 14);
  const apiVersion = headerValue(request, 'stripe-version') ?? SANDBOX_API_VERSION;
  const idempotencyKey = headerValue(request, 'idempotency-key');
  reply.header('Request-Id', requestId).header('Stripe-Version', apiVersion);
  if (idempotencyKey) reply.header('Idempotency-Key', idempotencyKey);
  const path = request.url.split('?')[0] ?? request.url;

  let saveResponse: ((statusCode: number, body: string, headers: Record<string, string>) => void) | undefined;
  let releaseKey: (() => void) | undefined;
  try {
    if (!sandbox.controls.admitRequest()) throw rateLimited();
    authenticateApiKey(headerValue(request, 'authorization'));
    const account = resolveAccount(sandbox, headerValue(request, 'stripe-account'));
    const contentType = String(request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (request.method !== 'GET' && contentType && contentType !== 'application/x-www-form-urlencoded' && request.body !== undefined) {
      throw invalidRequest(`Invalid request: unsupported Content-Type ${contentType}. If error persists and you need assistance, please contact support@stripe.com.`);
    }
    const params: FormParams = { ...asParams(request.query), ...asParams(request.body) };
    const plan = sandbox.controls.planFor(request.method, path);

    if (request.method === 'POST' && idempotencyKey) {
      const decision = sandbox.idempotency.begin({ account, key: idempotencyKey, method: request.method, path, params });
      if (decision.kind === 'replay') {
        if (plan?.timeout === 'after') return dropConnection(request, reply, false);
        return reply
          .code(decision.response.statusCode)
          .headers({ ...decision.response.headers, 'Idempotent-Replayed': 'true', 'Original-Request': decision.response.requestId })
          .type('application/json')
          .send(decision.response.body);
      }
      saveResponse = (statusCode, body, headers) => decision.save({ statusCode, body, headers, requestId });
      releaseKey = decision.release;
    }

    // Injected latency happens while the idempotency key is held, like a slow Stripe request.
    if (plan && plan.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, plan.latencyMs));
    if (plan?.timeout === 'before') return dropConnection(request, reply, true);
    if (plan?.error) throw plan.error;
    processDueChanges(sandbox);

    let statusCode = 200;
    let body: unknown;
    let headers: Record<string, string> = {};
    try {
      const result = await requestOrigin.run({ id: requestId, idempotency_key: idempotencyKey ?? null }, () =>
        handler({ sandbox, params, path: request.params as Record<string, string>, account, isPlatform: account === sandbox.platformAccountId, requestId }),
      );
      body = expandResponse(snapshot(result), params, sandbox.store);
    } catch (error) {
      const stripeError = toStripeError(error, request);
      statusCode = stripeError.statusCode;
      body = stripeError.toJSON();
      headers = stripeError.headers;
    }
    const text = JSON.stringify(body, null, 2);
    saveResponse?.(statusCode, text, headers);
    if (plan?.timeout === 'after') return dropConnection(request, reply, false);
    return reply.code(statusCode).headers(headers).type('application/json').send(text);
  } catch (error) {
    const stripeError = toStripeError(error, request);
    return reply.code(stripeError.statusCode).headers(stripeError.headers).type('application/json').send(JSON.stringify(stripeError.toJSON(), null, 2));
  } finally {
    releaseKey?.();
  }
}

/** The account a request acts as; Stripe's error when the header names no connected account. */
function resolveAccount(sandbox: SandboxContext, stripeAccount: string | undefined): string {
  if (!stripeAccount || stripeAccount === sandbox.platformAccountId) return sandbox.platformAccountId;
  const owner = sandbox.store.ownerOf(stripeAccount);
  if (owner !== sandbox.platformAccountId || sandbox.store.find(stripeAccount)?.object !== 'account') {
    throw new StripeApiError(403, {
      type: 'invalid_request_error',
      code: 'account_invalid',
      message: `The provided key does not have access to account '${stripeAccount}' (or that account does not exist). Application access may have been revoked.`,
    });
  }
  return stripeAccount;
}

function toStripeError(error: unknown, request: FastifyRequest): StripeApiError {
  if (error instanceof StripeApiError) return error;
  request.log.error({ err: error }, 'sandbox handler failed');
  return apiError();
}

/**
 * Simulates a lost response: the connection is closed without an answer, immediately
 * (`after`: the change was made) or once the client gives up (`before`: it never ran).
 */
function dropConnection(request: FastifyRequest, reply: FastifyReply, waitForClient: boolean): FastifyReply {
  reply.hijack();
  const socket = request.raw.socket;
  if (!waitForClient) {
    socket.destroy();
    return reply;
  }
  const timer = setTimeout(() => socket.destroy(), 60_000);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  return reply;
}

function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function asParams(value: unknown): FormParams {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as FormParams) : {};
}
