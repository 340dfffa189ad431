import Stripe from 'stripe';
import { AppError, type AppErrorKind } from '../../domain/errors/index.js';

/** What the rest of the service may know about a failed Stripe call (in AppError.details). */
export interface StripeFailureDetails {
  stripeType: string;
  stripeCode: string | undefined;
  declineCode: string | undefined;
  param: string | undefined;
  requestId: string | undefined;
  statusCode: number | undefined;
  /** A transport-level failure worth repeating as is (429, 5xx, network, lock timeout). */
  transient: boolean;
}

/** True for failures the same request may not hit again: rate limits, Stripe-side errors, the network. */
export function isTransientStripeError(error: unknown): boolean {
  if (!(error instanceof Stripe.errors.StripeError)) return false;
  if (error instanceof Stripe.errors.StripeRateLimitError || error instanceof Stripe.errors.StripeConnectionError) return true;
  if (error instanceof Stripe.errors.StripeAPIError) return true;
  if (error.code === 'lock_timeout' || error.code === 'rate_limit') return true;
  return (error.statusCode ?? 0) >= 500;
}

/** Seconds Stripe asked us to wait, from `Retry-After`, if any. */
export function retryAfterSeconds(error: unknown): number | undefined {
  if (!(error instanceof Stripe.errors.StripeError)) return undefined;
  const header = (error.headers as Record<string, string | undefined> | undefined)?.['retry-after'];
  const seconds = header === undefined ? NaN : Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

/**
 * A Stripe SDK error as our AppError, keeping Stripe's type, code and request id in `details`:
 * `STRIPE_<CODE>` for coded errors (`STRIPE_BALANCE_INSUFFICIENT`), else by type.
 */
export function toAppError(error: unknown, operation: string): unknown {
  if (!(error instanceof Stripe.errors.StripeError)) return error;
  const details: StripeFailureDetails = {
    stripeType: error.type,
    stripeCode: error.code,
    declineCode: error.decline_code,
    param: error.param,
    requestId: error.requestId,
    statusCode: error.statusCode,
    transient: isTransientStripeError(error),
  };
  const code = error.code ? `STRIPE_${error.code.toUpperCase()}` : `STRIPE_${typeCode(error)}`;
  return new AppError(code, `Stripe ${operation} failed: ${error.message}`, {
    kind: kindFor(error),
    details: { ...details },
    cause: error,
  });
}

function typeCode(error: Stripe.errors.StripeError): string {
  if (error instanceof Stripe.errors.StripeCardError) return 'CARD_ERROR';
  if (error instanceof Stripe.errors.StripeRateLimitError) return 'RATE_LIMITED';
  if (error instanceof Stripe.errors.StripeAuthenticationError) return 'AUTHENTICATION_ERROR';
  if (error instanceof Stripe.errors.StripePermissionError) return 'PERMISSION_ERROR';
  if (error instanceof Stripe.errors.StripeIdempotencyError) return 'IDEMPOTENCY_ERROR';
  if (error instanceof Stripe.errors.StripeConnectionError) return 'CONNECTION_ERROR';
  if (error instanceof Stripe.errors.StripeInvalidRequestError) return 'INVALID_REQUEST';
  return 'API_ERROR';
}

function kindFor(error: Stripe.errors.StripeError): AppErrorKind {
  if (isTransientStripeError(error)) return error instanceof Stripe.errors.StripeRateLimitError ? 'rate_limited' : 'unavailable';
  if (error instanceof Stripe.errors.StripeAuthenticationError || error instanceof Stripe.errors.StripePermissionError) return 'unavailable';
  if (error instanceof Stripe.errors.StripeIdempotencyError) return 'conflict';
  if (error.code === 'resource_missing') return 'not_found';
  return 'unprocessable';
}
