/**
 * Stripe's error object (`{"error": {type, code, message, param, …}}`) and the HTTP status it
 * travels with. Handlers throw it; the request pipeline turns it into the response, so the
 * status/type pairing lives here only.
 */
export type StripeErrorType =
  | 'api_error'
  | 'card_error'
  | 'idempotency_error'
  | 'invalid_request_error';

export interface StripeErrorBody {
  type: StripeErrorType;
  code?: string;
  decline_code?: string;
  message: string;
  param?: string;
  doc_url?: string;
  payment_intent?: unknown;
  charge?: string;
  request_log_url?: string;
}

export class StripeApiError extends Error {
  readonly statusCode: number;
  readonly body: StripeErrorBody;
  readonly headers: Record<string, string>;

  constructor(statusCode: number, body: StripeErrorBody, headers: Record<string, string> = {}) {
    super(body.message);
    this.name = 'StripeApiError';
    this.statusCode = statusCode;
    this.body = body.code && !body.doc_url ? { ...body, doc_url: `https://stripe.com/docs/error-codes/${body.code.replaceAll('_', '-')}` } : body;
    this.headers = headers;
  }

  toJSON(): { error: StripeErrorBody } {
    return { error: this.body };
  }
}

/** 400 `invalid_request_error` — the most common Stripe error. */
export function invalidRequest(message: string, options: { code?: string; param?: string; statusCode?: number } = {}): StripeApiError {
  return new StripeApiError(options.statusCode ?? 400, {
    type: 'invalid_request_error',
    message,
    ...(options.code ? { code: options.code } : {}),
    ...(options.param ? { param: options.param } : {}),
  });
}

/** 404 `resource_missing`, worded like Stripe: "No such transfer: 'tr_123'". */
export function resourceMissing(resource: string, id: string, param = 'id'): StripeApiError {
  return invalidRequest(`No such ${resource}: '${id}'`, { code: 'resource_missing', param, statusCode: 404 });
}

export function parameterMissing(param: string): StripeApiError {
  return invalidRequest(`Missing required param: ${param}.`, { code: 'parameter_missing', param });
}

export function parameterInvalid(param: string, message: string, code = 'parameter_invalid_string'): StripeApiError {
  return invalidRequest(message, { code, param });
}

export function balanceInsufficient(message: string): StripeApiError {
  return invalidRequest(message, { code: 'balance_insufficient' });
}

/** 429 as Stripe sends it when a rate limit is hit. */
export function rateLimited(): StripeApiError {
  return new StripeApiError(
    429,
    {
      type: 'invalid_request_error',
      code: 'rate_limit',
      message: 'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.',
    },
    { 'Retry-After': '1', 'Stripe-Rate-Limited-Reason': 'global-rate' },
  );
}

/** 500 `api_error`: something broke on "Stripe's" side. */
export function apiError(message = 'An unknown error occurred'): StripeApiError {
  return new StripeApiError(500, { type: 'api_error', message });
}
