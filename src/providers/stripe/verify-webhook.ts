import type Stripe from 'stripe';
import { AppError } from '../../domain/errors/index.js';

/** Stripe's default: a signature older than this is a replay. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/**
 * Verify a webhook on its raw bytes with `stripe.webhooks.constructEvent`, accepting any of the
 * configured secrets (one endpoint for platform events, one for Connect events, or a rotation).
 * Signatures carry wall-clock time (Stripe's test clocks, and ours, do not move them), so `nowMs`
 * defaults to `Date.now()`; tests pass it to check the tolerance edges.
 * @throws AppError WEBHOOK_SIGNATURE_MISSING / WEBHOOK_SIGNATURE_INVALID / WEBHOOK_NOT_CONFIGURED
 */
export function verifyStripeWebhook(
  stripe: Stripe,
  rawBody: Buffer | string,
  signatureHeader: string | undefined,
  secrets: readonly string[],
  nowMs?: number,
): Stripe.Event {
  if (secrets.length === 0) {
    throw new AppError('WEBHOOK_NOT_CONFIGURED', 'No Stripe webhook signing secret is configured (STRIPE_WEBHOOK_SECRET)', { kind: 'unavailable' });
  }
  if (!signatureHeader) {
    throw new AppError('WEBHOOK_SIGNATURE_MISSING', 'The Stripe-Signature header is missing', { kind: 'invalid' });
  }
  let lastError: unknown;
  for (const secret of secrets) {
    try {
      return stripe.webhooks.constructEvent(rawBody, signatureHeader, secret, WEBHOOK_TOLERANCE_SECONDS, undefined, nowMs);
    } catch (error) {
      lastError = error;
    }
  }
  throw new AppError('WEBHOOK_SIGNATURE_INVALID', `The webhook signature does not verify: ${(lastError as Error)?.message ?? 'no secret matched'}`, {
    kind: 'invalid',
  });
}
